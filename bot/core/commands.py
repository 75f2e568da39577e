"""Command specs in an explicit Registry, and routing text to the right handler."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from bot.core.errors import UserError
from bot.core.forms import Submission
from bot.core.ids import ActionId, FormId
from bot.core.pages import PageSpec
from bot.core.responses import Response

# Handlers receive a context object defined by the handlers layer; the core only routes.
Handler = Callable[[Any], Awaitable[Response]]

HELP_WORDS = frozenset({"help", "-h", "--help", "?"})
# How much of what someone typed an error message quotes back.
QUOTE_MAX = 40


def excerpt(text: str, limit: int = QUOTE_MAX) -> str:
    """`text` as an error message quotes it: one line, at most `limit` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Subcommand:
    name: str
    summary: str
    usage: str
    handler: Handler
    examples: tuple[str, ...] = ()
    admin_only: bool = False
    # Run with no text, it opens a form that may be filed anonymously: whoever opens it is
    # looked up without writing or asking anything, so not even the opening leaves a trace.
    opens_anonymous_form: bool = False


@dataclass(frozen=True)
class CommandSpec:
    """A top-level command; `default` runs when the text names no subcommand (or is empty)."""

    name: str
    summary: str
    subcommands: tuple[Subcommand, ...] = ()
    default: Subcommand | None = None
    # False for words that only make sense typed (Slack has its own /help).
    slash_command: bool = True

    def subcommand(self, name: str) -> Subcommand | None:
        return next((sub for sub in self.subcommands if sub.name == name), None)

    def every_usage(self) -> tuple[Subcommand, ...]:
        return ((self.default,) if self.default else ()) + self.subcommands


@dataclass(frozen=True)
class Route:
    """Where a command's text leads; `subcommand` None means the person asked for help."""

    command: CommandSpec
    subcommand: Subcommand | None
    args: str


@dataclass(frozen=True)
class SettingSpec:
    """A channel an admin chooses for a feature (`partnerops settings <name> #channel`)."""

    name: str
    what: str  # what goes there: "elephant reports"
    unset: str  # what happens while it is not chosen
    announcement: str  # posted there first, which proves the bot may speak there
    # Internal: no channel partners can read (Slack Connect, or a partner contact in it).
    internal: bool = False


# Rows of one entity for `partnerops export`: (storage session, workspace id or None for
# every workspace) -> rows, lists and documents kept as they are (JSON writes them so).
# The session is storage's; the core only passes it on.
Exporter = Callable[[Any, "int | None"], Awaitable[list[dict[str, Any]]]]
# One row as a CSV line wants it: every value a plain one.
Flattener = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class ExportSpec:
    """An entity `partnerops export` writes: its columns (a CSV header even with no rows),
    its rows, and how a row is flattened for CSV."""

    name: str
    columns: tuple[str, ...]
    rows: Exporter
    flatten: Flattener

    def csv(self, rows: list[dict[str, Any]]) -> str:
        """The rows as CSV, flattened, always starting with the header."""
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(self.columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.flatten(row) for row in rows)
        return out.getvalue()


class DueSource(Protocol):
    """A feature's timed messages (see handlers.common.due); the core only collects them."""

    feature: str

    async def run(self, run: Any) -> None: ...

    async def next_wakeup(self, services: Any, now: datetime) -> datetime | None: ...


@dataclass(frozen=True)
class ThreadListener:
    """Replies in the thread of a feature's messages: `owns(services, workspace, root)` says
    (cheaply, before anyone is looked up) whether the root message is one of its own."""

    owns: Callable[[Any, Any, Any], Awaitable[bool]]
    handler: Handler


# A feature's part of a person's home (Slack App Home, the `home` card): given the command
# context of that person, its blocks (none when it has nothing for them).
HomeSection = Callable[[Any], Awaitable[tuple[Any, ...]]]

# A feature's part of an observer's weekly digest: given the digest's context (who, which
# cadences or the whole install, the week), its blocks (none when it has nothing to say).
DigestSection = Callable[[Any], Awaitable[tuple[Any, ...]]]

