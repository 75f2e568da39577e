"""The offline chat console: every feature as any user, with a simulated clock."""

from bot.platforms.console.outbox import ConsoleOutbox
from bot.platforms.console.platform import ConsolePlatform

__all__ = ["ConsoleOutbox", "ConsolePlatform"]
