"""What arrives from a platform: a command, a button press, a reply in a thread."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from enum import StrEnum

from bot.core.conversation import Actor, ConversationRef, MessageRef
from bot.core.ids import ActionId


@dataclass(frozen=True)
class Invocation:
    """A command: `/elephant Reps hide the forecast` is command "elephant" with that text."""

    actor: Actor
    conversation: ConversationRef
    command: str
    text: str = ""
    # Channels the platform recognised in the text (e.g. Slack's <#C123|sales>), in order.
    channels: tuple[ConversationRef, ...] = field(default_factory=tuple)
    # People mentioned in the text (Slack's <@U123>, a Teams @mention), as platform user ids
    # in order; the text keeps them as `@name` words.
    people: tuple[str, ...] = field(default_factory=tuple)


def without_mentions(text: str) -> str:
    """`text` without its `@someone` words (the people are in `Invocation.people`)."""
    return " ".join(word for word in text.split() if not word.startswith("@"))


def split_words(text: str) -> list[str]:
    """Text split like a shell would, so "quoted names" stay whole (unbalanced: on spaces)."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


@dataclass(frozen=True)
class ActionInvocation:
    """A button pressed on a message the bot posted."""

    actor: Actor
    conversation: ConversationRef
    action: ActionId
    value: str = ""
    message: MessageRef | None = None


class ThreadChange(StrEnum):
    NEW = "new"
    EDITED = "edited"
    DELETED = "deleted"


@dataclass(frozen=True)
class ThreadMessage:
    """Something a person wrote, edited or deleted in the thread under a message the bot
    posted (not a command): `root` is that message, `message_id` the reply's own id."""

    actor: Actor
    root: MessageRef
    message_id: str
    text: str = ""
    change: ThreadChange = ThreadChange.NEW
