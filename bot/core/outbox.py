"""The Outbox port: send to a stored conversation on any platform, update what was sent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.core.cards import Content
from bot.core.conversation import ConversationRef, MessageRef, Platform
from bot.core.errors import DeliveryError


@dataclass(frozen=True)
class OutFile:
    """A file the bot hands someone (an export)."""

    name: str  # "partners.csv"
    data: bytes
    title: str = ""
    # Where the bot also serves it for a while (`GET /exports/<token>`), for platforms that
    # take no file from a bot (Teams).
    link: str = ""


class Outbox(Protocol):
    async def post(self, to: ConversationRef, content: Content, *,
                   thread: MessageRef | None = None, key: str | None = None) -> MessageRef:
        """Post a message (in a thread when given) and return where it landed.

        `key` is the delivery's idempotency key (from the delivery ledger): platforms that can
        store it with the message (Slack's message metadata) do, so `find_delivery` can later
        tell whether a send interrupted by a crash actually arrived.
        """
        ...

    async def update(self, message: MessageRef, content: Content) -> None:
        """Replace a message the bot posted earlier."""
        ...

    async def post_private(self, to: ConversationRef, user_id: str, content: Content) -> None:
        """Show a message only to `user_id` where the platform can; else a direct message."""
        ...

    async def send_file(self, to: ConversationRef, user_id: str, file: OutFile,
                        comment: str) -> None:
        """Give `user_id` a file privately (in their direct messages with the bot), with a
        comment; DeliveryError if the platform refused."""
        ...

    async def find_delivery(self, to: ConversationRef, key: str,
                            since: datetime) -> MessageRef | None:
        """A message with this key posted to `to` since `since`, if the platform can tell.

        None: not found, or the platform cannot look at all (Teams, console: a caller that
        gets None sends again, so delivery is at-least-once there after a crash between
        claiming a key and sending). DeliveryError when a platform that can look could not
        be asked this time: not knowing is not "not there", so the caller must not send.
        Top-level messages only: Slack lists thread replies apart from the channel history.
        """
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
                   thread: MessageRef | None = None, key: str | None = None) -> MessageRef:
        return await self._for(to.platform).post(to, content, thread=thread, key=key)

    async def update(self, message: MessageRef, content: Content) -> None:
        await self._for(message.conversation.platform).update(message, content)

    async def post_private(self, to: ConversationRef, user_id: str, content: Content) -> None:
        await self._for(to.platform).post_private(to, user_id, content)

    async def send_file(self, to: ConversationRef, user_id: str, file: OutFile,
                        comment: str) -> None:
        await self._for(to.platform).send_file(to, user_id, file, comment)

    async def find_delivery(self, to: ConversationRef, key: str,
                            since: datetime) -> MessageRef | None:
        """None also when `to`'s platform is not enabled here: nothing can be told."""
        outbox = self._outboxes.get(to.platform)
        return await outbox.find_delivery(to, key, since) if outbox is not None else None
