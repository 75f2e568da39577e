"""What platforms call into, and what they offer back to the core."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from bot.core.conversation import Actor, Profile
from bot.core.forms import Submission
from bot.core.requests import ActionInvocation, Invocation, ThreadMessage
from bot.core.responses import Response


class Dispatcher(Protocol):
    """Runs commands, form submissions and button presses; the platforms' one way in."""

    async def command(self, invocation: Invocation) -> Response: ...

    async def submit(self, submission: Submission) -> Response: ...

    async def action(self, action: ActionInvocation) -> Response: ...

    async def thread(self, message: ThreadMessage) -> Response: ...

    async def owns_thread(self, message: ThreadMessage) -> bool: ...

    def leaves_no_trace(self, request: Invocation | Submission | ActionInvocation) -> bool:
        """Whether nothing may be stored or sent that names who made `request`."""
        ...


class ProfileSource(Protocol):
    """A platform's user directory (Slack users.info, Teams roster)."""

    async def profile(self, user_id: str, workspace: str = "") -> Profile | None: ...


class ChannelDirectory(Protocol):
    """A platform's channels: who is in one (for cadences whose participants are "everyone
    in #x"), and what people call it (messages name channels, never show their ids)."""

    async def members(self, conversation_id: str, workspace: str = "") -> list[str]:
        """The platform user ids of the (human) members; empty if they cannot be listed."""
        ...

    async def name(self, conversation_id: str, workspace: str = "") -> str:
        """The channel's name as the platform shows it; "" if it cannot be found out."""
        ...

    async def shared_outside(self, conversation_id: str, workspace: str = "") -> bool:
        """Whether another organisation shares it (Slack Connect); False when unknown."""
        ...

    async def bot_is_in(self, conversation_id: str, workspace: str = "") -> bool | None:
        """Whether the bot is a member (it hears only its channels' messages); None when
        the platform cannot say."""
        ...


class PeoplePicker(Protocol):
    """What a form's people picker speaks: its values to user ids and back.

    Slack's picker answers with user ids. Teams' answers with Microsoft Entra object ids,
    which the bot cannot message: they map to the Teams user ids of people it has seen.
    """

    def shown_as(self, user_id: str, directory_id: str | None) -> str:
        """The picker value that names this person (to fill in an edit form)."""
        ...

    async def user_ids(self, workspace: str, picked: Sequence[str]) -> list[str | None]:
        """The user id the bot reaches each picked person by; None for a stranger."""
        ...


class ZoneSource(StrEnum):
    """Where the zone a person's days run in comes from, first to last."""

    CHOSEN = "chosen"  # they chose it with `partnerops tz`
    PROFILE = "profile"  # their platform profile's
    DEFAULT = "default"  # the workspace default


@dataclass(frozen=True)
class PersonZone:
    """The zone a person's days run in and why, and what asks them in another zone."""

    zone: str
    source: ZoneSource = ZoneSource.DEFAULT
    # (name, zone) of each active cadence that asks them at its own zone's time because they
    # have none of their own ("its zone for people without one"), where that zone differs.
    elsewhere: tuple[tuple[str, str], ...] = ()


class PersonZones(Protocol):
    """The time zones a person's days run in, as the bot sees them (their chosen zone, else
    their profile's, else a cadence's, else the default): what a simulated clock shows them."""

    async def zone_of(self, actor: Actor) -> PersonZone: ...

    async def learn(self, actor: Actor) -> None:
        """Take in what `actor` now says of the person (the console's `:tz`), as their next
        message would; someone the bot has not met yet is learned at their first one."""
        ...


class DirectoryIds(Protocol):
    """People seen before, by their directory id (the Teams picker's Entra ids)."""

    async def user_id_of(self, platform: str, workspace: str, picked: str) -> str | None:
        """The user id of the person `picked` names, by directory id or user id."""
        ...


class ReferenceStore(Protocol):
    """Durable storage of platform conversation references (Teams proactive messaging)."""

    async def save_reference(self, *, platform: str, workspace: str, conversation_id: str,
                             reference: dict[str, Any], conversation_type: str,
                             tenant_id: str | None, service_url: str | None) -> None: ...

    async def load_reference(self, platform: str,
                             conversation_id: str) -> dict[str, Any] | None: ...


class ImageHost(Protocol):
    """Images the bot serves itself, for a while, at a link that cannot be guessed (a chart
    too big to travel inside a Teams card)."""

    async def host_image(self, platform: str, workspace: str, png: bytes) -> str | None:
        """The public link to `png`; None when it cannot be kept."""
        ...


@dataclass(frozen=True)
class InstalledBot:
    """An installation's own bot: its token and its ids there."""

    token: str
    user_id: str | None = None
    bot_id: str | None = None
    # The org of an org-wide install (Slack Enterprise Grid), which serves all its teams.
    enterprise_id: str | None = None


class Installations(Protocol):
    """Installations that have their own bot token (Slack OAuth installs)."""

    async def installed_bot(self, platform: str, workspace: str,
                            enterprise: str | None = None) -> InstalledBot | None:
        """The bot installed in `workspace`; else, given `enterprise`, the bot an org-wide
        install of that enterprise has; None when neither is installed."""
        ...
