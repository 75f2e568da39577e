"""Who and where: platform-neutral identities of people, conversations and messages."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Platform(StrEnum):
    SLACK = "slack"
    TEAMS = "teams"
    CONSOLE = "console"


class ConversationKind(StrEnum):
    DIRECT = "direct"
    GROUP = "group"
    CHANNEL = "channel"


@dataclass(frozen=True)
class Actor:
    """The person behind a request, as their platform describes them."""

    platform: Platform
    user_id: str
    display_name: str = ""
    email: str | None = None
    timezone: str | None = None
    team_id: str | None = None
    is_external: bool = False
    # Their id in the organisation's directory, which a platform's people picker may answer
    # with instead of `user_id` (Teams: the Microsoft Entra object id, from.aadObjectId).
    directory_id: str | None = None


@dataclass(frozen=True)
class ConversationRef:
    """A place the bot can post: a channel, a group chat or a direct chat."""

    platform: Platform
    id: str
    kind: ConversationKind = ConversationKind.CHANNEL
    name: str = ""

    @property
    def label(self) -> str:
        return f"#{self.name}" if self.name else self.id

    def to_dict(self) -> dict[str, str]:
        return {"platform": self.platform.value, "id": self.id, "kind": self.kind.value,
                "name": self.name}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> ConversationRef | None:
        """The reference `to_dict` wrote, or None if `data` does not hold one."""
        try:
            return cls(Platform(data["platform"]), data["id"],
                       ConversationKind(data.get("kind", "channel")), data.get("name", ""))
        except (KeyError, ValueError):
            return None


@dataclass(frozen=True)
class MessageRef:
    """A message the bot posted, so it can be updated or replied to in a thread."""

    conversation: ConversationRef
    id: str


@dataclass(frozen=True)
class Profile:
    """What a platform's directory knows about a user."""

    display_name: str = ""
    email: str | None = None
    timezone: str | None = None
    team_id: str | None = None
    is_external: bool = False
