"""Tables of the partners feature beyond the partner itself (storage.common): its leads."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Numeric
from sqlmodel import Field, SQLModel

from storage.common.models import stored_as_text


class LeadOutcome(StrEnum):
    WON = "won"
    LOST = "lost"
    LOST_TO_COMPETITOR = "lost-to-competitor"
    UNQUALIFIED = "unqualified"


class Lead(SQLModel, table=True):
    """A partner-sourced lead, how it ended, and the engineer hours it took."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    deal: str = Field(max_length=200)
    outcome: LeadOutcome = Field(sa_type=stored_as_text(LeadOutcome))
    engineer_hours: Decimal | None = Field(default=None, sa_type=Numeric(10, 2))
    value: Decimal | None = Field(default=None, sa_type=Numeric(14, 2))
    recorded_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime
