"""The real aiohttp application on a loopback port, wired to fake Slack and Bot Framework."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer

from bot.app import Application, build_application
from bot.core.clock import SimulatedClock
from bot.settings import Settings
from bot.web import create_web_app
from tests.fakes import FakeBotConnector, FakeSlackApi
from tests.fakes.slack_requests import sign

SIGNING_SECRET = "e2e-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-e2e-token"
DATABASE_FILE = "e2e.db"


@dataclass
class RunningBot:
    """A started server and the fakes it talks to."""

    client: TestClient
    application: Application
    slack: FakeSlackApi
    connector: FakeBotConnector

    async def slack_post(self, body: bytes, *, secret: str = SIGNING_SECRET,
                         timestamp: int | None = None,
                         headers: dict[str, str] | None = None) -> ClientResponse:
        signed = sign(body, secret, timestamp) if headers is None else headers
        return await self.client.post("/slack/events", data=body, headers=signed)

    async def teams_post(self, activity: dict) -> ClientResponse:
        return await self.client.post("/api/messages", json=activity)

    async def export(self, entity: str) -> list[dict[str, Any]]:
        """The rows `partnerops export ENTITY` writes, of every workspace."""
        async with self.application.database.session() as session:
            return await self.application.registry.exporters[entity].rows(session, None)


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlackApi]:
    async with FakeSlackApi() as fake:
        fake.add_user("U0001", name="ana", real_name="Ana Alves", email="ana@acme.test",
                      tz="Europe/Berlin")
        fake.add_user("U0002", name="bob", real_name="Bob Baker", email="bob@acme.test",
                      tz="America/New_York")
        yield fake


@pytest.fixture
async def fake_connector() -> AsyncIterator[FakeBotConnector]:
    async with FakeBotConnector() as fake:
        yield fake


@pytest.fixture(autouse=True)
def _migrated_database_file(tmp_path: Path, sqlite_template: Path) -> None:
    """The bot's database, already at the head revision: its start-up finds nothing to do
    (a copy of the run's migrated template is much cheaper than migrating every test)."""
    shutil.copyfile(sqlite_template, tmp_path / DATABASE_FILE)


def bot_settings(tmp_path: Path, slack: FakeSlackApi, **overrides: Any) -> Settings:
    values = {
        "database_url": f"sqlite+aiosqlite:///{tmp_path / DATABASE_FILE}",
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": slack.url,
        **overrides,
    }
    return Settings(_env_file=None, **values)


async def start_bot(settings: Settings, clock: SimulatedClock, slack: FakeSlackApi,
                    connector: FakeBotConnector) -> RunningBot:
    application = build_application(settings, clock=clock)
    client = TestClient(TestServer(create_web_app(application), host="127.0.0.1"))
    await client.start_server()
    return RunningBot(client, application, slack, connector)


@asynccontextmanager
async def running_bot(tmp_path: Path, clock: SimulatedClock, slack: FakeSlackApi,
                      connector: FakeBotConnector, **overrides: Any
                      ) -> AsyncIterator[RunningBot]:
    """The bot on these fakes, with settings `overrides`, until the block ends."""
    running = await start_bot(bot_settings(tmp_path, slack, **overrides), clock, slack,
                              connector)
    try:
        yield running
    finally:
        await running.client.close()


@pytest.fixture
async def bot(tmp_path: Path, clock: SimulatedClock, fake_slack: FakeSlackApi,
              fake_connector: FakeBotConnector) -> AsyncIterator[RunningBot]:
    async with running_bot(tmp_path, clock, fake_slack, fake_connector) as running:
        yield running


IMPATIENT_SECONDS = 0.25


@pytest.fixture
async def impatient_bot(tmp_path: Path, clock: SimulatedClock, fake_slack: FakeSlackApi,
                        fake_connector: FakeBotConnector) -> AsyncIterator[RunningBot]:
    """The bot, giving up on a Slack or Teams call after IMPATIENT_SECONDS (15 and 30 s in
    production): for tests of calls that hang."""
    async with running_bot(tmp_path, clock, fake_slack, fake_connector,
                           slack_api_timeout_seconds=IMPATIENT_SECONDS,
                           teams_api_timeout_seconds=IMPATIENT_SECONDS) as running:
        yield running
