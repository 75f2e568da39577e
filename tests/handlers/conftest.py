"""A team on the real application, with a recording console outbox.

Handler tests run on SQLite from a migrated template; what the database guarantees under
concurrency is proven on both backends by the storage, ledger and end-to-end tests.
"""

from __future__ import annotations

import pytest

from bot.app import build_application
from bot.core.clock import SimulatedClock
from bot.core.conversation import Platform
from bot.settings import Settings
from storage.engine import Database
from tests.handlers.cadence_team import Directory, RecordingOutbox, Team


@pytest.fixture
async def team(settings: Settings, sqlite_database: Database, clock: SimulatedClock) -> Team:
    """Ana (admin: the first to use the bot), in #general on the console."""
    application = build_application(settings, clock=clock, database=sqlite_database)
    outbox, directory = RecordingOutbox(), Directory()
    application.add_platform(Platform.CONSOLE, outbox, channels=directory)
    made = Team(application, outbox, clock, directory)
    await made.command("ana", "partnerops whoami")
    return made
