"""Every table, listed once: Alembic's env.py and the tests import it; nothing registers itself."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData
from sqlmodel import SQLModel

from storage.cadences.models import (
    Absence,
    Answer,
    AskedPartner,
    Cadence,
    CadenceParticipant,
    CadencePartner,
    Occurrence,
)
from storage.common.models import (
    ContactInvite,
    ConversationReference,
    Partner,
    Person,
    PersonIdentity,
    Setting,
    SharedFile,
    Workspace,
)
from storage.common.slack_installs import TABLES as SLACK_INSTALL_TABLES
from storage.elephants.models import (
    Elephant,
    ElephantDraft,
    ElephantFollower,
    ElephantVote,
)
from storage.feedback.models import Campaign, CampaignPartner, FeedbackReply
from storage.insight.models import DashboardLink, DigestSlot, Observer
from storage.ledger.models import Delivery, RunLease
from storage.partners.models import Lead, Objective, ObjectiveUpdate

TABLES: tuple[type[SQLModel], ...] = (
    Workspace, Partner, Person, PersonIdentity, Setting, ConversationReference,
    Cadence, CadenceParticipant, CadencePartner, Occurrence, Answer, AskedPartner, Absence,
    Delivery, RunLease,
    Elephant, ElephantVote, ElephantDraft, ElephantFollower,
    Lead, ContactInvite, Objective, ObjectiveUpdate, SharedFile,
    Campaign, CampaignPartner, FeedbackReply,
    Observer, DigestSlot, DashboardLink,
)

# slack_sdk's OAuth stores write these; our migrations create them (slack_installs.py).
LIBRARY_TABLES = tuple(table.name for table in SLACK_INSTALL_TABLES)

METADATA: MetaData = SQLModel.metadata

# Columns no code reads or writes any more, left in the database until a later release's
# migration drops them: processes of the previous version, still serving while `partnerops
# db upgrade` runs, select them (expand now, contract a release later: docs/DEPLOY.md).
RETIRED_COLUMNS = frozenset({
    ("workspace", "bot_token"), ("workspace", "bot_user_id"),  # unused since 0015
})


def include_object(item: Any, name: str | None, type_: str, reflected: bool,
                   compare_to: Any) -> bool:
    """Alembic's filter: a retired column still in the database is no difference from the
    models (autogenerate does not propose dropping it, the models-match test passes)."""
    return not (type_ == "column" and reflected and compare_to is None
                and (item.table.name, name) in RETIRED_COLUMNS)

# The list is the schema: a table defined anywhere else would reach Alembic unlisted.
_LISTED = {table.__tablename__ for table in TABLES} | set(LIBRARY_TABLES)  # type: ignore[attr-defined]
if set(METADATA.tables) != _LISTED:
    raise RuntimeError("storage/tables.py must list every table: "
                       f"{sorted(set(METADATA.tables) ^ _LISTED)}")
