"""The feedback feature's ids. Values travel through Slack callback and action ids, Teams
card data and ledger rows: keep every value stable."""

from __future__ import annotations

from enum import StrEnum

from handlers.common.ledger import DeliveryKind

FEATURE_NAME = "feedback"


class FeedbackForm(StrEnum):
    START = "partnerops.feedback.start"
    ANSWER = "partnerops.feedback.answer"


class FeedbackAction(StrEnum):
    ANSWER = "partnerops.feedback.answer"  # the Answer button of an invitation


class FeedbackMessage(StrEnum):
    """What the feedback feature sends, as its ledger rows name it."""

    PARENT = "parent"
    INVITE = "invite"
    REMINDER = "reminder"
    SUMMARY = "summary"


def delivery(kind: FeedbackMessage) -> DeliveryKind:
    return DeliveryKind(FEATURE_NAME, kind)
