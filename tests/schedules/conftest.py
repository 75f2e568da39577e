"""A console-platform application with a recording outbox and cadences made in code."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import Application
from bot.core.clock import SimulatedClock
from bot.core.conversation import Platform
from storage.cadences import repository as cadences
from storage.cadences.models import Cadence, CadenceKind
from storage.common import people, workspaces
from storage.engine import Database
from tests.fakes.recording_outbox import RecordingOutbox


@pytest.fixture
def outbox(application: Application, clock: SimulatedClock) -> RecordingOutbox:
    recording = RecordingOutbox(clock)
    application.add_platform(Platform.CONSOLE, recording)
    return recording


@pytest.fixture
async def other_process(database: Database) -> AsyncIterator[Database]:
    """`database` as another process opens it: its own engine, so its own locks and leases."""
    url = database.engine.url.render_as_string(hide_password=False)
    if database.dialect == "postgresql":
        async with database.engine.connect() as connection:
            search_path = (await connection.execute(
                text("SELECT current_setting('search_path')"))).scalar_one()
        other = Database(create_async_engine(
            url, connect_args={"server_settings": {"search_path": search_path}}))
    else:
        other = Database.from_url(url)
    yield other
    await other.dispose()


async def make_cadence(application: Application, *, zones: dict[str, str], now: datetime,
                       workspace: str = "", **fields: object) -> Cadence:
    """A cadence (on the console unless `platform` says otherwise) with one participant per
    name, in the given time zones: each name is the person's user id on that platform, in
    the workspace the platform calls `workspace` (Slack's team id; the console's is "")."""
    values: dict[str, object] = {
        "name": "Channel standup", "kind": CadenceKind.STANDUP, "platform": "console",
        "report_channel_id": "standups", "report_channel_name": "standups",
        "days": "mon,tue,wed,thu,fri", "local_time": "09:00", "close_time": "17:00",
        "reminder_minutes": 0, "skip_weekends": True,
        "questions": ["Yesterday?", "Today?"], "created_at": now, "updated_at": now,
    }
    values.update(fields)
    platform = str(values["platform"])
    async with application.database.session() as session:
        owner = await workspaces.for_external_id(session, platform, workspace, now=now)
        values.setdefault("workspace_id", owner.id)
        cadence = await cadences.save(session, Cadence(**values))  # type: ignore[arg-type]
        ids = []
        for name, zone in zones.items():
            person, _ = await people.get_or_create(session, cadence.workspace_id, platform,
                                                   name, now=now, display_name=name.title())
            person.timezone = zone
            session.add(person)
            await session.flush()
            ids.append(person.id or 0)
        await cadences.set_participants(session, cadence.id or 0, ids,
                                        now=cadence.created_at)
    return cadence
