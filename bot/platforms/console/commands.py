"""The console's own `:` commands: who you are, where you are, and what time it is."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from difflib import get_close_matches
from typing import Protocol

from bot.core.ports import PersonZone, PersonZones, ZoneSource
from bot.core.requests import ActionInvocation
from bot.platforms.console.outbox import label
from bot.platforms.console.parsing import (
    ConsoleInputError,
    describe_time,
    parse_channel,
    parse_duration,
    parse_instant,
    parse_press,
    parse_user,
    parse_zone,
)
from bot.platforms.console.screen import Screen
from bot.platforms.console.session import Session

# Lives through the time that passed; may answer with a note for the person.
TimeChanged = Callable[[datetime], Awaitable[str | None]]


class SettableClock(Protocol):
    """A clock the console may move: `bot.core.clock.SimulatedClock`."""

    def now(self) -> datetime: ...

    def set(self, instant: datetime) -> None: ...

    def advance(self, delta: timedelta) -> None: ...


@dataclass(frozen=True)
class Quit:
    """The person asked to leave the console."""


@dataclass(frozen=True)
class ConsoleCommand:
    """One `:` command as `:help` lists it; `example` is shown when its input is wrong."""

    names: tuple[str, ...]
    usage: str
    summary: str
    example: str
    takes_text: bool = True
    argument: str = ""  # what follows the command, as "Usage: ..." names it
    needs_text: bool = True  # False: alone it does something else (`:tz` shows the zone)

    @property
    def how_to(self) -> str:
        """`Usage: :tz <zone>, such as :tz Europe/Berlin`."""
        return f"Usage: :{self.names[0]} {self.argument}, such as {self.example}"


COMMANDS: tuple[ConsoleCommand, ...] = (
    ConsoleCommand(("help", "h"), ":help", "this list", ":help", takes_text=False),
    ConsoleCommand(("as",), ":as USER", "be someone else (the first user is admin)", ":as bob",
                   argument="<user>"),
    ConsoleCommand(("in",), ":in #CHANNEL", "talk in a channel", ":in #sales",
                   argument="<#channel>"),
    ConsoleCommand(("dm",), ":dm", "talk to the bot directly", ":dm", takes_text=False),
    ConsoleCommand(("now",), ":now", "show the simulated time and your time zones", ":now",
                   takes_text=False),
    ConsoleCommand(("advance",), ":advance 1d2h", "move the clock on (w, d, h, m, s)",
                   ":advance 1d2h", argument="<duration>"),
    ConsoleCommand(("at",), ":at 2026-12-01T09:00", "set the clock (ISO 8601; no offset = UTC)",
                   ":at 2026-12-01T09:00", argument="<date and time>"),
    ConsoleCommand(("tz",), ":tz Europe/Berlin",
                   "set your profile's time zone (alone: show it)", ":tz Europe/Berlin",
                   argument="<zone>", needs_text=False),
    ConsoleCommand(("press",), ":press N [MSG]",
                   "press button N of the last message with buttons (or of message MSG)",
                   ":press 1", argument="<button> [<message>]"),
    ConsoleCommand(("cancel",), ":cancel", "abandon the form you are filling", ":cancel",
                   takes_text=False),
    ConsoleCommand(("quit", "q"), ":quit", "leave (end of input does too)", ":quit",
                   takes_text=False),
)
BY_NAME = {name: command for command in COMMANDS for name in command.names}
# Where a person's zone comes from, as `:now` says it (the console's profile is `:tz`).
SOURCES = {ZoneSource.CHOSEN: "chosen with partnerops tz", ZoneSource.PROFILE: "set with :tz",
           ZoneSource.DEFAULT: "the workspace default"}


def is_console_command(line: str) -> bool:
    """Whether `line` is one of the console's own `:` commands."""
    return line.strip().removeprefix(":").split(" ", 1)[0].lower() in BY_NAME


def help_lines() -> list[str]:
    """The `:help` text."""
    width = max(len(command.usage) for command in COMMANDS) + 2
    return ["Console commands (anything else goes to the bot, typed as in Teams: `help`, "
            "`elephant ...`):",
            *(f"  {command.usage.ljust(width)}{command.summary}" for command in COMMANDS)]


