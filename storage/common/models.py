"""The tables. Every datetime is timezone-aware UTC; local time exists only at the edges."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Text, UniqueConstraint
from sqlalchemy import Enum as SAEnum
from sqlmodel import Field, SQLModel


class Role(StrEnum):
    """What a person may do (PRODUCT.md, People and permissions)."""

    ADMIN = "admin"
    MEMBER = "member"
    PARTNER_CONTACT = "partner_contact"


def stored_as_text(enum: type[StrEnum]) -> SAEnum:
    """Store an enum by value in a plain string column: adding a value needs no DDL."""
    return SAEnum(
        enum,
        native_enum=False,
        length=20,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Person(SQLModel, table=True):
    """Someone the bot knows, on any platform; one row however many platforms they use."""

    id: int | None = Field(default=None, primary_key=True)
    display_name: str = Field(default="", max_length=200)
    email: str | None = Field(default=None, max_length=320, index=True)
    slack_user_id: str | None = Field(default=None, max_length=40, unique=True)
    slack_team_id: str | None = Field(default=None, max_length=40)
    teams_user_id: str | None = Field(default=None, max_length=200, unique=True)
    teams_aad_object_id: str | None = Field(default=None, max_length=64)
    console_user_id: str | None = Field(default=None, max_length=100, unique=True)
    timezone: str | None = Field(default=None, max_length=64)
    role: Role = Field(default=Role.MEMBER, sa_type=stored_as_text(Role))
    partner_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    is_external: bool = False
    profile_synced_at: datetime | None = None
    created_at: datetime


class AppSetting(SQLModel, table=True):
    """A workspace-wide setting chosen by an admin (e.g. the elephants channel)."""

    key: str = Field(primary_key=True, max_length=100)
    value: str = Field(max_length=500)
    updated_at: datetime


class ConversationReference(SQLModel, table=True):
    """Where the bot can speak again later: a Teams reference survives restarts here."""

    __table_args__ = (UniqueConstraint("platform", "conversation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    conversation_id: str = Field(max_length=400)
    conversation_type: str = Field(default="", max_length=40)
    tenant_id: str | None = Field(default=None, max_length=64)
    service_url: str | None = Field(default=None, max_length=500)
    # Serialised platform reference (JSON); opaque to everything but its platform.
    reference: str = Field(sa_column=Column(Text, nullable=False))
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    updated_at: datetime
