"""`partnerops jobs run-due --at` as an operator or a cron job runs it: exit codes, output,
and what reached the platforms; once as a real process."""

from __future__ import annotations

import asyncio
import io
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot import jobs
from bot.app import Application, build_application
from bot.core.clock import SimulatedClock
from bot.core.conversation import Platform
from bot.settings import Settings
from schedules.run_due import run_due
from storage.engine import Database
from storage.ledger.models import Delivery, DeliveryStatus
from storage.migrate import upgrade
from tests.cli.invoke import Result, as_process, in_process_async
from tests.fakes import FakeSlackApi
from tests.fakes.recording_outbox import RecordingOutbox
from tests.schedules.conftest import make_cadence

MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
DATABASE = "jobs.db"
SECRET = "run-due-signing-secret"


def _url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / DATABASE}"


async def run_due_process(tmp_path: Path, *args: str, **env: str) -> Result:
    """`partnerops jobs run-due ARGS` through main(argv), as cron would run it."""
    return await in_process_async(tmp_path, DATABASE, "jobs", "run-due", *args, **env)


@pytest.fixture
def migrated(tmp_path: Path, sqlite_template: Path) -> Path:
    """The job's database, already at head (migrating one costs seconds a test)."""
    shutil.copyfile(sqlite_template, tmp_path / DATABASE)
    return tmp_path / DATABASE


async def _open(tmp_path: Path) -> Application:
    settings = Settings(_env_file=None, database_url=_url(tmp_path))
    database = Database.from_url(settings.database_url)
    await upgrade(database)
    return build_application(settings, clock=SimulatedClock(MONDAY), database=database)


def _label(key: str) -> str:
    """A ledger key without its occurrence: "parent:<occ>" is "parent", a person's
    "prompt:<occ>:<person>" is "prompt:<person>"."""
    kind, _, rest = key.partition(":")
    _, _, person = rest.partition(":")
    return f"{kind}:{person}" if person else kind


async def _ledger(tmp_path: Path) -> dict[str, Delivery]:
    database = Database.from_url(_url(tmp_path))
    try:
        async with database.session() as session:
            rows = (await session.exec(select(Delivery))).all()
    finally:
        await database.dispose()
    return {_label(row.key): row for row in rows}


def _tells_failed(result: Result, count: int, *reasons: str) -> None:
    """The run exits 1 and says on stderr how many sends failed, of what, and why."""
    assert result.returncode == 1, result.stderr
    assert f"{count} sends failed; running again retries them" in result.stderr
    for reason in reasons:
        assert reason in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


