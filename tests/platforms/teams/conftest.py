"""Fixtures for the Teams platform: a fake connector and a real /api/messages server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import Application, StoredInstallations
from bot.core.conversation import Platform
from bot.core.ports import Dispatcher
from bot.platforms.teams import RetryPolicy, TeamsPlatform
from storage.engine import Database
from tests.fakes import FakeBotConnector, teams_activities


class RecordedSleeps:
    """An injectable sleep that returns at once and remembers how long it was asked to wait."""

    def __init__(self) -> None:
        """Start with no waits."""
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        """Record the wait instead of waiting."""
        self.delays.append(seconds)


def build_teams(dispatcher: Dispatcher, installations: StoredInstallations,
                sleeps: RecordedSleeps, prefix: str = "") -> TeamsPlatform:
    """A TeamsPlatform in local (unauthenticated) mode, as the composition root builds it."""
    return TeamsPlatform(app_id="", app_password="", tenant_id="", app_type="MultiTenant",
                         dispatcher=dispatcher, references=installations,
                         directory_ids=installations, command_prefix=prefix,
                         retry=RetryPolicy(sleep=sleeps))


async def post_activity(client: TestClient, activity: dict[str, Any]) -> ClientResponse:
    """POST one activity to /api/messages as the Bot Framework service would."""
    return await client.post("/api/messages", json=activity)


@pytest.fixture
async def connector() -> AsyncIterator[FakeBotConnector]:
    """A fake Bot Framework connector: the serviceUrl of every test activity."""
    async with FakeBotConnector() as fake:
        yield fake


@pytest.fixture
def sleeps() -> RecordedSleeps:
    """The retry policy's sleep."""
    return RecordedSleeps()


@pytest.fixture
def teams(application: Application, sleeps: RecordedSleeps) -> TeamsPlatform:
    """The Teams platform over the real application, registered as bot.web registers it."""
    platform = build_teams(application.dispatcher, application.installations, sleeps,
                           application.settings.command_prefix)
    application.add_platform(Platform.TEAMS, platform.outbox, channels=platform.channels,
                             picker=platform.picker, style=platform.style)
    return platform


async def serve(platform: TeamsPlatform) -> TestClient:
    """Start a real HTTP server on 127.0.0.1 with /api/messages mounted from `platform`."""
    app = web.Application()
    app.router.add_post("/api/messages", platform.handle)
    client = TestClient(TestServer(app, host="127.0.0.1", port=0))
    await client.start_server()
    return client


@pytest.fixture
async def bot(teams: TeamsPlatform) -> AsyncIterator[TestClient]:
    """An HTTP client of the running bot."""
    client = await serve(teams)
    yield client
    await client.close()


async def say(bot: TestClient, connector: FakeBotConnector, text: str, *,
              channel: bool = False, user_id: str = "29:ana") -> None:
    """Send a message to the bot (1:1, or in the channel) and drop the calls it caused."""
    build = teams_activities.channel_mention_message if channel else teams_activities.message
    response = await post_activity(bot, build(text, service_url=connector.url, user_id=user_id))
    assert response.status == 200
    connector.log.clear()


@pytest.fixture
async def reopened(tmp_path: Path) -> AsyncIterator[Database]:
    """A second connection pool over the application's SQLite file: a restarted process."""
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'app.db'}")
    yield database
    await database.dispose()
