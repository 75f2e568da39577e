"""Shared fixtures: databases on SQLite and PostgreSQL, and a built application."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import Application, build_application
from bot.core.clock import SimulatedClock
from bot.settings import Settings
from storage.engine import Database
from storage.migrate import upgrade

POSTGRES_URL = os.environ.get(
    "PARTNEROPS_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
# CI sets this so that a missing PostgreSQL fails the run instead of skipping quietly.
REQUIRE_POSTGRES = os.environ.get("PARTNEROPS_REQUIRE_POSTGRES") == "1"
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

_postgres_state: dict[str, str | None] = {}
# Variables of CONTRACT.md; a developer's own exports must not leak into the tests.
CONTRACT_VARIABLES = (
    "DATABASE_URL", "PORT", "PUBLIC_URL", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_API_URL",
    "MICROSOFT_APP_ID", "MICROSOFT_APP_PASSWORD", "MICROSOFT_APP_TENANT_ID",
    "MICROSOFT_APP_TYPE", "PARTNEROPS_TIMEZONE", "PARTNEROPS_ADMINS", "PARTNEROPS_COMMAND_PREFIX",
)


@pytest.fixture(autouse=True)
def _no_operator_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in CONTRACT_VARIABLES:
        monkeypatch.delenv(variable, raising=False)


async def _postgres_unavailable() -> str | None:
    """None if PostgreSQL answers at POSTGRES_URL, else the reason it does not."""
    if "reason" not in _postgres_state:
        engine = create_async_engine(POSTGRES_URL, connect_args={"timeout": 3})
        try:
            async with engine.connect():
                _postgres_state["reason"] = None
        except Exception as exc:  # any failure to connect means: not available here
            _postgres_state["reason"] = f"PostgreSQL not reachable at {POSTGRES_URL}: {exc!r}"
        finally:
            await engine.dispose()
    return _postgres_state["reason"]


async def require_postgres() -> None:
    """Skip (or, in CI, fail) the calling test when PostgreSQL is not reachable."""
    reason = await _postgres_unavailable()
    if reason:
        if REQUIRE_POSTGRES:
            pytest.fail(reason)
        pytest.skip(reason)


def postgres_address() -> tuple[str, int]:
    url = make_url(POSTGRES_URL)
    return url.host or "127.0.0.1", url.port or 5432


def postgres_url_via(host: str, port: int) -> str:
    """POSTGRES_URL with its host and port replaced (e.g. by a cuttable proxy)."""
    return make_url(POSTGRES_URL).set(host=host, port=port).render_as_string(hide_password=False)


@asynccontextmanager
async def postgres_schema() -> AsyncIterator[str]:
    """A fresh schema for one test, so parallel runs on one server never collide."""
    await require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(POSTGRES_URL)
    async with admin.begin() as connection:
        await connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield schema
    finally:
        async with admin.begin() as connection:
            await connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.dispose()


def postgres_database(schema: str, url: str = POSTGRES_URL) -> Database:
    engine = create_async_engine(url, connect_args={"server_settings": {"search_path": schema}})
    return Database(engine)


async def _postgres_database() -> AsyncIterator[Database]:
    async with postgres_schema() as schema:
        database = postgres_database(schema)
        try:
            yield database
        finally:
            await database.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_database(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[Database]:
    """A database with no tables yet, on each backend."""
    if request.param == "sqlite":
        database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
        yield database
        await database.dispose()
    else:
        async for database in _postgres_database():
            yield database


@pytest.fixture
async def database(empty_database: Database) -> Database:
    """A migrated database, on each backend."""
    await upgrade(empty_database)
    return empty_database


@pytest.fixture
async def sqlite_database(tmp_path) -> AsyncIterator[Database]:
    """A migrated SQLite database, for tests whose subject is not storage."""
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'app.db'}")
    await upgrade(database)
    yield database
    await database.dispose()


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(START)


@pytest.fixture
def settings(tmp_path) -> Settings:
    """Settings as an operator would give them, with no Slack, Teams or .env file."""
    return Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path / 'app.db'}")


@pytest.fixture
async def application(
    settings: Settings, sqlite_database: Database, clock: SimulatedClock
) -> AsyncIterator[Application]:
    app = build_application(settings, clock=clock, database=sqlite_database)
    yield app
