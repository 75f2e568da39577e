"""Tables of insight: who observes what, when their digest comes, dashboard sign-ins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel


class Observer(SQLModel, table=True):
    """Someone who is sent a weekly digest and asked nothing: of one cadence, or of the
    whole install (`cadence_id` NULL). Once per person and cadence, once per install."""

    __table_args__ = (
        Index("uq_observer_install", "workspace_id", "person_id", unique=True,
              sqlite_where=text("cadence_id IS NULL"),
              postgresql_where=text("cadence_id IS NULL")),
        Index("uq_observer_cadence", "person_id", "cadence_id", unique=True,
              sqlite_where=text("cadence_id IS NOT NULL"),
              postgresql_where=text("cadence_id IS NOT NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    cadence_id: int | None = Field(default=None, foreign_key="cadence.id", ondelete="CASCADE")
    added_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime


class DigestSlot(SQLModel, table=True):
    """When one observer's weekly digest comes: their weekday and local time, in the zone
    they were in when they chose it (or were added), owed from `since` on."""

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    weekday: int = 0
    at: str = Field(default="09:00", max_length=5)
    zone: str = Field(default="UTC", max_length=64)
    since: datetime


class DashboardLink(SQLModel, table=True):
    """A sign-in link handed to one person: usable once, until it expires; once used, the
    session it started (named by the same hash) until it lasts no more or is ended. Only a
    hash of its token is kept, so the table never holds a working link."""

    token_hash: str = Field(primary_key=True, max_length=64)
    workspace_id: int = Field(foreign_key="workspace.id")
    person_id: int = Field(foreign_key="person.id")
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    ended_at: datetime | None = None  # signed out
