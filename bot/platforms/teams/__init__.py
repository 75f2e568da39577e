"""Microsoft Teams through the Bot Framework: the only package that imports botbuilder."""

from bot.platforms.teams.outbox import TeamsOutbox
from bot.platforms.teams.platform import TeamsPlatform
from bot.platforms.teams.retry import RetryPolicy

__all__ = ["RetryPolicy", "TeamsOutbox", "TeamsPlatform"]
