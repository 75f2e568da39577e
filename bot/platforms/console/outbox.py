"""The Outbox port for the console: every message is printed, nothing leaves the machine."""

from __future__ import annotations

from typing import TextIO

from bot.core.cards import Content
from bot.core.conversation import ConversationRef, MessageRef
from bot.platforms.console.screen import Screen


class ConsoleOutbox:
    """Prints posts as `[#channel] bot: ...  (msg N)`, edits and private messages likewise."""

    def __init__(self, output: Screen | TextIO) -> None:
        self._screen = output if isinstance(output, Screen) else Screen(output)
        self._next_id = 1

    def _new_ref(self, to: ConversationRef) -> MessageRef:
        ref = MessageRef(to, str(self._next_id))
        self._next_id += 1
        return ref

    async def post(self, to: ConversationRef, content: Content, *,
                   thread: MessageRef | None = None) -> MessageRef:
        """Print a message in `to` (under thread `thread` if given); ids count up from 1."""
        ref = self._new_ref(to)
        where = to.label if thread is None else f"{to.label}, thread of msg {thread.id}"
        self._screen.show(f"[{where}] bot:", content, where=to, message=ref,
                          suffix=f"  (msg {ref.id})")
        return ref

    async def update(self, message: MessageRef, content: Content) -> None:
        """Print the new version of a message the bot posted earlier."""
        self._screen.show(f"[{message.conversation.label}] bot (edited {message.id}):", content,
                          where=message.conversation, message=message)

    async def post_private(self, to: ConversationRef, user_id: str, content: Content) -> None:
        """Print a message only `user_id` would see."""
        self._screen.show(f"(only {user_id}) bot:", content, where=to)
