"""What the delivery ledger sends and reports: a message to send once, and what came of it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum

from bot.core.conversation import ConversationKind, ConversationRef, MessageRef, Platform
from storage.ledger.repository import ClaimRequest


@dataclass(frozen=True)
class DeliveryKind:
    """What a ledger row is: a feature's kind of message (its enum's value)."""

    feature: str
    kind: StrEnum


def target_of(delivery_platform: str, conversation_id: str, conversation_kind: str,
              workspace: str) -> ConversationRef:
    """Where a claimed message goes, as recorded with its claim."""
    return ConversationRef(Platform(delivery_platform), conversation_id,
                           ConversationKind(conversation_kind), workspace=workspace)


@dataclass(frozen=True)
class Pending:
    """One message: its key, what it is, where it goes, how to send it."""

    key: str
    kind: DeliveryKind
    workspace_id: int
    to: ConversationRef
    send: Callable[[], Awaitable[MessageRef]]
    scope: str = ""

    def claim(self) -> ClaimRequest:
        return ClaimRequest(self.key, self.kind.feature, self.kind.kind.value, self.workspace_id,
                            self.to.platform.value, self.to.id, self.to.kind.value, self.scope)


@dataclass(frozen=True)
class Failure:
    kind: DeliveryKind
    key: str
    error: str


@dataclass
class Outcome:
    """What a batch of sends did: how many went out, and which failed and why."""

    sent: dict[DeliveryKind, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)

    def count(self, kind: DeliveryKind) -> None:
        self.sent[kind] = self.sent.get(kind, 0) + 1
