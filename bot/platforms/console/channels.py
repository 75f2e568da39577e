"""Who is in a console channel, as a ChannelDirectory.

The console has no member lists: a channel's members are the users who have typed a message
to the bot in it during this session, in the order they first did. Simple and honest: a
cadence for "everyone in #sales" reaches exactly the people you played in #sales.
"""

from __future__ import annotations

from bot.core.conversation import ConversationKind, ConversationRef


def _key(conversation_id: str) -> str:
    return conversation_id.strip().lower().removeprefix("#")


class ConsoleChannels:
    """Remembers, per channel, who typed there; `members` answers from that."""

    def __init__(self) -> None:
        self._typed: dict[str, dict[str, None]] = {}

    def typed(self, conversation: ConversationRef, user: str) -> None:
        """`user` typed a message in `conversation` (direct conversations have no members)."""
        if conversation.kind is not ConversationKind.DIRECT:
            self._typed.setdefault(_key(conversation.id), {})[user] = None

    async def members(self, conversation_id: str, workspace: str = "") -> list[str]:
        """The users who typed in the channel this session (an unknown channel has none)."""
        return list(self._typed.get(_key(conversation_id), {}))

    async def bot_is_in(self, conversation_id: str, workspace: str = "") -> bool | None:
        """The bot is everywhere in the console."""
        return True

    async def shared_outside(self, conversation_id: str, workspace: str = "") -> bool:
        """The console has no other organisations."""
        return False

    async def name(self, conversation_id: str, workspace: str = "") -> str:
        """A console channel's id is its name."""
        return _key(conversation_id)
