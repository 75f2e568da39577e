"""What arrives from a platform: a command, a button press."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

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
