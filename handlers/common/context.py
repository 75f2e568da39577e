"""What every handler receives: the services, the request, and the person behind it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.core.clock import Clock
from bot.core.commands import CommandSpec
from bot.core.conversation import Platform
from bot.core.forms import Submission
from bot.core.outbox import Outbox
from bot.core.ports import ChannelDirectory, ProfileSource
from bot.core.requests import ActionInvocation, Invocation
from storage.common.models import Person
from storage.engine import Database


@dataclass(frozen=True)
class BotConfig:
    """The slice of Settings the handlers need, passed down from the composition root."""

    default_timezone: str = "UTC"
    admins: frozenset[str] = frozenset()
    command_prefix: str = ""


@dataclass
class Services:
    db: Database
    outbox: Outbox
    clock: Clock
    config: BotConfig = field(default_factory=BotConfig)
    profiles: Mapping[Platform, ProfileSource] = field(default_factory=dict)
    channels: Mapping[Platform, ChannelDirectory] = field(default_factory=dict)
    schedule_changed: Callable[[], None] = field(default=lambda: None)  # cadences changed


@dataclass(frozen=True)
class CommandContext:
    services: Services
    invocation: Invocation
    person: Person
    command: CommandSpec
    args: str

    @property
    def platform(self) -> Platform:
        return self.invocation.actor.platform


@dataclass(frozen=True)
class FormContext:
    services: Services
    submission: Submission
    person: Person


@dataclass(frozen=True)
class ActionContext:
    services: Services
    action: ActionInvocation
    person: Person
