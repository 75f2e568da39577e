"""Every table, listed once: Alembic's env.py and the tests import it; nothing registers itself."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlmodel import SQLModel

from storage.cadences.models import Absence, Answer, Cadence, CadenceParticipant, Occurrence
from storage.common.models import AppSetting, ConversationReference, Person
from storage.elephants.models import Elephant
from storage.ledger.models import Delivery
from storage.partners.models import Partner

TABLES: tuple[type[SQLModel], ...] = (
    Partner, Person, AppSetting, ConversationReference,
    Cadence, CadenceParticipant, Occurrence, Answer, Absence,
    Delivery,
    Elephant,
)

METADATA: MetaData = SQLModel.metadata
