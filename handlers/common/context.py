"""What every handler receives: the services, the request, its workspace and the person."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta

from bot.core.clock import Clock, SystemClock
from bot.core.commands import CommandSpec, DueSource
from bot.core.conversation import CommandStyle, ConversationRef, Platform
from bot.core.forms import Submission
from bot.core.outbox import Outbox
from bot.core.ports import ChannelDirectory, PeoplePicker, PersonZones, ProfileSource
from bot.core.requests import ActionInvocation, Invocation, ThreadMessage
from bot.core.telemetry import Telemetry
from handlers.common.leases import LeaseKeeper
from storage.common.models import Person, Workspace
from storage.engine import Database


@dataclass(frozen=True)
class BotConfig:
    """The slice of Settings the handlers need, passed down from the composition root."""

    default_timezone: str = "UTC"
    admins: frozenset[str] = frozenset()
    command_prefix: str = ""
    # How long a request waits for a platform's directory before going on without it.
    profile_lookup: timedelta = timedelta(seconds=1)
    # People move and travel: their directory profile (time zone above all) is read again.
    profile_refresh: timedelta = timedelta(days=7)
    # Days before an objective is due that its people are nudged (0: never).
    objective_nudge_days: int = 14
    # Where people reach this bot's web server (links to files it hands out).
    public_url: str = "http://localhost:3978"
    # A secret the database does not hold (from the platforms' own secrets), keying what
    # must not be traced back from the database alone (anonymous votes); empty: none.
    server_secret: str = ""


@dataclass
class Services:
    db: Database
    outbox: Outbox
    clock: Clock
    config: BotConfig = field(default_factory=BotConfig)
    # Real time, whatever `clock` says: what the ledger's claims and platforms' own
    # records (Slack message timestamps) are compared with.
    wall_clock: Clock = field(default_factory=SystemClock)
    profiles: Mapping[Platform, ProfileSource] = field(default_factory=dict)
    channels: Mapping[Platform, ChannelDirectory] = field(default_factory=dict)
    pickers: Mapping[Platform, PeoplePicker] = field(default_factory=dict)
    styles: Mapping[Platform, CommandStyle] = field(default_factory=dict)
    schedule_changed: Callable[[], None] = field(default=lambda: None)  # due work changed
    # Every feature's timed messages, as the registry lists them (see handlers.common.due).
    due_work: tuple[DueSource, ...] = ()
    # The zones a person's days run in across every feature (the composition root's), for
    # a feature that may not read another's cadences itself (`whoami`).
    zones: PersonZones | None = None
    # What operators count (requests, deliveries): the composition root's Prometheus.
    telemetry: Telemetry = field(default_factory=Telemetry)
    leases: LeaseKeeper = field(init=False)

    def __post_init__(self) -> None:
        self.leases = LeaseKeeper(self.db, self.wall_clock.now)

    def style(self, platform: Platform) -> CommandStyle:
        """How people type commands on `platform` (plain words where it has no slashes)."""
        return self.styles.get(platform, CommandStyle())


def conversation_in(workspace: Workspace, conversation: ConversationRef) -> ConversationRef:
    """`conversation` marked as belonging to `workspace` (the platform's id of it)."""
    return replace(conversation, workspace=workspace.external_id or "")


@dataclass(frozen=True)
class CommandContext:
    services: Services
    invocation: Invocation
    workspace: Workspace
    person: Person
    command: CommandSpec
    args: str

    @property
    def platform(self) -> Platform:
        return self.invocation.actor.platform

    @property
    def style(self) -> CommandStyle:
        return self.services.style(self.platform)


@dataclass(frozen=True)
class FormContext:
    services: Services
    submission: Submission
    workspace: Workspace
    person: Person

    @property
    def platform(self) -> Platform:
        return self.submission.actor.platform


@dataclass(frozen=True)
class ThreadContext:
    """A reply written, edited or deleted in the thread of one of the bot's messages."""

    services: Services
    message: ThreadMessage
    workspace: Workspace
    person: Person


@dataclass(frozen=True)
class ActionContext:
    services: Services
    action: ActionInvocation
    workspace: Workspace
    person: Person

    @property
    def platform(self) -> Platform:
        return self.action.actor.platform