class ConsoleCommands:
    """Runs `:` commands against the session and the clock; bad input changes nothing."""

    def __init__(self, session: Session, clock: SettableClock, screen: Screen,
                 on_time_change: TimeChanged | None = None,
                 zones: PersonZones | None = None) -> None:
        self._session = session
        self._clock = clock
        self._screen = screen
        self._on_time_change = on_time_change
        self._zones = zones

    async def execute(self, line: str) -> Quit | ActionInvocation | None:
        """Run one `:` line; a button press comes back for the caller to dispatch."""
        name, _, text = line.strip().removeprefix(":").partition(" ")
        text = text.strip()
        command = BY_NAME.get(name.lower())
        try:
            if command is None:
                raise self._unknown(name)
            if text and not command.takes_text:
                raise ConsoleInputError(f"{command.usage} takes nothing after it.",
                                        command.example)
            return await self._run(command.names[0], text, command)
        except ConsoleInputError as error:
            self._screen.problem(error.as_text())
            return None

    @staticmethod
    def _unknown(name: str) -> ConsoleInputError:
        close = get_close_matches(name.lower(), BY_NAME, n=1)
        hint = f" Did you mean :{close[0]}?" if close else ""
        return ConsoleInputError(f"There is no console command ':{name}'.{hint} Type :help for "
                                 "the list; lines without ':' go to the bot.", ":help")

    async def _run(self, name: str, text: str,
                   command: ConsoleCommand) -> Quit | ActionInvocation | None:
        if command.takes_text and command.needs_text and not text:
            raise ConsoleInputError(f"{command.how_to}.", "")
        session = self._session
        match name:
            case "help":
                for text_line in help_lines():
                    self._screen.line(text_line)
            case "as":
                session.become(parse_user(text))
                self._screen.note(f"You are now {session.user} ({session.actor().display_name})"
                                  f" in {session.where()}.")
            case "in":
                session.enter(parse_channel(text))
                self._screen.note(f"{session.user} is now in {session.where()}.")
            case "dm":
                session.enter_direct()
                self._screen.note(f"{session.user} is now in a direct conversation with the "
                                  f"bot ({label(session.conversation)}).")
            case "now":
                self._screen.note(f"Now {await self._zones_now()}.")
            case "advance":
                await self._move(self._later(parse_duration(text)),
                                 f"Advanced {''.join(text.split()).lower()}")
            case "at":
                await self._move(parse_instant(text), "Clock set")
            case "tz":
                await self._tz(text, command)
            case "press":
                return self._press(text)
            case "cancel":
                self._screen.problem("No form is open, so there is nothing to cancel.")
            case "quit":
                return Quit()
        return None

    async def _zone(self) -> PersonZone:
        """The zones the bot runs this person's days in (their own may be one they chose
        with `partnerops tz`, not the console's)."""
        if self._zones is not None:
            return await self._zones.zone_of(self._session.actor())
        source = ZoneSource.PROFILE if self._session.user in self._session.zones \
            else ZoneSource.DEFAULT
        return PersonZone(self._session.zone(), source)

    async def _time(self) -> str:
        """The time, in the zone the bot runs this person's days in."""
        return describe_time(self._clock.now(), (await self._zone()).zone, self._session.user)

    async def _zones_now(self) -> str:
        """The time in the person's zone, where that zone comes from, and each cadence that
        asks them at another zone's time: what `:now` says."""
        user, found = self._session.user, await self._zone()
        text = describe_time(self._clock.now(), found.zone, user, SOURCES[found.source])
        return "".join([text, *(f"; {name} asks {user} at {zone} time (its zone for people "
                                "without one)" for name, zone in found.elsewhere)])

    async def _tz(self, text: str, command: ConsoleCommand) -> None:
        """`:tz ZONE` sets the profile's zone, as a platform profile would change (the bot
        learns it now, not at the next message); `:tz` alone shows it."""
        session = self._session
        if not text:
            self._screen.note(f"Now {await self._zones_now()}. {command.how_to}.")
            return
        session.zones[session.user] = parse_zone(text)
        if self._zones is not None:
            await self._zones.learn(session.actor())
        found = await self._zone()
        now = describe_time(self._clock.now(), found.zone, session.user)
        if found.source is ZoneSource.CHOSEN:
            self._screen.note(
                f"{session.user}'s profile time zone is now {session.zone()}, but "
                f"{session.user} chose {found.zone} with 'partnerops tz', which comes first "
                f"('partnerops tz profile' goes back to the profile's). Now {now}.")
            return
        self._screen.note(f"{session.user}'s time zone is now {session.zone()}. Now {now}.")

    def _later(self, delta: timedelta) -> datetime:
        try:
            return self._clock.now() + delta
        except OverflowError:
            raise ConsoleInputError("That is beyond the calendar I can keep.",
                                    ":advance 1d") from None

    async def _move(self, instant: datetime, what: str) -> None:
        before = self._clock.now()
        try:
            self._clock.set(instant)
        except (OverflowError, ValueError):
            raise ConsoleInputError("That is beyond the calendar I can keep.",
                                    ":advance 1d") from None
        back = " (earlier than before)" if instant < before else ""
        self._screen.note(f"{what}{back}. Now {await self._time()}.")
        if self._on_time_change is not None:
            note = await self._on_time_change(self._clock.now())
            if note:
                self._screen.note(note)

    def _press(self, text: str) -> ActionInvocation:
        number, message_id = parse_press(text)
        if message_id is not None and not self._screen.was_shown(message_id):
            last = self._screen.last_message
            latest = f"the last one is msg {last}" if last else "none has been shown yet"
            raise ConsoleInputError(f"There is no message {message_id}: {latest}.",
                                    f":press 1 {last}" if last else ":press 1")
        target = self._screen.pressable(message_id)
        if target is None:
            where = f"Message {message_id} has no" if message_id else "No message has"
            raise ConsoleInputError(f"{where} buttons to press.", ":press 1")
        if number > len(target.buttons):
            raise ConsoleInputError(f"That message has {len(target.buttons)} button(s); "
                                    f"choose 1 to {len(target.buttons)}.", ":press 1")
        button = target.buttons[number - 1]
        return ActionInvocation(actor=self._session.actor(), conversation=target.conversation,
                                action=button.action, value=button.value,
                                message=target.message)
