"""An Outbox that keeps what the bot sent, with the (simulated) time of each send."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.core.cards import Card, Content, as_card
from bot.core.clock import Clock
from bot.core.conversation import ConversationRef, MessageRef
from bot.core.errors import DeliveryError
from bot.core.outbox import OutFile


@dataclass(frozen=True)
class Sent:
    to: ConversationRef
    card: Card
    message: MessageRef
    thread: MessageRef | None = None
    key: str | None = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))  # the bot's (simulated) time
    # When the platform received it, by its own clock (what find_delivery compares with).
    received: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def text(self) -> str:
        return self.card.plain_text()


class CrashDuringSend(BaseException):
    """Not an Exception: like a killed process, nothing in the bot may catch it."""


class RecordingOutbox:
    """Records posts, updates and private messages.

    `refuse` names conversations the bot may not post in; `fail_after` makes every post
    after that many crash the process, before the message left or, with
    `crash_after_delivering`, after it arrived.
    """

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock
        self.posts: list[Sent] = []
        self.updates: list[Sent] = []
        self.private: list[Sent] = []
        # (user id, file, comment) of every file handed to someone.
        self.files: list[tuple[str, OutFile, str]] = []
        self.refuse: set[str] = set()
        # Conversations whose history cannot be read just now (find_delivery cannot tell).
        self.cannot_look: set[str] = set()
        self.fail_after: int | None = None
        self.crash_after_delivering = False

    def _now(self) -> datetime:
        return self._clock.now() if self._clock else datetime.now(UTC)

    async def post(self, to: ConversationRef, content: Content, *,
                   thread: MessageRef | None = None, key: str | None = None) -> MessageRef:
        if to.id in self.refuse:
            raise DeliveryError("not_in_channel")
        crash = self.fail_after is not None and len(self.posts) >= self.fail_after
        if crash and not self.crash_after_delivering:
            raise CrashDuringSend("the process died mid-send")
        message = MessageRef(to, f"m{len(self.posts) + 1}")
        self.posts.append(Sent(to, as_card(content), message, thread, key, self._now()))
        if crash:
            raise CrashDuringSend("the process died before the answer came back")
        return message

    async def update(self, message: MessageRef, content: Content) -> None:
        if message.conversation.id in self.refuse:
            raise DeliveryError("not_in_channel")
        self.updates.append(Sent(message.conversation, as_card(content), message,
                                 at=self._now()))

    async def post_private(self, to: ConversationRef, user_id: str, content: Content) -> None:
        self.private.append(Sent(to, as_card(content), MessageRef(to, f"p-{user_id}"),
                                 at=self._now()))

    async def send_file(self, to: ConversationRef, user_id: str, file: OutFile,
                        comment: str) -> None:
        if user_id in self.refuse:
            raise DeliveryError("cannot_dm_user")
        self.files.append((user_id, file, comment))

    async def find_delivery(self, to: ConversationRef, key: str,
                            since: datetime) -> MessageRef | None:
        """Like Slack's message metadata: posts remember their key."""
        if to.id in self.cannot_look:
            raise DeliveryError("cannot tell whether it arrived: history unavailable")
        return next((sent.message for sent in self.posts
                     if sent.to == to and sent.key == key and sent.received >= since), None)

    def to(self, conversation_id: str) -> list[Sent]:
        return [sent for sent in self.posts if sent.to.id == conversation_id]
