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
