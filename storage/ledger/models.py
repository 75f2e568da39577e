"""The delivery ledger and the leases of the runs that write to it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.common.models import stored_as_text


class DeliveryStatus(StrEnum):
    """A ledger row is claimed before the send and confirmed (sent) or failed after it."""

    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    # Never deliverable there (a Teams user without the app): kept with why, never retried.
    UNDELIVERABLE = "undeliverable"


class Delivery(SQLModel, table=True):
    """The ledger: one row per message the bot must send exactly once, keyed by what it is.

    `feature` and `kind` say what the message is (cadences/prompt), `scope` what it belongs
    to (`occurrence:12`) without a foreign key into the feature's tables, and the target
    (platform, conversation and its kind) is recorded with the claim, so that recovery can
    ask that conversation whether a send interrupted by a crash arrived.
    """

    __table_args__ = (
        # A key is the feature's own: two features may name their messages alike.
        UniqueConstraint("feature", "key", name="uq_delivery_feature_key"),
        # Recovery looks for the claims of runs that are gone: by status, then lease.
        Index("ix_delivery_status_lease", "status", "lease_id"),
        Index("ix_delivery_scope_kind", "scope", "kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    key: str = Field(max_length=200)
    feature: str = Field(max_length=30)
    kind: str = Field(max_length=30)
    scope: str = Field(default="", max_length=200)
    status: DeliveryStatus = Field(default=DeliveryStatus.CLAIMED,
                                   sa_type=stored_as_text(DeliveryStatus))
    platform: str = Field(max_length=20)
    conversation_id: str = Field(max_length=400)
    conversation_kind: str = Field(max_length=20)
    # The run that holds (or last held) the claim: its lease says whether it is alive.
    lease_id: int | None = None
    message_id: str | None = Field(default=None, max_length=400)
    error: str | None = Field(default=None, max_length=500)
    claimed_at: datetime
    sent_at: datetime | None = None


class RunLease(SQLModel, table=True):
    """One run that sends through the ledger, alive for as long as its process holds its lock.

    `token` names the lock: a PostgreSQL advisory lock key, or a lock file next to a SQLite
    database. The operating system or the database server drops it when the process dies.
    The row goes when the run ends, or when the next run has settled a dead run's claims;
    its id is never given again (claims keep it), so SQLite must not reuse it either.
    """

    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    token: int = Field(sa_column=Column(BigInteger, nullable=False, unique=True))
    holder: str = Field(default="", max_length=200)
    started_at: datetime
