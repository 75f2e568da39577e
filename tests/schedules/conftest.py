"""A console-platform application with a recording outbox and cadences made in code."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from bot.app import Application
from bot.core.clock import SimulatedClock
from bot.core.conversation import Platform
from storage.cadences import repository as cadences
from storage.cadences.models import Cadence, CadenceKind
from storage.common import people
from storage.common.people import IdentityColumn
from tests.fakes.recording_outbox import RecordingOutbox


@pytest.fixture
def outbox(application: Application, clock: SimulatedClock) -> RecordingOutbox:
    recording = RecordingOutbox(clock)
    application.add_platform(Platform.CONSOLE, recording)
    return recording


async def make_cadence(application: Application, *, zones: dict[str, str], now: datetime,
                       **fields: object) -> Cadence:
    """A console cadence with one participant per name, in the given time zones."""
    values: dict[str, object] = {
        "name": "Channel standup", "kind": CadenceKind.STANDUP, "platform": "console",
        "report_channel_id": "standups", "report_channel_name": "standups",
        "days": "mon,tue,wed,thu,fri", "local_time": "09:00", "close_time": "17:00",
        "reminder_minutes": 0, "skip_weekends": True,
        "questions": json.dumps(["Yesterday?", "Today?"]), "created_at": now, "updated_at": now,
    }
    values.update(fields)
    async with application.database.session() as session:
        cadence = await cadences.save(session, Cadence(**values))  # type: ignore[arg-type]
        ids = []
        for name, zone in zones.items():
            person, _ = await people.get_or_create(session, IdentityColumn.CONSOLE, name, now=now,
                                                   display_name=name.title())
            person.timezone = zone
            session.add(person)
            await session.flush()
            ids.append(person.id or 0)
        await cadences.set_participants(session, cadence.id or 0, ids)
    return cadence
