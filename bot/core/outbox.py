"""The Outbox port: send to a stored conversation on any platform, update what was sent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from bot.core.cards import Content
from bot.core.conversation import ConversationRef, MessageRef, Platform
from bot.core.errors import DeliveryError


class Outbox(Protocol):
    async def post(self, to: ConversationRef, content: Content, *,
                   thread: MessageRef | None = None) -> MessageRef:
        """Post a message (in a thread when given) and return where it landed."""
        ...

    async def update(self, message: MessageRef, content: Content) -> None:
        """Replace a message the bot posted earlier."""
        ...

    async def post_private(self, to: ConversationRef, user_id: str, content: Content) -> None:
        """Show a message only to `user_id` where the platform can; else a direct message."""
        ...


class RoutingOutbox:
    """One Outbox over every enabled platform, routing by the conversation's platform."""

    def __init__(self, outboxes: Mapping[Platform, Outbox] | None = None) -> None:
        self._outboxes: dict[Platform, Outbox] = dict(outboxes or {})

    def register(self, platform: Platform, outbox: Outbox) -> None:
        self._outboxes[platform] = outbox

    def enabled(self, platform: Platform) -> bool:
        return platform in self._outboxes

    def _for(self, platform: Platform) -> Outbox:
        try:
            return self._outboxes[platform]
        except KeyError:
            raise DeliveryError(f"{platform.value} is not enabled in this process") from None

    async def post(self, to: ConversationRef, content: Content, *,
                   thread: MessageRef | None = None) -> MessageRef:
        return await self._for(to.platform).post(to, content, thread=thread)

    async def update(self, message: MessageRef, content: Content) -> None:
        await self._for(message.conversation.platform).update(message, content)

    async def post_private(self, to: ConversationRef, user_id: str, content: Content) -> None:
        await self._for(to.platform).post_private(to, user_id, content)
