"""Scheduler leadership: one leader per PostgreSQL database and per SQLite file."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import build_application
from bot.core.clock import SimulatedClock
from bot.settings import Settings
from schedules.leader import (
    AdvisoryLockLeader,
    FileLockLeader,
    SoleLeader,
    leadership_for,
)
from storage.engine import Database
from tests.conftest import (
    postgres_address,
    postgres_database,
    postgres_schema,
    postgres_url_via,
)
from tests.fakes.tcp_proxy import TcpProxy

TAKEOVER_SECONDS = 10


class Switch:
    """A follower that records being switched on and off."""

    def __init__(self) -> None:
        self.on = False
        self.starts = 0

    async def start(self) -> None:
        self.on, self.starts = True, self.starts + 1

    async def stop(self) -> None:
        self.on = False


@pytest.fixture
def key() -> int:
    """A lock key of this test's own: parallel runs on one server must not contend."""
    return random.randrange(1, 2**62)


@pytest.fixture
async def schema() -> AsyncIterator[str]:
    async with postgres_schema() as name:
        yield name


@pytest.fixture
async def databases(schema: str) -> AsyncIterator[tuple[Database, Database]]:
    """Two processes' engines on the same PostgreSQL database."""
    first, second = postgres_database(schema), postgres_database(schema)
    yield first, second
    await first.dispose()
    await second.dispose()


async def _lock_holders(database: Database, key: int) -> int:
    async with database.engine.connect() as connection:
        return (await connection.execute(text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND ((classid::bigint << 32) | objid::bigint) = :key"), {"key": key})).scalar_one()


async def test_one_leader_one_standby_and_takeover_on_release(
        databases: tuple[Database, Database], key: int, caplog: pytest.LogCaptureFixture):
    first_db, second_db = databases
    first_switch, second_switch = Switch(), Switch()
    first = AdvisoryLockLeader(first_db, first_switch, key=key)
    second = AdvisoryLockLeader(second_db, second_switch, key=key)
    try:
        with caplog.at_level(logging.INFO, logger="schedules.leader"):
            await first.start()
            await second.start()
        assert (first.state, second.state) == ("leader", "standby")
        # Several processes is PostgreSQL's design: standing by is said at INFO.
        [said] = [record for record in caplog.records if "standby" in record.getMessage()]
        assert said.levelno == logging.INFO
        assert first_switch.on and not second_switch.on
        assert await _lock_holders(second_db, key) == 1
        assert await second.attempt() is False  # still held
        assert await first.attempt() is True and first_switch.starts == 1  # no restart

        await first.stop()
        assert first.state == "off" and not first_switch.on
        assert await _lock_holders(second_db, key) == 0

        assert await second.attempt() is True
        assert second.state == "leader" and second_switch.on
    finally:
        await first.stop()
        await second.stop()
    assert await _lock_holders(second_db, key) == 0


async def test_a_leader_that_loses_its_connection_steps_down(schema: str, key: int):
    async with TcpProxy(*postgres_address()) as proxy:
        cut_off = postgres_database(schema, postgres_url_via("127.0.0.1", proxy.port))
        direct = postgres_database(schema)
        cut_switch, direct_switch = Switch(), Switch()
        leader = AdvisoryLockLeader(cut_off, cut_switch, key=key)
        standby = AdvisoryLockLeader(direct, direct_switch, key=key)
        try:
            await leader.start()
            await standby.start()
            assert (leader.state, standby.state) == ("leader", "standby")

            await proxy.cut()
            assert await leader.attempt() is False
            assert leader.state == "standby" and not cut_switch.on

            # PostgreSQL ends the cut session (and drops its lock) as soon as it notices.
            for _ in range(TAKEOVER_SECONDS * 20):
                if await standby.attempt():
                    break
                await asyncio.sleep(0.05)  # waiting for the server to notice, not a schedule
            assert standby.state == "leader" and direct_switch.on
        finally:
            await leader.stop()
            await standby.stop()
            await cut_off.dispose()
            await direct.dispose()


async def test_an_unreachable_database_leaves_the_process_standby(schema: str, key: int):
    async with TcpProxy(*postgres_address()) as proxy:
        database = postgres_database(schema, postgres_url_via("127.0.0.1", proxy.port))
        await proxy.cut()
        switch = Switch()
        elector = AdvisoryLockLeader(database, switch, key=key)
        try:
            await elector.start()
            assert elector.state == "standby" and not switch.on
        finally:
            await elector.stop()
            await database.dispose()


async def test_postgresql_gets_the_advisory_lock_a_sqlite_file_a_lock_file_memory_leads_alone(
        schema: str, tmp_path: Path):
    postgres = postgres_database(schema)
    sqlite = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'one.db'}")
    memory = Database.from_url("sqlite+aiosqlite:///:memory:")
    try:
        assert isinstance(leadership_for(postgres, Switch()), AdvisoryLockLeader)
        assert isinstance(leadership_for(sqlite, Switch()), FileLockLeader)
        switch = Switch()
        sole = leadership_for(memory, switch)
        assert isinstance(sole, SoleLeader) and sole.state == "off"
        await sole.start()
        assert sole.state == "leader" and switch.on
        await sole.stop()
        assert sole.state == "off" and not switch.on
    finally:
        await postgres.dispose()
        await sqlite.dispose()
        await memory.dispose()


async def test_one_leader_per_sqlite_file_and_takeover_once_it_lets_go(
        tmp_path: Path, caplog: pytest.LogCaptureFixture):
    """flock locks belong to the open file, so two leaders in one process contend as two
    processes do (tests/cli/test_run_two_processes.py runs two real ones)."""
    database = tmp_path / "one.db"
    first_switch, second_switch = Switch(), Switch()
    first = FileLockLeader(database, first_switch, retry=timedelta(hours=1))
    second = FileLockLeader(database, second_switch, retry=timedelta(hours=1))
    try:
        await first.start()
        await second.start()
        assert (first.state, second.state) == ("leader", "standby")
        assert first_switch.on and not second_switch.on
        assert (tmp_path / "one.db.lock").exists()
        assert "scheduler standby: another process runs the scheduler on this SQLite file" \
            in caplog.text and "one.db.lock" in caplog.text
        assert await second.attempt() is False
        assert await first.attempt() is True and first_switch.starts == 1

        await first.stop()
        assert first.state == "off" and not first_switch.on
        assert await second.attempt() is True
        assert second.state == "leader" and second_switch.on
    finally:
        await first.stop()
        await second.stop()


async def test_the_application_reports_its_scheduler_state(settings: Settings,
                                                           sqlite_database: Database,
                                                           clock: SimulatedClock):
    application = build_application(settings, clock=clock, database=sqlite_database)
    assert application.scheduler_state == "off"
    await application.start_scheduler()
    assert application.scheduler_state == "leader"
    await application.stop_scheduler()
    assert application.scheduler_state == "off"
