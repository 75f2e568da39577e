"""Tables of elephant reports."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from storage.common.models import stored_as_text


class ElephantStatus(StrEnum):
    REPORTED = "reported"
    ACKNOWLEDGED = "acknowledged"
    ADDRESSING = "addressing"
    RESOLVED = "resolved"
    WONT_FIX = "wont_fix"


class Elephant(SQLModel, table=True):
    """Friction between direct sales, engineering and partner teams, named so it can be fixed."""

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status: ElephantStatus = Field(
        default=ElephantStatus.REPORTED, sa_type=stored_as_text(ElephantStatus)
    )
    # None when filed anonymously: the reporter is then stored nowhere.
    reporter_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    platform: str = Field(max_length=20)
    posted_conversation_id: str | None = Field(default=None, max_length=400)
    posted_message_id: str | None = Field(default=None, max_length=400)
    created_at: datetime

    @property
    def short_id(self) -> str:
        return f"E-{self.id}"
