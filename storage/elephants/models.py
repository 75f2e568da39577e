"""Tables of elephant reports."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Numeric, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.common.models import stored_as_text


class ElephantStatus(StrEnum):
    REPORTED = "reported"
    ACKNOWLEDGED = "acknowledged"
    ADDRESSING = "addressing"
    RESOLVED = "resolved"
    WONT_FIX = "wont_fix"


# Statuses that end an elephant's life (until it is reopened).
CLOSED_STATUSES = (ElephantStatus.RESOLVED, ElephantStatus.WONT_FIX)
OPEN_STATUSES = tuple(status for status in ElephantStatus if status not in CLOSED_STATUSES)


class ElephantSide(StrEnum):
    """The teams a report says are involved (stored values; labels are the feature's)."""

    DIRECT_SALES = "direct-sales"
    SALES_ENGINEERING = "sales-engineering"
    PARTNER_SALES = "partner-sales"
    PARTNER_MARKETING = "partner-marketing"
    DISTRIBUTOR = "distributor"
    MARKETING = "marketing"
    OPERATIONS = "operations-finance"
    OTHER = "other"


class ElephantCategory(StrEnum):
    """What kind of friction (stored values, at most 20 characters; labels are the feature's)."""

    INFORMATION_WITHHELD = "withheld-information"
    LEAD_CONFLICT = "deal-conflict"
    CHANNEL_CONFLICT = "channel-conflict"
    COMPENSATION_CONFLICT = "compensation"
    PROCESS = "process-tooling"
    EXCLUDED = "excluded"
    OTHER = "other"


class ElephantVote(SQLModel, table=True):
    """One "I see it too": counted, never named. `voter_key` is a keyed hash of the elephant
    and the voter, so a second click finds the first and "Not for me" takes it back, while
    no column holds, or joins to, who voted."""

    elephant_id: int = Field(foreign_key="elephant.id", primary_key=True, ondelete="CASCADE")
    voter_key: str = Field(primary_key=True, max_length=64)
    # Only while an admin has made votes named (`elephant votes named`); a vote cast while
    # they were anonymous never gets a name.
    person_id: int | None = Field(default=None, foreign_key="person.id")


class ElephantFollower(SQLModel, table=True):
    """Someone who asked to be told when an elephant's status changes (`elephant follow`)."""

    elephant_id: int = Field(foreign_key="elephant.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", primary_key=True)


class ElephantDraft(SQLModel, table=True):
    """A report held back while its reporter looks at similar open ones: filed from here
    if they still want it (whoever presses the button files it; no reporter is kept)."""

    token: str = Field(primary_key=True, max_length=64)
    workspace_id: int = Field(foreign_key="workspace.id")
    report: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime


class Elephant(SQLModel, table=True):
    """Friction between direct sales, engineering and partner teams, named so it can be fixed."""

    # Numbered per workspace (E-1, E-2, ...): one install never learns another's count.
    __table_args__ = (UniqueConstraint("workspace_id", "number",
                                       name="uq_elephant_workspace_number"),
                      # The digest counts ranges of these (storage/elephants/timeline.py):
                      # filings, and closed ones' status changes, without reading a row.
                      Index("ix_elephant_filed", "workspace_id", "anonymous", "created_at",
                            "hours_lost_per_week"),
                      Index("ix_elephant_closed", "workspace_id", "status",
                            "status_changed_at", "hours_lost_per_week", "created_at",
                            "anonymous"))

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    number: int
    title: str = Field(max_length=200)
    # Stored whole, however long: messages cut it to what a platform shows.
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status: ElephantStatus = Field(
        default=ElephantStatus.REPORTED, sa_type=stored_as_text(ElephantStatus)
    )
    sides: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    category: ElephantCategory | None = Field(default=None,
                                              sa_type=stored_as_text(ElephantCategory))
    hours_lost_per_week: Decimal | None = Field(default=None, sa_type=Numeric(8, 1))
    deals_affected: int | None = None
    partner_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    # True when filed anonymously: the reporter is then stored nowhere (reporter_id is None).
    anonymous: bool = False
    reporter_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    # Who is fixing it (set by `ack`), and what the last resolve or won't-fix said.
    owner_id: int | None = Field(default=None, foreign_key="person.id")
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status_changed_at: datetime | None = None
    platform: str = Field(max_length=20)
    posted_conversation_id: str | None = Field(default=None, max_length=400)
    posted_message_id: str | None = Field(default=None, max_length=400)
    created_at: datetime

    @property
    def short_id(self) -> str:
        return f"E-{self.number}"