async def test_a_platform_not_enabled_here_fails_in_the_ledger_and_is_retried(
        tmp_path: Path, migrated: Path):
    seeding = await _open(tmp_path)
    await make_cadence(seeding, zones={"ana": "UTC"}, now=MONDAY)
    await seeding.close()

    not_enabled = "console is not enabled in this process"
    first = await run_due_process(tmp_path, "--at", "2026-11-23T09:00")
    assert first.stdout.strip() == "nothing was sent"  # it was due, but nothing went out
    _tells_failed(first, 2, f"1 x cadences parent: {not_enabled}",
                  f"1 x cadences prompt: {not_enabled}")
    ledger = await _ledger(tmp_path)
    assert {key: row.status for key, row in ledger.items()} == {
        "parent": DeliveryStatus.FAILED, "prompt:1": DeliveryStatus.FAILED}
    assert "console is not enabled" in (ledger["prompt:1"].error or "")

    again = await run_due_process(tmp_path, "--at", "2026-11-23T09:30:00+00:00")
    assert again.stdout.strip() == "nothing was sent"
    _tells_failed(again, 2, f"1 x cadences parent: {not_enabled}",
                  f"1 x cadences prompt: {not_enabled}")
    retried = await _ledger(tmp_path)
    assert retried["prompt:1"].status is DeliveryStatus.FAILED
    assert retried["prompt:1"].claimed_at > ledger["prompt:1"].claimed_at  # tried again

    # A process where the platform is enabled sends what failed: nothing was lost.
    application = await _open(tmp_path)
    outbox = RecordingOutbox(application.clock)
    application.add_platform(Platform.CONSOLE, outbox)
    report = await run_due(application.services, datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    await application.close()
    assert report.count("cadences", "prompt") == 1 and not report.failures
    assert [sent.to.id for sent in outbox.posts] == ["standups", "ana"]

    later = await run_due_process(tmp_path, "--at", "2026-11-23T10:30")
    assert later.returncode == 0, later.stderr
    assert later.stdout.strip() == "nothing was due" and "failed" not in later.stderr
    # The close update cannot reach the console from here: it stays open to be retried...
    closing = await run_due_process(tmp_path, "--at", "2026-11-23T17:00")
    assert closing.stdout.strip() == "nothing was sent"
    _tells_failed(closing, 1, f"1 x cadences close: {not_enabled}")
    assert (await _ledger(tmp_path))["close"].status is DeliveryStatus.FAILED
    # ...and a process that has the console closes it.
    application = await _open(tmp_path)
    outbox = RecordingOutbox(application.clock)
    application.add_platform(Platform.CONSOLE, outbox)
    report = await run_due(application.services, datetime(2026, 11, 23, 17, 5, tzinfo=UTC))
    await application.close()
    assert report.count("cadences", "close") == 1
    assert "Answered: nobody" in outbox.updates[-1].text


async def test_slack_prompts_go_out_once_however_often_it_runs(tmp_path: Path, migrated: Path):
    seeding = await _open(tmp_path)
    await make_cadence(seeding, zones={"U0001": "Europe/Berlin", "U0002": "Europe/Berlin"},
                       now=MONDAY, platform="slack", report_channel_id="C0STANDUP",
                       workspace="T0001")
    await seeding.close()

    async with FakeSlackApi() as slack:
        env = {"SLACK_BOT_TOKEN": "xoxb-jobs", "SLACK_SIGNING_SECRET": SECRET,
               "SLACK_API_URL": slack.url}
        # Once as cron runs it, a real process: the entry point and its exit code.
        first = await asyncio.to_thread(as_process, tmp_path, DATABASE, "jobs", "run-due",
                                        "--at", "2026-11-23T08:00", **env)
        assert first.returncode == 0, first.stderr
        assert first.stdout.strip() == "cadences: 1 parent, 2 prompts"
        posted = slack.of("chat.postMessage")
        assert sorted(call.args["channel"] for call in posted) == \
            ["C0STANDUP", "U0001", "U0002"]

        again = await run_due_process(tmp_path, "--at", "2026-11-23T08:05", **env)
        assert again.returncode == 0, again.stderr
        assert again.stdout.strip() == "nothing was due"
        assert len(slack.of("chat.postMessage")) == 3
        assert "not enabled" not in again.stderr and "Traceback" not in again.stderr


async def test_a_bad_instant_is_a_usage_error_with_an_example(tmp_path: Path, migrated: Path):
    seeding = await _open(tmp_path)
    await seeding.close()
    result = await run_due_process(tmp_path, "--at", "next tuesday")
    assert result.returncode == 2
    assert "such as 2026-12-01T09:00" in result.stderr and "Traceback" not in result.stderr


async def test_it_never_creates_a_database(tmp_path: Path):
    result = await run_due_process(tmp_path, "--at", "2026-11-23T09:00")
    assert result.returncode == 2 and "no database at" in result.stderr
    assert not (tmp_path / "jobs.db").exists()


async def test_a_long_run_reports_progress_on_stderr(tmp_path: Path, migrated: Path):
    seeding = await _open(tmp_path)
    await make_cadence(seeding, zones={f"U000{n}": "UTC" for n in range(1, 4)}, now=MONDAY,
                       platform="slack", report_channel_id="C0STANDUP", workspace="T0001")
    await seeding.close()
    out, err = io.StringIO(), io.StringIO()
    async with FakeSlackApi() as slack:
        settings = Settings(_env_file=None, database_url=_url(tmp_path),
                            slack_bot_token="xoxb-jobs", slack_signing_secret=SECRET,
                            slack_api_url=slack.url)
        # Progress every instant: every send counts as a long while.
        report = await jobs.jobs_run_due(settings, "2026-11-23T09:00", out, err,
                                         progress_every=timedelta(0))
    assert out.getvalue() == "cadences: 1 parent, 3 prompts\n" and not report.failures
    assert "... 4 messages sent so far" in err.getvalue()  # the parent and three DMs
