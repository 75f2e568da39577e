"""The console platform: read a line, run it as a console or chat command, show the answer."""

from __future__ import annotations

import logging
import os
import sys
from typing import TextIO

from bot.core.commands import split_command
from bot.core.conversation import Actor, CommandStyle, ConversationRef
from bot.core.forms import FieldValue, Submission
from bot.core.ports import Dispatcher, PersonZones
from bot.core.requests import ActionInvocation, Invocation
from bot.core.responses import OpenForm, Reply, Response
from bot.platforms.console.channels import ConsoleChannels
from bot.platforms.console.commands import (
    ConsoleCommands,
    Quit,
    SettableClock,
    TimeChanged,
    is_console_command,
)
from bot.platforms.console.forms import FormFiller
from bot.platforms.console.outbox import ConsoleOutbox, label
from bot.platforms.console.parsing import parse_user
from bot.platforms.console.reader import LineReader
from bot.platforms.console.render import Style
from bot.platforms.console.screen import Screen
from bot.platforms.console.session import Session, mentioned_channels, mentioned_people

log = logging.getLogger(__name__)

QUIT_WORDS = frozenset({":quit", ":q"})


def _wants_color(stream: TextIO) -> bool:
    try:
        return stream.isatty() and "NO_COLOR" not in os.environ
    except (AttributeError, ValueError):
        return False


class ConsolePlatform:
    """An offline chat console: type as any user, in any channel, at any simulated time."""

    def __init__(self, *, dispatcher: Dispatcher, clock: SettableClock, user: str = "ana",
                 command_prefix: str = "", default_timezone: str = "UTC",
                 stdin: TextIO | None = None, stdout: TextIO | None = None,
                 on_time_change: TimeChanged | None = None, color: bool | None = None,
                 zones: PersonZones | None = None) -> None:
        stdin = stdin if stdin is not None else sys.stdin
        stdout = stdout if stdout is not None else sys.stdout
        self._dispatcher = dispatcher
        self._clock = clock
        self._prefix = command_prefix
        # `--as` follows the rule `:as` does (a ConsoleInputError says why not).
        self.session = Session(parse_user(user, "--as bob"), default_timezone)
        self._screen = Screen(stdout, Style(_wants_color(stdout) if color is None else color))
        self.outbox = ConsoleOutbox(self._screen)
        self.channels = ConsoleChannels()
        self.style = CommandStyle(slash=False, prefix=command_prefix)
        self._commands = ConsoleCommands(self.session, clock, self._screen, on_time_change,
                                         zones)
        self._reader = LineReader(stdin, stdout)
        self._filling: FormFiller | None = None
        self._form_origin: tuple[Actor, ConversationRef] | None = None
        self.finished = False

    @property
    def prompt(self) -> str:
        """What a terminal shows before the next line."""
        return self._filling.prompt if self._filling else self.session.prompt()

    async def run(self) -> None:
        """Read and handle lines until the end of input or `:quit`."""
        if self._reader.interactive:
            self._screen.note(f"PartnerOps console. You are {self.session.user} in "
                              f"{self.session.where()}. Type help for the bot's commands, "
                              ":help for the console's, :quit to leave.")
        while not self.finished:
            line = await self._reader.readline(self.prompt)
            if line is None:
                self._abandon_form("the input ended")
                break
            await self.handle_line(line)
        self.finished = True

    async def handle_line(self, line: str) -> None:
        """Handle one typed line; whatever fails, the console carries on."""
        if self.finished:
            return
        try:
            await self._handle(line)
        except Exception as exc:
            log.debug("console line failed", exc_info=True)
            detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:160]
            self._screen.problem(f"Sorry, that failed inside the bot ({detail}). "
                                 "The console is still running.")

    async def _handle(self, line: str) -> None:
        text = line.strip()
        if self._filling is not None:
            await self._form_line(line)
        elif not text:
            return
        elif text.startswith(":"):
            outcome = await self._commands.execute(text)
            if isinstance(outcome, Quit):
                self.finished = True
            elif isinstance(outcome, ActionInvocation):
                await self._deliver(await self._dispatcher.action(outcome), outcome.actor,
                                    outcome.conversation)
        else:
            await self._chat(text)

    async def _chat(self, text: str) -> None:
        if text.startswith("@"):  # "@PartnerOps elephant ..." as typed in a Teams channel
            text = text.partition(" ")[2].strip()
        command, rest = split_command(text, self._prefix)
        if not command:
            self._screen.problem("Type a command for the bot, e.g. help")
            return
        self.channels.typed(self.session.conversation, self.session.user)
        invocation = Invocation(actor=self.session.actor(),
                                conversation=self.session.conversation, command=command,
                                text=rest, channels=mentioned_channels(rest),
                                people=mentioned_people(rest))
        response = await self._dispatcher.command(invocation)
        await self._deliver(response, invocation.actor, invocation.conversation)

    async def _deliver(self, response: Response, actor: Actor,
                       conversation: ConversationRef) -> None:
        if isinstance(response, Reply) and response.form is not None:
            # A form sent back with problems: ask only what is wrong, keep the rest.
            await self._deliver(OpenForm(response.form), actor, conversation)
        elif isinstance(response, Reply):
            header = "(only you) bot:" if response.private else f"[{label(conversation)}] bot:"
            self._screen.show(header, response.content, where=conversation)
            await self.outbox.save_charts(response.content, conversation)
        elif isinstance(response, OpenForm):
            self._filling = FormFiller(response.form, self._screen)
            self._form_origin = (actor, conversation)
            values = self._filling.start()
            if values is not None:
                await self._submit(values)

    async def _form_line(self, line: str) -> None:
        assert self._filling is not None
        word = line.strip().lower()
        if word == ":cancel":
            self._abandon_form("you cancelled it")
            return
        if word in QUIT_WORDS:
            self._abandon_form("you left")
            self.finished = True
            return
        if word.startswith(":") and is_console_command(word):
            self._screen.problem(f"You are filling '{self._filling.form.title}': answer it, "
                                 "or :cancel to leave it (nothing is sent), then "
                                 f"{word.split()[0]} again.")
            self._filling.repeat()
            return
        values = self._filling.feed(line)
        if values is not None:
            await self._submit(values)

    async def _submit(self, values: dict[str, FieldValue]) -> None:
        assert self._filling is not None and self._form_origin is not None
        form, (actor, conversation) = self._filling.form, self._form_origin
        self._filling, self._form_origin = None, None
        submission = Submission(form.id, actor, conversation, values, dict(form.context))
        await self._deliver(await self._dispatcher.submit(submission), actor, conversation)

    def _abandon_form(self, why: str) -> None:
        if self._filling is None:
            return
        self._screen.note(f"Form '{self._filling.form.title}' abandoned ({why}); "
                          "nothing was sent.")
        self._filling, self._form_origin = None, None
