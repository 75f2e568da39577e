"""Scheduled sends resume without loss after a database outage.

The scheduler (DueClock, on an injected clock: nothing waits for a schedule) runs run-due
while the database is away, at start and in the middle of a fan-out: each run fails, is
logged, and the process goes on; nothing is half-written, and nothing keeps sending for a
run that has ended. Once the database is back, the next run settles what the failed run
left claimed (asking Slack, by each message's key) and sends the rest: everyone has their
prompt exactly once.

PostgreSQL is reached through a TCP proxy that the test cuts (every connection dropped,
new ones refused) and restores. A SQLite file cannot be made unreachable to a process that
has it open (we run as root, so permissions do not bite; a WAL database cannot be locked
against readers while other connections are open), so there the outage is the form it
takes in practice: another process holds the write lock (a stuck writer) and every write
fails with "database is locked" after the busy timeout, shortened here from 5 s to keep
the test fast; reads still work.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import select

from bot.app import build_application
from bot.core.clock import SimulatedClock
from bot.web import SLACK, create_web_app
from schedules.scheduler import DueClock
from storage import engine as storage_engine
from storage.cadences.models import Occurrence
from storage.engine import Database, create_engine
from storage.ledger import leases
from storage.ledger.models import Delivery, DeliveryStatus, RunLease
from tests.conftest import cloned_postgres_url
from tests.e2e.conftest import bot_settings
from tests.e2e.test_crash_recovery import REPORT, slack_team
from tests.fakes import FakeSlackApi
from tests.fakes.tcp_proxy import TcpProxy

PEOPLE = 120  # more than a settle's worth (50) and the sends in flight (16)
NINE_IN_BERLIN = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # a Monday
POST_DELAY = 0.03  # each post answers a little late, so the cut finds sends in flight
SQLITE_BUSY_TIMEOUT_MS = 50


class Outage:
    async def cut(self) -> None:
        raise NotImplementedError

    async def restore(self) -> None:
        raise NotImplementedError


@dataclass
class Proxied(Outage):
    """PostgreSQL through a proxy: cut drops every connection and refuses new ones."""

    proxy: TcpProxy

    async def cut(self) -> None:
        await self.proxy.cut()

    async def restore(self) -> None:
        await self.proxy.start()  # the same port again


@dataclass
class WriteLocked(Outage):
    """SQLite with its write lock held by another connection, as by a stuck process."""

    path: Path
    holder: sqlite3.Connection | None = None

    async def cut(self) -> None:
        # Taken from a thread: a write transaction of the bot's, open at the moment of the
        # cut, can only commit (and let go of the lock) while this event loop runs.
        self.holder = await asyncio.to_thread(self._take_the_write_lock)

    def _take_the_write_lock(self) -> sqlite3.Connection:
        holder = sqlite3.connect(self.path, isolation_level=None, timeout=5,
                                 check_same_thread=False)
        try:
            holder.execute("BEGIN IMMEDIATE")
        except BaseException:
            holder.close()
            raise
        return holder

    async def restore(self) -> None:
        holder, self.holder = self.holder, None
        if holder is not None:
            holder.execute("ROLLBACK")
            holder.close()


@asynccontextmanager
async def _database(backend: str, tmp_path: Path, sqlite_template: Path,
                    postgres_template: str | None, monkeypatch: pytest.MonkeyPatch
                    ) -> AsyncIterator[tuple[str, Database, Outage]]:
    """(DATABASE_URL, the Database, its outage) of a migrated database on `backend`."""
    if backend == "sqlite":
        path = tmp_path / "outage.db"
        shutil.copyfile(sqlite_template, path)
        monkeypatch.setattr(storage_engine, "SQLITE_BUSY_TIMEOUT_MS", SQLITE_BUSY_TIMEOUT_MS)
        url = f"sqlite+aiosqlite:///{path}"
        locked = WriteLocked(path)
        database = Database.from_url(url)
        try:
            yield url, database, locked
        finally:
            await locked.restore()
            await database.dispose()
        return
    async with cloned_postgres_url(postgres_template) as direct:
        target = make_url(direct)
        async with TcpProxy(target.host or "127.0.0.1", target.port or 5432) as proxy:
            url = target.set(host="127.0.0.1", port=proxy.port).render_as_string(
                hide_password=False)
            database = Database(create_engine(url))
            try:
                yield url, database, Proxied(proxy)
            finally:
                await database.dispose()


def _dms(slack: FakeSlackApi) -> int:
    return sum(1 for call in slack.of("chat.postMessage")
               if str(call.args.get("channel", "")).startswith("U"))


async def _dms_posted(slack: FakeSlackApi, count: int) -> None:
    async with asyncio.timeout(10):
        while _dms(slack) < count:
            await slack.wait_for("chat.postMessage", len(slack.of("chat.postMessage")) + 1)


def _ledger_sends() -> list[asyncio.Task[object]]:
    """Sends of the delivery ledger still running in this event loop."""
    return [task for task in asyncio.all_tasks()
            if getattr(task.get_coro(), "__qualname__", "") == "_attempt" and not task.done()]


def _failed_runs(caplog: pytest.LogCaptureFixture) -> int:
    return sum(1 for record in caplog.records if record.getMessage().startswith(
        "run-due failed at"))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_scheduled_sends_resume_without_loss_after_a_database_outage(
        backend: str, tmp_path: Path, fake_slack: FakeSlackApi, sqlite_template: Path,
        postgres_template: str | None, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO, logger="schedules")
    async with _database(backend, tmp_path, sqlite_template, postgres_template,
                         monkeypatch) as (url, database, outage):
        await slack_team(database, people=PEOPLE)
        clock = SimulatedClock(NINE_IN_BERLIN)
        application = build_application(bot_settings(tmp_path, fake_slack, database_url=url),
                                         clock=clock, database=database)
        # The Slack outbox, as `partnerops run` registers it.
        slack = create_web_app(application)[SLACK]
        due = DueClock(application.services, clock)
        try:
            # Away at start: the catch-up run fails, is logged; the scheduler stays up.
            await outage.cut()
            await due.start()
            await due.idle()
            assert _failed_runs(caplog) == 1 and due.running
            assert fake_slack.of("chat.postMessage") == []

            # Back, then away again in the middle of the fan-out.
            await outage.restore()
            async with database.session() as session:  # the failed run wrote nothing
                for table in (Delivery, RunLease, Occurrence):
                    assert (await session.exec(select(table))).all() == [], table
            fake_slack.delay_next("chat.postMessage", POST_DELAY, times=PEOPLE + 1)
            due.run_soon()  # as the next wake-up would
            await _dms_posted(fake_slack, PEOPLE // 6)
            await outage.cut()
            await due.idle()
            assert _failed_runs(caplog) == 2 and due.running
            assert _ledger_sends() == []  # nothing goes on sending for the failed run
            posted = _dms(fake_slack)
            assert PEOPLE // 6 <= posted < PEOPLE, "the cut came too late to test anything"

            # Back for good: nothing half-written, then the next run finishes the day.
            await outage.restore()
            async with database.session() as session:
                rows = (await session.exec(select(Delivery))).all()
            landed = {message["metadata"]["event_payload"]["key"]: message["ts"]
                      for messages in fake_slack.history.values() for message in messages}
            confirmed = [row for row in rows if row.status is DeliveryStatus.SENT]
            assert all(landed.get(row.key) == row.message_id for row in confirmed)
            claimed = [row for row in rows if row.status is DeliveryStatus.CLAIMED]
            assert {row.status for row in rows} <= {DeliveryStatus.SENT, DeliveryStatus.CLAIMED}
            for lease_id in {row.lease_id for row in claimed}:
                assert lease_id is not None and not await leases.alive(database, lease_id)

            clock.set(NINE_IN_BERLIN + timedelta(minutes=5))
            due.run_soon()
            await due.idle()
            report = due.last_report
            assert report is not None and not report.failures and not report.broken, report
            assert report.recovered == len(claimed)
        finally:
            await due.stop()
            await slack.close()
            await application.close()

        received = [len(fake_slack.history.get(f"DU{n:04d}", [])) for n in range(PEOPLE)]
        assert set(received) == {1}, "a prompt missing or doubled"
        assert len(fake_slack.history[REPORT]) == 1  # the day's message, once
        assert _dms(fake_slack) == PEOPLE  # no DM was posted twice, even refused
        async with database.session() as session:
            rows = (await session.exec(select(Delivery))).all()
            assert (await session.exec(select(RunLease))).all() == []
        assert len(rows) == PEOPLE + 1 and {row.status for row in rows} == {DeliveryStatus.SENT}
