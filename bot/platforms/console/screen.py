"""The console's output stream: chat messages, console notes, and what `:press` can press."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from bot.core.cards import Button, Content, as_card
from bot.core.conversation import ConversationRef, MessageRef
from bot.platforms.console.render import PLAIN, Style, buttons, message_lines


@dataclass(frozen=True)
class Pressable:
    """The buttons of one shown message, and where that message is."""

    buttons: tuple[Button, ...]
    conversation: ConversationRef
    message: MessageRef | None = None


class Screen:
    """Writes everything the console shows, and remembers the messages that had buttons."""

    def __init__(self, stream: TextIO, style: Style = PLAIN) -> None:
        self.stream = stream
        self.style = style
        self._last: Pressable | None = None
        self._by_message: dict[str, Pressable] = {}
        # Every numbered message shown, in order (`:press N MSG` names one of them).
        self._messages: dict[str, None] = {}

    def line(self, text: str = "") -> None:
        """Write one line (or several joined by newlines) and flush."""
        try:
            self.stream.write(text + "\n")
        except UnicodeEncodeError:  # a terminal that cannot show emoji still gets the words
            encoding = getattr(self.stream, "encoding", None) or "ascii"
            self.stream.write(text.encode(encoding, "replace").decode(encoding) + "\n")
        self.stream.flush()

    def note(self, text: str) -> None:
        """Something the console itself says (not the bot)."""
        self.line(f"* {text}")

    def problem(self, text: str) -> None:
        """Console input that could not be used; nothing changed."""
        self.line(f"! {text}")

    def show(self, header: str, content: Content, *, where: ConversationRef,
             message: MessageRef | None = None, suffix: str = "") -> None:
        """A message from the bot; its buttons become what `:press N` presses."""
        card = as_card(content)
        for text in message_lines(header, card, self.style, suffix):
            self.line(text)
        found = buttons(card)
        if message is not None:
            self._messages[message.id] = None
            self._by_message.pop(message.id, None)
        if found:
            pressable = Pressable(found, where, message)
            self._last = pressable
            if message is not None:
                self._by_message[message.id] = pressable

    def was_shown(self, message_id: str) -> bool:
        """Whether message `message_id` was shown in this session."""
        return message_id in self._messages

    @property
    def last_message(self) -> str | None:
        """The number of the latest message shown, if any was."""
        return next(reversed(self._messages), None)

    def pressable(self, message_id: str | None = None) -> Pressable | None:
        """The last shown message with buttons, or message `message_id` if it had any."""
        if message_id is None:
            return self._last
        return self._by_message.get(message_id)
