"""Tables of the routine cadence: cadences, occurrences, answers, absences."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Text, UniqueConstraint
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

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    kind: CadenceKind = Field(sa_type=stored_as_text(CadenceKind))
    platform: str = Field(max_length=20)
    report_channel_id: str = Field(max_length=400)
    report_channel_name: str = Field(default="", max_length=200)
    # Members of this channel take part too, resolved each time the cadence fires.
    participant_channel_id: str | None = Field(default=None, max_length=400)
    days: str = Field(default="mon,tue,wed,thu,fri", max_length=40)
    local_time: str = Field(default="09:00", max_length=5)
    # For participants whose profile has no time zone; else PARTNEROPS_TIMEZONE.
    timezone: str | None = Field(default=None, max_length=64)
    close_time: str = Field(default="17:00", max_length=5)
    reminder_minutes: int = 120  # 0: no reminder (None would be replaced by the default)
    skip_weekends: bool = True
    holiday_country: str | None = Field(default=None, max_length=10)
    questions: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of strings
    subjects: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    paused: bool = False
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime
    updated_at: datetime


class CadenceParticipant(SQLModel, table=True):
    cadence_id: int = Field(foreign_key="cadence.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", primary_key=True)


class Occurrence(SQLModel, table=True):
    """One day of a cadence; its report-channel parent message gathers the answers."""

    __table_args__ = (UniqueConstraint("cadence_id", "local_date"),)

    id: int | None = Field(default=None, primary_key=True)
    cadence_id: int = Field(foreign_key="cadence.id", index=True, ondelete="CASCADE")
    local_date: date
    close_at: datetime
    report_message_id: str | None = Field(default=None, max_length=400)
    closed_at: datetime | None = None
    created_at: datetime


class Answer(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("occurrence_id", "person_id", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", index=True)
    subject: str = Field(default="", max_length=200)  # the partner, for check-ins
    status: AnswerStatus = Field(default=AnswerStatus.ANSWERED,
                                 sa_type=stored_as_text(AnswerStatus))
    answers: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    reply_message_id: str | None = Field(default=None, max_length=400)
    created_at: datetime
    updated_at: datetime


class Absence(SQLModel, table=True):
    """Out of office (a date range) or a skipped day; for one cadence or all of them."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    cadence_id: int | None = Field(default=None, foreign_key="cadence.id", ondelete="CASCADE")
    starts_on: date
    ends_on: date
    created_at: datetime
