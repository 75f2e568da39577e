"""Tables of the partners feature beyond the partner itself (storage.common): its leads,
and its own objectives with their progress updates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Index, Numeric, UniqueConstraint
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


class ObjectiveStatus(StrEnum):
    OPEN = "open"
    MET = "met"
    MISSED = "missed"
    DROPPED = "dropped"


class Objective(SQLModel, table=True):
    """One of a partner's own goals, numbered per workspace (O-1, O-2, ...)."""

    __table_args__ = (UniqueConstraint("workspace_id", "number",
                                       name="uq_objective_workspace_number"),
                      # Every column the partners page counts, in partner order: SQLite
                      # groups a workspace's objectives from it without a sort or a row read.
                      Index("ix_objective_partner_scores", "workspace_id", "partner_id",
                            "status", "due_on", "closed_at"))

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    number: int
    partner_id: int = Field(foreign_key="partner.id", index=True)
    text: str = Field(max_length=300)
    due_on: date | None = None
    target: Decimal | None = Field(default=None, sa_type=Numeric(14, 2))
    unit: str | None = Field(default=None, max_length=40)
    # The latest progress: a share done, or a value towards the target.
    percent: int | None = None
    value: Decimal | None = Field(default=None, sa_type=Numeric(14, 2))
    status: ObjectiveStatus = Field(default=ObjectiveStatus.OPEN,
                                    sa_type=stored_as_text(ObjectiveStatus))
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    closed_at: datetime | None = None
    created_at: datetime
    updated_at: datetime

    @property
    def short_id(self) -> str:
        return f"O-{self.number}"


class ObjectiveUpdate(SQLModel, table=True):
    """One progress update, kept: the history of an objective is never rewritten."""

    id: int | None = Field(default=None, primary_key=True)
    objective_id: int = Field(foreign_key="objective.id", index=True)
    percent: int | None = None
    value: Decimal | None = Field(default=None, sa_type=Numeric(14, 2))
    status: ObjectiveStatus = Field(sa_type=stored_as_text(ObjectiveStatus))
    note: str = Field(default="", max_length=500)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime
