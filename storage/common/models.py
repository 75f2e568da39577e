"""Installations, people (and the partners they may belong to), their platform identities,
settings and conversation references.

Every datetime is timezone-aware UTC; local time exists only at the edges. Every row that
belongs to an installation carries its `workspace_id`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
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


class Workspace(SQLModel, table=True):
    """One installation: a Slack team or enterprise install, a Teams tenant, or the console.

    `external_id` is the platform's own id of it (Slack team id, Teams tenant id). A
    workspace moved here by a migration, whose id was not known then, has none until the
    first request from its platform names it.
    """

    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    external_id: str | None = Field(default=None, max_length=64)
    enterprise_id: str | None = Field(default=None, max_length=64)
    name: str = Field(default="", max_length=200)
    # The first person to use a new install runs it; set once, by a conditional update.
    first_admin_id: int | None = Field(default=None)
    created_at: datetime


class PartnerType(StrEnum):
    VAR = "VAR"
    MSP = "MSP"
    SI = "SI"
    DISTRIBUTOR = "distributor"
    RESELLER = "reseller"
    REFERRAL = "referral"
    TECHNOLOGY = "technology"


class Partner(SQLModel, table=True):
    """A reseller, VAR, MSP, integrator or distributor the vendor sells through."""

    # Names are unique in a workspace whatever their case: `name_key` is the folded name.
    __table_args__ = (UniqueConstraint("workspace_id", "name_key",
                                       name="uq_partner_workspace_name_key"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    name: str = Field(max_length=200)
    name_key: str = Field(default="", max_length=200)
    type: PartnerType | None = Field(default=None, sa_type=stored_as_text(PartnerType))
    tier: str | None = Field(default=None, max_length=40)
    # The partner manager who owns the relationship (a vendor member's person id; no foreign
    # key, as person.partner_id already points this way and a cycle would bind the two).
    owner_id: int | None = Field(default=None, index=True)
    # Archived partners keep their history but leave lists and check-ins.
    archived_at: datetime | None = None
    created_at: datetime


class ContactInvite(SQLModel, table=True):
    """An email named as a partner's contact before its person was seen: the first person
    to appear with that email becomes the contact."""

    __table_args__ = (UniqueConstraint("workspace_id", "email_key"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    partner_id: int = Field(foreign_key="partner.id", index=True)
    email_key: str = Field(max_length=320)  # lower-cased
    created_at: datetime


class Person(SQLModel, table=True):
    """Someone the bot knows in a workspace; their platform accounts are PersonIdentity rows."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    display_name: str = Field(default="", max_length=200)
    email: str | None = Field(default=None, max_length=320, index=True)
    # From the platform's profile; `chosen_timezone`, set by the person, wins over it.
    timezone: str | None = Field(default=None, max_length=64)
    chosen_timezone: str | None = Field(default=None, max_length=64)
    role: Role = Field(default=Role.MEMBER, sa_type=stored_as_text(Role))
    partner_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    is_external: bool = False
    profile_synced_at: datetime | None = None
    created_at: datetime


class PersonIdentity(SQLModel, table=True):
    """A person's account on one platform in one workspace.

    `directory_id` is their id in the organisation's directory, which a people picker may
    answer with (Teams: the Microsoft Entra object id). `home_team_id` is the Slack team
    they belong to, another organisation's for a Slack Connect partner contact.
    """

    __table_args__ = (
        UniqueConstraint("workspace_id", "platform", "user_id"),
        Index("ix_personidentity_directory", "workspace_id", "platform", "directory_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    platform: str = Field(max_length=20)
    user_id: str = Field(max_length=200)
    directory_id: str | None = Field(default=None, max_length=64)
    home_team_id: str | None = Field(default=None, max_length=40)
    created_at: datetime


class Setting(SQLModel, table=True):
    """A workspace setting chosen by an admin (e.g. the elephants channel), as a document."""

    workspace_id: int = Field(foreign_key="workspace.id", primary_key=True)
    key: str = Field(primary_key=True, max_length=100)
    value: Any = Field(sa_column=Column(JSON, nullable=False))
    updated_at: datetime


class ConversationReference(SQLModel, table=True):
    """Where the bot can speak again later: a Teams reference survives restarts here."""

    __table_args__ = (UniqueConstraint("platform", "conversation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    platform: str = Field(max_length=20)
    conversation_id: str = Field(max_length=400)
    conversation_type: str = Field(default="", max_length=40)
    tenant_id: str | None = Field(default=None, max_length=64)
    service_url: str | None = Field(default=None, max_length=500)
    # The platform's own reference document; opaque to everything but its platform.
    reference: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    updated_at: datetime


class SharedFile(SQLModel, table=True):
    """A file handed to someone as a link (a Teams export): whoever has the token may fetch
    it until it expires."""

    token: str = Field(primary_key=True, max_length=64)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    name: str = Field(max_length=200)
    data: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime
    expires_at: datetime
