"""Tables of feedback campaigns: what partners were asked, who was asked, what they said."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.common.models import stored_as_text


def campaign_short_id(number: int) -> str:
    """How people name a campaign: F-1, F-2, ..."""
    return f"F-{number}"


class AudienceKind(StrEnum):
    ALL = "all"
    TIER = "tier"
    TYPE = "type"
    CHOSEN = "chosen"


class ReplySource(StrEnum):
    THREAD = "thread"  # a reply in the campaign post's thread
    FORM = "form"  # the Answer button's form


class Campaign(SQLModel, table=True):
    """One round of asking partners, numbered per workspace (F-1, F-2, ...)."""

    __table_args__ = (UniqueConstraint("workspace_id", "number",
                                       name="uq_campaign_workspace_number"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    number: int
    title: str = Field(max_length=200)
    # Each question as its line in the typed notation (`Topics? [a|b|c]`), as asked.
    questions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    audience: AudienceKind = Field(default=AudienceKind.ALL, sa_type=stored_as_text(AudienceKind))
    # The tier or type an audience of that kind names.
    audience_value: str = Field(default="", max_length=40)
    anonymous: bool = False
    owner_id: int | None = Field(default=None, foreign_key="person.id")
    # Where the parent post is: the ConversationRef as stored (platform, id, kind, name).
    channel: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    parent_message_id: str | None = Field(default=None, max_length=400, index=True)
    closes_at: datetime
    remind_before_hours: int = 48
    closed_at: datetime | None = None
    created_at: datetime

    @property
    def short_id(self) -> str:
        return campaign_short_id(self.number)


class CampaignPartner(SQLModel, table=True):
    """A partner in a campaign's audience: chosen ones at start, the rest as resolved then
    (a partner added later is not asked after the fact)."""

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", primary_key=True)


class FeedbackReply(SQLModel, table=True):
    """One answer: a thread reply (the whole message) or one question of a form answer."""

    __table_args__ = (
        # A thread message is one reply, however often Slack or Teams delivers it.
        Index("uq_feedbackreply_message", "campaign_id", "platform", "message_id",
              unique=True, sqlite_where=text("message_id IS NOT NULL"),
              postgresql_where=text("message_id IS NOT NULL")),
        # A form answers each question once per person: answering again replaces it.
        Index("uq_feedbackreply_form", "campaign_id", "person_id", "question_index",
              unique=True, sqlite_where=text("source = 'form'"),
              postgresql_where=text("source = 'form'")),
        # A summary counts a campaign's replies per partner, source and question in one
        # pass over this index alone, and finds whether a partner answered in one look.
        Index("ix_feedbackreply_tally", "campaign_id", "partner_id", "source",
              "question_index", "internal", "withdrawn_at"),
        # A question's answers in order: the first ones quoted, each option counted.
        Index("ix_feedbackreply_question", "campaign_id", "question_index", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    # The question answered, as it was asked (None: a thread reply answers the campaign).
    question_index: int | None = None
    question: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    person_id: int = Field(foreign_key="person.id", index=True)
    partner_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    # Said by the vendor's own people: kept apart from what partners said.
    internal: bool = False
    platform: str = Field(max_length=20)
    source: ReplySource = Field(sa_type=stored_as_text(ReplySource))
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    message_id: str | None = Field(default=None, max_length=400)
    created_at: datetime
    edited_at: datetime | None = None
    # A deleted thread message withdraws its reply (kept, never counted).
    withdrawn_at: datetime | None = None
