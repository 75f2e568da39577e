"""A console on the real application, fed line by line like a chat transcript."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest

from bot.app import Application
from bot.core.clock import SimulatedClock
from bot.core.conversation import Platform
from bot.core.ports import Dispatcher, PersonZones
from bot.platforms.console import ConsolePlatform


@dataclass
class Chat:
    """A console and what it printed; `type` returns only the output of the lines typed."""

    console: ConsolePlatform
    output: io.StringIO
    clock: SimulatedClock
    seen: int = 0

    async def type(self, *lines: str) -> str:
        for line in lines:
            await self.console.handle_line(line)
        printed = self.output.getvalue()
        new, self.seen = printed[self.seen:], len(printed)
        return new


def make_chat(dispatcher: Dispatcher, clock: SimulatedClock, *, prefix: str = "",
              timezone: str = "UTC", stdin: str = "", zones: PersonZones | None = None) -> Chat:
    """A console for user ana in #general, writing to a StringIO."""
    output = io.StringIO()
    console = ConsolePlatform(dispatcher=dispatcher, clock=clock, user="ana",
                              command_prefix=prefix, default_timezone=timezone,
                              stdin=io.StringIO(stdin), stdout=output, zones=zones)
    return Chat(console, output, clock)


@pytest.fixture
def chat(application: Application, clock: SimulatedClock) -> Chat:
    """The console wired into the application exactly as the CLI wires it."""
    made = make_chat(application.dispatcher, clock, prefix=application.settings.command_prefix,
                     timezone=application.settings.timezone, zones=application.services.zones)
    application.add_platform(Platform.CONSOLE, made.console.outbox,
                             channels=made.console.channels)
    return made
