"""The Outbox port for the console: every message is printed, nothing leaves the machine."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.charting.png import drawn
from bot.core.cards import Card, Content, Text
from bot.core.conversation import ConversationKind, ConversationRef, MessageRef
from bot.core.outbox import OutFile
from bot.platforms.console.screen import Screen
from bot.platforms.console.session import DIRECT_PREFIX


def label(to: ConversationRef) -> str:
    """`#general`, or `dm-bob` for a direct conversation named by its id or by the user: one
    screen shows every user's, so each says whose (never the bot's "our direct messages")."""
    if to.kind is ConversationKind.DIRECT:
        # A DM may be addressed by user id, as cadence prompts are.
        return to.id if to.id.startswith(DIRECT_PREFIX) else DIRECT_PREFIX + to.id
    return to.label


class ConsoleOutbox:
    """Prints posts as `[#channel] bot: ...  (msg N)`, edits and private messages likewise.

    Nothing is stored anywhere the bot could search, so `find_delivery` cannot tell whether an
    interrupted send was shown: delivery keys are accepted and ignored (at-least-once).
    """

    def __init__(self, output: Screen | TextIO, charts_dir: Path | None = None) -> None:
        self._screen = output if isinstance(output, Screen) else Screen(output)
        self._next_id = 1
        self._answers = 0  # answers to whoever typed, whose charts were drawn
        # Where the charts messages carry are written, as PNG files, for the operator to open.
        self._charts_dir = charts_dir or Path(tempfile.gettempdir()) / "partnerops-charts"

    async def _save_charts(self, content: Content, message: MessageRef,
                           prefix: str = "msg-") -> None:
        """Each chart of `content` as a PNG file, its path printed under the message."""
        if not isinstance(content, Card):
            return
        for number, chart in enumerate(content.charts, 1):
            path = self._charts_dir / f"{prefix}{message.id}-{number}.png"
            data = await drawn(chart)
            await asyncio.to_thread(self._charts_dir.mkdir, parents=True, exist_ok=True)
            await asyncio.to_thread(path.write_bytes, data)
            self._screen.show("bot:", f"chart '{chart.title}' drawn to {path}",
                              where=message.conversation)

    async def save_charts(self, content: Content, where: ConversationRef) -> None:
        """The charts of an answer to the person who asked: named apart from the messages
        (`answer-<n>`), as it is no message `:press` could name."""
        if isinstance(content, Card) and content.charts:
            self._answers += 1
            await self._save_charts(content, MessageRef(where, f"answer-{self._answers}"),
                                    prefix="")

    def _new_ref(self, to: ConversationRef) -> MessageRef:
        ref = MessageRef(to, str(self._next_id))
        self._next_id += 1
        return ref

    async def post(self, to: ConversationRef, content: Content, *,
                   thread: MessageRef | None = None, key: str | None = None) -> MessageRef:
        """Print a message in `to` (under thread `thread` if given); ids count up from 1."""
        ref = self._new_ref(to)
        where = label(to) if thread is None else f"{label(to)}, thread of msg {thread.id}"
        self._screen.show(f"[{where}] bot:", content, where=to, message=ref,
                          suffix=f"  (msg {ref.id})")
        await self._save_charts(content, ref)
        return ref

    async def update(self, message: MessageRef, content: Content) -> None:
        """Print the new version of a message the bot posted earlier."""
        self._screen.show(f"[{label(message.conversation)}] bot (edited {message.id}):",
                          content, where=message.conversation, message=message)

    async def post_private(self, to: ConversationRef, user_id: str, content: Content) -> None:
        """Print a message only `user_id` would see."""
        self._screen.show(f"(only {user_id}) bot:", content, where=to)
        await self._save_charts(content, self._new_ref(to))

    async def send_file(self, to: ConversationRef, user_id: str, file: OutFile,
                        comment: str) -> None:
        """Print the file for `user_id` (an export is text: the operator copies it)."""
        self._screen.show(f"(only {user_id}) bot:", Card(
            summary=comment, title=f"{comment} ({file.name})",
            blocks=(Text(file.data.decode("utf-8", errors="replace")),)), where=to)

    async def find_delivery(self, to: ConversationRef, key: str,
                            since: datetime) -> MessageRef | None:
        """Always None: the console cannot tell (see the class docstring)."""
        return None
