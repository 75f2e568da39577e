"""Who is typing, where, and in which time zone: the console's changing state."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.core.conversation import Actor, ConversationKind, ConversationRef, Platform
from bot.platforms.console.parsing import user_name

# A channel typed in a command: `#elephants`, not part of a word or of `##`.
CHANNEL_MENTION = re.compile(r"(?<![\w#])#([A-Za-z0-9][\w-]*)")
DEFAULT_CHANNEL = "general"
# The id of the direct conversation between a user and the bot is this plus the user's name.
DIRECT_PREFIX = "dm-"


def channel(name: str) -> ConversationRef:
    """The console channel `#name`."""
    return ConversationRef(Platform.CONSOLE, name, ConversationKind.CHANNEL, name)


def direct(user: str) -> ConversationRef:
    """The direct conversation between `user` and the bot."""
    return ConversationRef(Platform.CONSOLE, DIRECT_PREFIX + user, ConversationKind.DIRECT)


# A person typed in a command: `@bob`, `@o'brien` (the console's user ids are their names,
# parsing.NAME; typographic apostrophes count as well).
PERSON_MENTION = re.compile(r"(?<![\w@])@([^\W_][\w.'\u2019\u02bc-]*)")


def mentioned_people(text: str) -> tuple[str, ...]:
    """Every `@user` in `text` as a user id (what `:as` makes of it), in order, each once."""
    names = (user_name(match.group(1)) for match in PERSON_MENTION.finditer(text))
    return tuple(dict.fromkeys(name for name in names if name))


def mentioned_channels(text: str) -> tuple[ConversationRef, ...]:
    """Every `#channel` in `text`, in order, each once."""
    names = dict.fromkeys(match.group(1).lower() for match in CHANNEL_MENTION.finditer(text))
    return tuple(channel(name) for name in names)


@dataclass
class Session:
    """The current user, conversation and per-user time zones."""

    user: str
    default_timezone: str = "UTC"
    conversation: ConversationRef = field(default_factory=lambda: channel(DEFAULT_CHANNEL))
    zones: dict[str, str] = field(default_factory=dict)

    def actor(self) -> Actor:
        """The current user as a platform would describe them (zone only once set)."""
        return Actor(Platform.CONSOLE, self.user, display_name=self.user.title(),
                     timezone=self.zones.get(self.user))

    def zone(self) -> str:
        """The current user's time zone, or the workspace default."""
        return self.zones.get(self.user, self.default_timezone)

    def become(self, user: str) -> None:
        """Switch user; a direct conversation becomes the new user's own."""
        self.user = user
        if self.conversation.kind is ConversationKind.DIRECT:
            self.conversation = direct(user)

    def enter(self, name: str) -> None:
        """Move to channel `#name`."""
        self.conversation = channel(name)

    def enter_direct(self) -> None:
        """Move to the direct conversation with the bot."""
        self.conversation = direct(self.user)

    def where(self) -> str:
        """`#general`, or `dm` in the direct conversation."""
        if self.conversation.kind is ConversationKind.DIRECT:
            return "dm"
        return self.conversation.label

    def prompt(self) -> str:
        """`ana@#general> `."""
        return f"{self.user}@{self.where()}> "
