"""What platforms call into, and what they offer back to the core."""

from __future__ import annotations

from typing import Protocol

from bot.core.conversation import Profile
from bot.core.forms import Submission
from bot.core.requests import ActionInvocation, Invocation
from bot.core.responses import Response


class Dispatcher(Protocol):
    """Runs commands, form submissions and button presses; the platforms' one way in."""

    async def command(self, invocation: Invocation) -> Response: ...

    async def submit(self, submission: Submission) -> Response: ...

    async def action(self, action: ActionInvocation) -> Response: ...


class ProfileSource(Protocol):
    """A platform's user directory (Slack users.info, Teams roster)."""

    async def profile(self, user_id: str) -> Profile | None: ...


class ChannelDirectory(Protocol):
    """Who is in a conversation, for cadences whose participants are "everyone in #x"."""

    async def members(self, conversation_id: str) -> list[str]:
        """The platform user ids of the (human) members; empty if they cannot be listed."""
        ...


class ReferenceStore(Protocol):
    """Durable storage of platform conversation references (Teams proactive messaging)."""

    async def save_reference(self, *, platform: str, conversation_id: str, reference: str,
                             conversation_type: str, tenant_id: str | None,
                             service_url: str | None) -> None: ...

    async def load_reference(self, platform: str, conversation_id: str) -> str | None: ...
