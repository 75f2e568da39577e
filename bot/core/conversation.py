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
    """The person behind a request, as their platform describes them.

    `workspace` is the installation the request came through, by the platform's own id
    (Slack team, Teams tenant); `team_id` is the person's own home team, which differs for
    a Slack Connect guest from another organisation.
    """

    platform: Platform
    user_id: str
    display_name: str = ""
    email: str | None = None
    timezone: str | None = None
    team_id: str | None = None
    workspace: str = ""
    is_external: bool = False
    # Their id in the organisation's directory, which a platform's people picker may answer
    # with instead of `user_id` (Teams: the Microsoft Entra object id, from.aadObjectId).
    directory_id: str | None = None


@dataclass(frozen=True)
class ConversationRef:
    """A place the bot can post: a channel, a group chat or a direct chat.

    `workspace` is the installation it belongs to, by the platform's own id: a platform
    with an install per workspace (Slack OAuth) speaks there with that install's token.
    """

    platform: Platform
    id: str
    kind: ConversationKind = ConversationKind.CHANNEL
    name: str = ""
    workspace: str = ""

    @property
    def label(self) -> str:
        """The conversation as its platform's people name it: `#partners` in Slack and the
        console, `Partners` in Teams (which shows no #); an id only when no name is known.
        A direct conversation is "our direct messages": its id means nothing to people."""
        if self.kind is ConversationKind.DIRECT:
            return "our direct messages"
        if self.platform is Platform.TEAMS:
            return self.name or "the Teams channel"
        return f"#{self.name}" if self.name else self.id

    def to_dict(self) -> dict[str, str]:
        return {"platform": self.platform.value, "id": self.id, "kind": self.kind.value,
                "name": self.name, "workspace": self.workspace}

    @classmethod
    def from_dict(cls, data: object) -> ConversationRef | None:
        """The reference `to_dict` wrote, or None if `data` does not hold one."""
        if not isinstance(data, dict):
            return None
        try:
            return cls(Platform(data["platform"]), data["id"],
                       ConversationKind(data.get("kind", "channel")), data.get("name", ""),
                       data.get("workspace", ""))
        except (KeyError, ValueError, TypeError):
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


@dataclass(frozen=True)
class CommandStyle:
    """How people type a command on a platform: `/pp-standup` in Slack, `standup` elsewhere."""

    slash: bool = False
    prefix: str = ""

    def label(self, command: str) -> str:
        return f"/{self.prefix}{command}" if self.slash else command

    def typed(self, example: str) -> str:
        """An example written "standup skip" as this platform's people type it."""
        word, _, rest = example.partition(" ")
        return f"{self.label(word)} {rest}".strip() if self.slash else example