# (services, person, their own zone) -> (name, zone) of what asks them at another zone's
# time: a cadence's zone for people without one.
ZoneNotes = Callable[[Any, Any, str], Awaitable[tuple[tuple[str, str], ...]]]


@dataclass(frozen=True)
class Feature:
    """What one feature contributes, as data: commands, buttons and forms with their own
    ids, the channels admins choose for it, its exports and its timed messages."""

    name: str
    commands: tuple[CommandSpec, ...] = ()
    actions: tuple[tuple[ActionId, Handler], ...] = ()
    forms: tuple[tuple[FormId, Handler], ...] = ()
    # Forms whose submission may be anonymous (the predicate says when): the person behind
    # it is then looked up without writing anything, so no row records them at that moment.
    anonymous_forms: tuple[tuple[FormId, Callable[[Submission], bool]], ...] = ()
    # What it does with replies in the thread of a message it posted.
    thread_listeners: tuple[ThreadListener, ...] = ()
    settings: tuple[SettingSpec, ...] = ()
    exporters: tuple[ExportSpec, ...] = ()
    due: tuple[DueSource, ...] = ()
    zone_notes: tuple[ZoneNotes, ...] = ()
    home: tuple[HomeSection, ...] = ()
    digest: tuple[DigestSection, ...] = ()
    pages: tuple[PageSpec, ...] = ()  # the read-only dashboard's pages
    # Subcommands it adds to a command another feature registered first: (command, sub).
    extends: tuple[tuple[str, Subcommand], ...] = ()


