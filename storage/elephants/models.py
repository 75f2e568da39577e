"""Tables of elephant reports."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Text, UniqueConstraint
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

    # Numbered per workspace (E-1, E-2, ...): one install never learns another's count.
    __table_args__ = (UniqueConstraint("workspace_id", "number",
                                       name="uq_elephant_workspace_number"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    number: int
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
        return f"E-{self.number}"
