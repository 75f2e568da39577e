"""The delivery ledger's table."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from storage.common.models import stored_as_text


class DeliveryStatus(StrEnum):
    """A ledger row is claimed before the send and confirmed (sent) or failed after it."""

    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"


class Delivery(SQLModel, table=True):
    """The ledger: one row per message the bot must send exactly once, keyed by what it is."""

    # Recovery looks for old unconfirmed claims; this keeps that off a full scan.
    __table_args__ = (Index("ix_delivery_status_claimed_at", "status", "claimed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=20)
    occurrence_id: int | None = Field(default=None, foreign_key="occurrence.id", index=True,
                                      ondelete="CASCADE")
    person_id: int | None = Field(default=None, foreign_key="person.id")
    status: DeliveryStatus = Field(default=DeliveryStatus.CLAIMED,
                                   sa_type=stored_as_text(DeliveryStatus))
    # Where it goes, known at the claim: recovery asks that conversation if it arrived.
    platform: str | None = Field(default=None, max_length=20)
    conversation_id: str | None = Field(default=None, max_length=400)
    message_id: str | None = Field(default=None, max_length=400)
    error: str | None = Field(default=None, max_length=500)
    claimed_at: datetime
    sent_at: datetime | None = None
