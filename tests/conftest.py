"""Shared fixtures: databases on SQLite and PostgreSQL, and a built application."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.app import Application, build_application
from bot.core.clock import SimulatedClock
from bot.settings import Settings
from storage.engine import Database
from storage.migrate import upgrade
from tests.postgres_clones import PostgresClones, run_admin

POSTGRES_URL = os.environ.get(
    "PARTNEROPS_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
# CI sets this so that a missing PostgreSQL fails the run instead of skipping quietly.
REQUIRE_POSTGRES = os.environ.get("PARTNEROPS_REQUIRE_POSTGRES") == "1"
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
T = TypeVar("T")

_postgres_state: dict[str, str | None] = {}
# Template name -> its clones, made ahead of the tests (see tests/postgres_clones.py).
_clones: dict[str, PostgresClones] = {}
# Variables of CONTRACT.md; a developer's own exports must not leak into the tests.
CONTRACT_VARIABLES = (
    "DATABASE_URL", "PORT", "PUBLIC_URL", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_API_URL",
    "MICROSOFT_APP_ID", "MICROSOFT_APP_PASSWORD", "MICROSOFT_APP_TENANT_ID",
    "MICROSOFT_APP_TYPE", "PARTNEROPS_TIMEZONE", "PARTNEROPS_ADMINS", "PARTNEROPS_COMMAND_PREFIX",
    "PARTNEROPS_SLACK_SOCKET_CHECK_SECONDS", "LOG_FORMAT",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Heavy tests first: on two workers, the long ones overlap with everything else."""
    items.sort(key=lambda item: item.get_closest_marker("heavy") is None)


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


def _in_a_thread(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run async set-up from a synchronous (session) fixture, away from any test's loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work()).result()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per run; each test copies it (cheaper than migrating)."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"

    async def migrate() -> None:
        template = Database.from_url(f"sqlite+aiosqlite:///{path}")
        await upgrade(template)
        await template.dispose()  # the last connection checkpoints the WAL into the file

    _in_a_thread(migrate)
    return path


def _postgres_admin() -> AsyncEngine:
    return create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str | None]:
    """A PostgreSQL database migrated once per run, that each test clones (CREATE DATABASE
    .. TEMPLATE); None when PostgreSQL is not reachable (the tests then skip or fail)."""
    name = f"partnerops_template_{os.getpid()}"

    async def create() -> str | None:
        if await _postgres_unavailable():
            return None
        admin = _postgres_admin()
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        await admin.dispose()
        template = Database(create_async_engine(
            make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)))
        await upgrade(template)
        await template.dispose()
        return name

    async def drop() -> None:
        admin = _postgres_admin()
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        await admin.dispose()

    made = _in_a_thread(create)
    if made is not None:
        _clones[made] = PostgresClones(POSTGRES_URL, made)
    yield made
    if made is not None:
        _clones.pop(made).close()
        _in_a_thread(drop)


@asynccontextmanager
async def cloned_postgres_url(template: str | None) -> AsyncIterator[str]:
    """The URL of a fresh database cloned from `template` (the migrated one, made ahead;
    another, such as PostgreSQL's empty template0, here and now), dropped afterwards."""
    await require_postgres()
    assert template is not None
    clones = _clones.get(template)
    if clones is not None:
        name = await clones.take()
    else:
        name = f"t_{uuid.uuid4().hex[:12]}"
        await asyncio.to_thread(run_admin, POSTGRES_URL,
                                f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        if clones is not None:
            clones.drop(name)
        else:
            await asyncio.to_thread(run_admin, POSTGRES_URL,
                                    f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _cloned_postgres(template: str | None) -> AsyncIterator[Database]:
    async with cloned_postgres_url(template) as url:
        database = Database(create_async_engine(url))
        try:
            yield database
        finally:
            await database.dispose()


def copied_sqlite(template: Path, path: Path) -> Database:
    shutil.copyfile(template, path)
    return Database.from_url(f"sqlite+aiosqlite:///{path}")


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path,
                   postgres_template: str | None) -> AsyncIterator[Database]:
    """A migrated database, on each backend (storage, ledger and end-to-end tests)."""
    if request.param == "sqlite":
        database = copied_sqlite(sqlite_template, tmp_path / "test.db")
        yield database
        await database.dispose()
    else:
        async for database in _cloned_postgres(postgres_template):
            yield database


@pytest.fixture
async def sqlite_database(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[Database]:
    """A migrated SQLite database, for tests whose subject is not storage."""
    database = copied_sqlite(sqlite_template, tmp_path / "app.db")
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
