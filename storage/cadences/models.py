"""Tables of the routine cadence: cadences, occurrences, answers, absences."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.common.models import stored_as_text


class CadenceKind(StrEnum):
    STANDUP = "standup"
    CHECKIN = "checkin"
    OBJECTIVE_REVIEW = "objective_review"


class AnswerStatus(StrEnum):
    ANSWERED = "answered"
    SKIPPED = "skipped"


class Cadence(SQLModel, table=True):
    """A recurring prompt: who is asked what, on which days, at what local time."""

    # Names are unique in a workspace whatever their case: `name_key` is the folded name.
    __table_args__ = (UniqueConstraint("workspace_id", "name_key",
                                       name="uq_cadence_workspace_name_key"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    name: str = Field(max_length=80)
    name_key: str = Field(default="", max_length=80)
    kind: CadenceKind = Field(sa_type=stored_as_text(CadenceKind))
    platform: str = Field(max_length=20)
    report_channel_id: str = Field(max_length=400)
    report_channel_name: str = Field(default="", max_length=200)
    # Members of this channel take part too, resolved each time the cadence fires.
    participant_channel_id: str | None = Field(default=None, max_length=400)
    # How often: "weekly", "every 2 weeks from 2026-11-30", "monthly on the last weekday",
    # "quarterly on the first monday" (handlers/cadences/repeats.py reads it).
    schedule: str = Field(default="weekly", max_length=80, sa_column_kwargs={
        "server_default": "weekly"})
    # The days of the week of a weekly or every-N-weeks schedule.
    days: str = Field(default="mon,tue,wed,thu,fri", max_length=40)
    local_time: str = Field(default="09:00", max_length=5)
    # For participants whose profile has no time zone; else PARTNEROPS_TIMEZONE.
    timezone: str | None = Field(default=None, max_length=64)
    close_time: str = Field(default="17:00", max_length=5)
    reminder_minutes: int = 120  # 0: no reminder (None would be replaced by the default)
    skip_weekends: bool = True
    holiday_country: str | None = Field(default=None, max_length=10)
    questions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    paused: bool = False
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime
    updated_at: datetime


class CadenceParticipant(SQLModel, table=True):
    cadence_id: int = Field(foreign_key="cadence.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    # Nothing is owed to anyone for days before they joined.
    joined_at: datetime


class CadencePartner(SQLModel, table=True):
    """A partner a check-in asks about (in order); a check-in listing none asks each
    participant about the partners they own."""

    cadence_id: int = Field(foreign_key="cadence.id", primary_key=True, ondelete="CASCADE")
    partner_id: int = Field(foreign_key="partner.id", primary_key=True)
    position: int = 0


class Occurrence(SQLModel, table=True):
    """One day of a cadence; its report-channel parent message gathers the answers."""

    __table_args__ = (UniqueConstraint("cadence_id", "local_date"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    cadence_id: int = Field(foreign_key="cadence.id", index=True, ondelete="CASCADE")
    local_date: date
    close_at: datetime
    # What was asked that day: editing the cadence later never rewrites it.
    questions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    report_message_id: str | None = Field(default=None, max_length=400)
    closed_at: datetime | None = None
    created_at: datetime


class AskedPartner(SQLModel, table=True):
    """Which partners a person was asked about on a day, kept as the prompt went out: a later
    change of owners or of the list never rewrites who owed what that day."""

    occurrence_id: int = Field(foreign_key="occurrence.id", primary_key=True,
                               ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", primary_key=True)
    position: int = 0  # the order the prompt's buttons showed


def _one_answer_each(name: str, columns: tuple[str, ...], where: str) -> Index:
    """A unique index over the answers `where` holds (a partial index, on both backends)."""
    return Index(name, *columns, unique=True, sqlite_where=text(where),
                 postgresql_where=text(where))


class Answer(SQLModel, table=True):
    """A person's answer (or skip) of one day: about one partner by its row, for check-ins.

    One per person and day, or per person, day and partner: NULLs never collide in a unique
    constraint, so each case has its own partial unique index."""

    __table_args__ = (
        _one_answer_each("uq_answer_day_person", ("occurrence_id", "person_id"),
                         "partner_id IS NULL"),
        _one_answer_each("uq_answer_day_person_partner",
                         ("occurrence_id", "person_id", "partner_id"),
                         "partner_id IS NOT NULL"),
        Index("ix_answer_partner_latest", "partner_id", "local_date", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", index=True)
    partner_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    # The occurrence's day, kept on the answer too: a partner's latest check-ins are read
    # from one index (ix_answer_partner_latest) instead of sorting every answer with its day.
    local_date: date | None = None
    # The partner's name when answered: the answer keeps what it was about, renamed or not.
    subject: str = Field(default="", max_length=200)
    status: AnswerStatus = Field(default=AnswerStatus.ANSWERED,
                                 sa_type=stored_as_text(AnswerStatus))
    answers: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    reply_message_id: str | None = Field(default=None, max_length=400)
    created_at: datetime
    updated_at: datetime


class Absence(SQLModel, table=True):
    """Out of office (a date range) or a skipped day; for one cadence or all of them."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    person_id: int = Field(foreign_key="person.id", index=True)
    cadence_id: int | None = Field(default=None, foreign_key="cadence.id", ondelete="CASCADE")
    starts_on: date
    ends_on: date
    created_at: datetime
