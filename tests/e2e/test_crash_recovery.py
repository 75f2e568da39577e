"""A `jobs run-due` process SIGKILLed in the middle of a 200-person Slack fan-out, and run
again at once: everyone has exactly one prompt, with no wait for old claims to age.

Each run is a real process that dies for real: the test process, with the bot already
imported, forks it (a fresh interpreter would spend seconds importing), and the child
builds its own engine and event loop. Its lease dies with it: a PostgreSQL advisory lock
with its session, an flock with its file descriptors.
"""

from __future__ import annotations

import asyncio
import io
import os
import random
import shutil
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from bot import jobs
from bot.settings import Settings
from storage.cadences import repository as cadences
from storage.cadences.models import Cadence, CadenceKind
from storage.common import workspaces
from storage.common.models import Person, PersonIdentity
from storage.engine import Database
from tests.conftest import cloned_postgres_url
from tests.fakes import FakeSlackApi

PEOPLE = 120  # enough that a kill at a random point finds sends in flight
TRIALS = 3  # Monday to Wednesday: one fan-out (and one kill at a random point) a day
MONDAY_0800_UTC = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
REPORT = "C0REPORT"
POST_DELAY = 0.004  # each post answers a little late, so a kill finds sends in flight

DatabaseFactory = Callable[[], Database]


@asynccontextmanager
async def _backend(kind: str, tmp_path: Path, sqlite_template: Path, postgres_template: str | None
                   ) -> AsyncIterator[tuple[str, DatabaseFactory]]:
    """(DATABASE_URL, a factory of fresh Database handles) for one migrated database."""
    if kind == "sqlite":
        shutil.copyfile(sqlite_template, tmp_path / "crash.db")
        url = f"sqlite+aiosqlite:///{tmp_path / 'crash.db'}"
        yield url, lambda: Database.from_url(url)
        return
    async with cloned_postgres_url(postgres_template) as url:
        yield url, lambda: Database(create_async_engine(url))


async def slack_team(database: Database, *, people: int = PEOPLE, zone: str = "Europe/Berlin",
                     now: datetime = MONDAY_0800_UTC - timedelta(days=7),
                     **cadence: object) -> None:
    """`people` Slack users U0000... in one standup reporting to C0REPORT; `cadence` sets
    its other columns (days, times, zone)."""
    async with database.session() as session:
        workspace = await workspaces.for_external_id(session, "slack", "T0001", now=now)
        team = [Person(workspace_id=workspace.id or 0, display_name=f"Rep {n}",
                       timezone=zone, profile_synced_at=now, created_at=now)
                for n in range(people)]
        session.add_all(team)
        await session.flush()
        session.add_all([PersonIdentity(person_id=person.id or 0, workspace_id=workspace.id or 0,
                                        platform="slack", user_id=f"U{n:04d}", created_at=now)
                         for n, person in enumerate(team)])
        saved = await cadences.save(session, Cadence(
            workspace_id=workspace.id or 0, name="All hands", kind=CadenceKind.STANDUP,
            platform="slack", report_channel_id=REPORT, report_channel_name="standups",
            questions=["Today?"], reminder_minutes=0, created_at=now, updated_at=now,
            **cadence))
        await cadences.set_participants(session, saved.id or 0, [p.id or 0 for p in team],
                                        now=saved.created_at)
    await database.dispose()


def _fork_run_due(settings: Settings, at: datetime, database: DatabaseFactory) -> int:
    """Start `jobs run-due --at` in a child process; its pid. The child never returns."""
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:  # the child: its own event loop, engine and connections; nothing of the parent's
        loop = asyncio.new_event_loop()
        report = loop.run_until_complete(jobs.jobs_run_due(
            settings, at.isoformat(), io.StringIO(), io.StringIO(), database=database()))
        code = 1 if report.failures else 0
    finally:
        os._exit(code)


async def _wait(pid: int) -> int:
    _, status = await asyncio.to_thread(os.waitpid, pid, 0)
    return os.waitstatus_to_exitcode(status)