class Registry:
    """Every command, action and form the bot knows, registered explicitly."""

    def __init__(self, features: Iterable[Feature] = ()) -> None:
        self._features: dict[str, Feature] = {}
        self._commands: dict[str, CommandSpec] = {}
        self._actions: dict[ActionId, Handler] = {}
        self._forms: dict[FormId, Handler] = {}
        self._anonymous_forms: dict[FormId, Callable[[Submission], bool]] = {}
        self._settings: dict[str, SettingSpec] = {}
        self._exporters: dict[str, ExportSpec] = {}
        # What answers `<command> help` (and a bare command that has no default).
        self.help: Subcommand | None = None
        for feature in features:
            self.add(feature)

    def add(self, feature: Feature) -> None:
        if feature.name in self._features:
            raise ValueError(f"feature {feature.name!r} is registered twice")
        self._features[feature.name] = feature
        for setting in feature.settings:
            if setting.name in self._settings:
                raise ValueError(f"setting {setting.name!r} is registered twice")
            self._settings[setting.name] = setting
        for export in feature.exporters:
            if export.name in self._exporters:
                raise ValueError(f"export {export.name!r} is registered twice")
            self._exporters[export.name] = export
        for spec in feature.commands:
            if spec.name in self._commands:
                raise ValueError(f"command {spec.name!r} is registered twice")
            self._commands[spec.name] = spec
        for action_id, handler in feature.actions:
            if action_id in self._actions:
                raise ValueError(f"action {action_id!r} is registered twice")
            self._actions[action_id] = handler
        for form_id, handler in feature.forms:
            if form_id in self._forms:
                raise ValueError(f"form {form_id!r} is registered twice")
            self._forms[form_id] = handler
        self._anonymous_forms.update(feature.anonymous_forms)
        for command_name, sub in feature.extends:
            spec = self._commands.get(command_name)
            if spec is None:
                raise ValueError(f"{feature.name} extends {command_name!r}, which is not "
                                 "registered (yet)")
            if spec.subcommand(sub.name) is not None:
                raise ValueError(f"{command_name} {sub.name!r} is registered twice")
            self._commands[command_name] = replace(spec, subcommands=(*spec.subcommands, sub))

    @property
    def settings(self) -> tuple[SettingSpec, ...]:
        return tuple(self._settings.values())

    def setting(self, name: str) -> SettingSpec | None:
        return self._settings.get(name)

    @property
    def exporters(self) -> dict[str, ExportSpec]:
        return dict(self._exporters)

    @property
    def due_sources(self) -> tuple[DueSource, ...]:
        return tuple(source for feature in self._features.values() for source in feature.due)

    @property
    def home_sections(self) -> tuple[HomeSection, ...]:
        return tuple(section for feature in self._features.values()
                     for section in feature.home)

    @property
    def pages(self) -> tuple[PageSpec, ...]:
        return tuple(page for feature in self._features.values() for page in feature.pages)

    @property
    def digest_sections(self) -> tuple[DigestSection, ...]:
        return tuple(section for feature in self._features.values()
                     for section in feature.digest)

    @property
    def zone_notes(self) -> tuple[ZoneNotes, ...]:
        return tuple(notes for feature in self._features.values()
                     for notes in feature.zone_notes)

    @property
    def thread_listeners(self) -> tuple[ThreadListener, ...]:
        return tuple(listener for feature in self._features.values()
                     for listener in feature.thread_listeners)

    @property
    def commands(self) -> tuple[CommandSpec, ...]:
        return tuple(self._commands.values())

    @property
    def form_ids(self) -> tuple[FormId, ...]:
        return tuple(self._forms)

    @property
    def action_ids(self) -> tuple[ActionId, ...]:
        return tuple(self._actions)

    def command(self, name: str) -> CommandSpec | None:
        return self._commands.get(name)

    def action(self, action_id: ActionId) -> Handler | None:
        return self._actions.get(action_id)

    def form(self, form_id: FormId) -> Handler | None:
        return self._forms.get(form_id)

    def is_anonymous(self, submission: Submission) -> bool:
        """Whether this submission asks to leave no trace of who sent it."""
        check = self._anonymous_forms.get(submission.form_id)
        return check is not None and check(submission)

    def opens_anonymous_form(self, command: str, text: str) -> bool:
        """Whether `command text` opens a form that may be filed anonymously."""
        try:
            found = self.route(command, text)
        except UserError:
            return False
        return found.subcommand is not None and found.subcommand.opens_anonymous_form \
            and not found.args

    def route(self, command: str, text: str) -> Route:
        """The subcommand that `text` names; raises UserError naming what would work."""
        spec = self._commands.get(command.lower())
        if spec is None:
            known = ", ".join(sorted(self._commands))
            raise UserError(f"I don't know the command '{excerpt(command)}'. I know: {known}.",
                            example="help")
        first, _, rest = text.strip().partition(" ")
        word = first.lower()
        # "/elephant Help desk tickets are ignored" is a report, not a request for help.
        if word in HELP_WORDS and not (spec.default is not None and rest.strip()):
            return Route(spec, None, rest.strip())
        subcommand = spec.subcommand(word)
        if subcommand is not None and rest.strip().lower() in HELP_WORDS:
            # "elephant ack help": help with that subcommand, never an ack of "help".
            return Route(spec, None, subcommand.name)
        if subcommand is not None:
            return Route(spec, subcommand, rest.strip())
        if spec.default is not None:
            return Route(spec, spec.default, text.strip())
        if not word:
            return Route(spec, None, "")
        names = ", ".join(sub.name for sub in spec.subcommands)
        example = f"{spec.name} {spec.subcommands[0].examples[0]}" if spec.subcommands and \
            spec.subcommands[0].examples else f"{spec.name} help"
        raise UserError(f"'{spec.name} {excerpt(first)}' is not something I can do. "
                        f"Try one of: {names}, help.", example=example)


def split_command(text: str, prefix: str = "") -> tuple[str, str]:
    """Typed text ("/pp-elephant x", "elephant x") -> (command word, the rest)."""
    first, _, rest = text.strip().partition(" ")
    word = first.lower().lstrip("/")
    if prefix and word.startswith(prefix.lower()):
        word = word[len(prefix):]
    return word, rest.strip()
