"""The cadence feature's own ids: buttons, forms, and the kinds of message it sends.

Button and form values travel through Slack action/callback ids and Teams card data, and
ledger kinds are stored: keep every value stable.
"""

from __future__ import annotations

from enum import StrEnum

from handlers.common.ledger import DeliveryKind

FEATURE_NAME = "cadences"


class CadenceAction(StrEnum):
    ANSWER = "partnerops.cadence.answer"
    SKIP = "partnerops.cadence.skip"


class CadenceForm(StrEnum):
    SETUP = "partnerops.cadence.setup"
    ANSWER = "partnerops.cadence.answer"


class CadenceMessage(StrEnum):
    """What the cadence feature sends, as its ledger rows name it."""

    PROMPT = "prompt"
    REMINDER = "reminder"
    PARENT = "parent"  # the report channel's message of the day
    ANSWER = "answer"  # a person's answers, in that message's thread
    CLOSE = "close"  # the day's message, updated once at close


def delivery(kind: CadenceMessage) -> DeliveryKind:
    return DeliveryKind(FEATURE_NAME, kind)


def person_message_key(kind: CadenceMessage, occurrence_id: int, person_id: int) -> str:
    """The ledger key of one person's prompt or reminder of one occurrence."""
    return f"{kind.value}:{occurrence_id}:{person_id}"


def person_of_key(key: str) -> int | None:
    """The person a `person_message_key` names, or None for any other key."""
    _, _, person = key.rpartition(":")
    return int(person) if person.isdigit() and key.count(":") == 2 else None
