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

    def words(self) -> list[str]:
        """The text split like a shell would, so "quoted names" stay whole."""
        try:
            return shlex.split(self.text)
        except ValueError:
            return self.text.split()


@dataclass(frozen=True)
class ActionInvocation:
    """A button pressed on a message the bot posted."""

    actor: Actor
    conversation: ConversationRef
    action: ActionId
    value: str = ""
    message: MessageRef | None = None