def _dm_posts(slack: FakeSlackApi) -> int:
    return sum(1 for call in slack.of("chat.postMessage")
               if str(call.args.get("channel", "")).startswith("U"))


async def _killed_midway(slack: FakeSlackApi, pid: int, after_posts: int) -> None:
    """SIGKILL the child once `after_posts` more DM posts have reached Slack."""
    target = _dm_posts(slack) + after_posts
    while _dm_posts(slack) < target:
        finished, _ = await asyncio.to_thread(os.waitpid, pid, os.WNOHANG)
        if finished:
            return  # it finished before the kill: a trial of the no-crash case
        await asyncio.sleep(0.002)
    os.kill(pid, signal.SIGKILL)
    assert await _wait(pid) == -signal.SIGKILL


@pytest.mark.heavy
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_sigkill_mid_fan_out_then_run_again_gives_everyone_one_prompt(
        backend: str, tmp_path: Path, fake_slack: FakeSlackApi, sqlite_template: Path,
        postgres_template: str | None):
    chance = random.Random(f"crash-{backend}")
    async with _backend(backend, tmp_path, sqlite_template, postgres_template) as (url,
                                                                                  database):
        await slack_team(database())
        settings = Settings(_env_file=None, database_url=url, slack_bot_token="xoxb-crash",
                            slack_signing_secret="crash-secret", slack_api_url=fake_slack.url)
        for trial in range(TRIALS):
            day = MONDAY_0800_UTC + timedelta(days=trial)
            fake_slack.delay_next("chat.postMessage", POST_DELAY, times=PEOPLE + 1)
            first = await asyncio.to_thread(_fork_run_due, settings, day, database)
            await _killed_midway(fake_slack, first, chance.randint(1, PEOPLE - 1))
            again = await asyncio.to_thread(_fork_run_due, settings, day, database)
            assert await _wait(again) == 0

            received = {f"D{n:04d}": len(fake_slack.history.get(f"DU{n:04d}", []))
                        for n in range(PEOPLE)}
            wrong = {user: count for user, count in received.items() if count != trial + 1}
            assert wrong == {}, f"trial {trial}: prompts missing or doubled: {wrong}"
            parents = [message for message in fake_slack.history.get(REPORT, [])
                       if not message.get("thread_ts")]
            assert len(parents) == trial + 1, f"trial {trial}: the day's parent message"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_two_runs_at_once_double_nothing_and_leave_each_other_alone(
        backend: str, tmp_path: Path, fake_slack: FakeSlackApi, sqlite_template: Path,
        postgres_template: str | None):
    async with _backend(backend, tmp_path, sqlite_template, postgres_template) as (url,
                                                                                  database):
        await slack_team(database())
        settings = Settings(_env_file=None, database_url=url, slack_bot_token="xoxb-crash",
                            slack_signing_secret="crash-secret", slack_api_url=fake_slack.url)
        # Slow posts keep the first run's fan-out going while the second starts.
        fake_slack.delay_next("chat.postMessage", 10 * POST_DELAY, times=PEOPLE + 1)
        first = await asyncio.to_thread(_fork_run_due, settings, MONDAY_0800_UTC, database)
        await fake_slack.wait_for("chat.postMessage", count=2, timeout=30)  # parent, then a DM
        second = await asyncio.to_thread(_fork_run_due, settings, MONDAY_0800_UTC, database)
        assert _dm_posts(fake_slack) < PEOPLE, "the first run ended before the second began"
        assert [await _wait(first), await _wait(second)] == [0, 0]

    received = [len(fake_slack.history.get(f"DU{n:04d}", [])) for n in range(PEOPLE)]
    assert set(received) == {1}
    assert len([message for message in fake_slack.history.get(REPORT, [])
                if not message.get("thread_ts")]) == 1
    # Neither run took the other's claims for abandoned: nobody's history was searched.
    assert fake_slack.of("conversations.history") == []
