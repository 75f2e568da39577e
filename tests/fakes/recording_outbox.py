"""An Outbox that keeps what the bot sent, with the simulated time of each send."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.cards import Content, as_card
from bot.core.clock import Clock
from bot.core.conversation import ConversationRef, MessageRef


@dataclass(frozen=True)
class Sent:
    to: ConversationRef
    text: str
    at: datetime
    message: MessageRef
    thread: MessageRef | None = None
    content: Content = ""
    key: str | None = None


class RecordingOutbox:
    """Records posts, updates and private messages; can be told to fail the next sends."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.posts: list[Sent] = []
        self.updates: list[Sent] = []
        self.private: list[Sent] = []
        self.fail_after: int | None = None  # raise on every post after this many
        self.crash_after_delivering = False  # ...after the message arrived, or before

    async def post(self, to: ConversationRef, content: Content, *,
                   thread: MessageRef | None = None, key: str | None = None) -> MessageRef:
        crash = self.fail_after is not None and len(self.posts) >= self.fail_after
        if crash and not self.crash_after_delivering:
            raise CrashDuringSend("the process died mid-send")
        message = MessageRef(to, str(len(self.posts) + 1))
        self.posts.append(Sent(to, as_card(content).plain_text(), self._clock.now(), message,
                               thread, content, key))
        if crash:
            raise CrashDuringSend("the process died before the answer came back")
        return message

    async def update(self, message: MessageRef, content: Content) -> None:
        self.updates.append(Sent(message.conversation, as_card(content).plain_text(),
                                 self._clock.now(), message, None, content))

    async def post_private(self, to: ConversationRef, user_id: str, content: Content) -> None:
        self.private.append(Sent(to, as_card(content).plain_text(), self._clock.now(),
                                 MessageRef(to, f"private-{len(self.private) + 1}"), None,
                                 content))

    async def find_delivery(self, to: ConversationRef, key: str,
                            since: datetime) -> MessageRef | None:
        """Like Slack's message metadata: posts remember their key."""
        return next((sent.message for sent in self.posts
                     if sent.to == to and sent.key == key and sent.at >= since), None)

    def to(self, conversation_id: str) -> list[Sent]:
        return [sent for sent in self.posts if sent.to.id == conversation_id]


class CrashDuringSend(BaseException):
    """Not an Exception: like a killed process, nothing in the bot may catch it."""
