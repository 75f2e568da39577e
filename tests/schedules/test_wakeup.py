"""next_wakeup: the instant run-due next has work, across zones, DST, reminders and closes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import Application, build_application
from bot.core.clock import SimulatedClock
from bot.core.conversation import Platform
from bot.settings import Settings
from handlers.common.due import DueReport
from schedules.run_due import run_due
from schedules.wakeup import next_wakeup, run_due_between
from storage.cadences import repository as cadences
from storage.engine import Database
from tests.fakes.recording_outbox import RecordingOutbox
from tests.schedules.conftest import make_cadence

SUNDAY_NOON = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
MONDAY_0900_BERLIN = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.fixture
async def app(settings: Settings, database: Database, clock: SimulatedClock
              ) -> AsyncIterator[Application]:
    """The application on SQLite and on PostgreSQL, with a recording console outbox."""
    application = build_application(settings, clock=clock, database=database)
    application.add_platform(Platform.CONSOLE, RecordingOutbox(clock))
    yield application


def _cadence_counts(report: DueReport) -> tuple[int, int, int]:
    """The cadences' prompts, reminders and close updates a run sent."""
    return (report.count("cadences", "prompt"), report.count("cadences", "reminder"),
            report.count("cadences", "close"))


def _anything(report: DueReport) -> bool:
    return any(_cadence_counts(report))


async def test_nothing_to_do_without_cadences(app: Application):
    assert await next_wakeup(app.services, SUNDAY_NOON) is None


async def test_next_prompt_is_the_cadence_time_in_each_zone(app: Application):
    await make_cadence(app, zones={"ana": "Europe/Berlin", "kai": "Asia/Tokyo"},
                       now=SUNDAY_NOON)
    # Monday 09:00 in Tokyo is 00:00 UTC, hours before Berlin's 08:00 UTC.
    assert await next_wakeup(app.services, SUNDAY_NOON) == datetime(2026, 11, 23, 0, 0,
                                                                    tzinfo=UTC)
    assert await next_wakeup(app.services, datetime(2026, 11, 23, 0, 0, tzinfo=UTC)) \
        == MONDAY_0900_BERLIN


async def test_reminder_then_close_follow_the_prompt(app: Application):
    await make_cadence(app, zones={"ana": "Europe/Berlin"}, now=SUNDAY_NOON,
                       reminder_minutes=90)
    assert await next_wakeup(app.services, SUNDAY_NOON) == MONDAY_0900_BERLIN
    await run_due(app.services, MONDAY_0900_BERLIN)
    reminder = MONDAY_0900_BERLIN + timedelta(minutes=90)
    assert await next_wakeup(app.services, MONDAY_0900_BERLIN) == reminder
    # After the reminder, the occurrence's close at 17:00 Berlin comes before Tuesday.
    close = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
    assert await next_wakeup(app.services, reminder) == close


async def test_weekends_and_holidays_are_skipped(app: Application):
    await make_cadence(app, zones={"ana": "Europe/Berlin"}, now=SUNDAY_NOON,
                       holiday_country="DE")
    christmas_eve_evening = datetime(2026, 12, 24, 20, 0, tzinfo=UTC)  # Thursday
    # Friday 25 and Saturday-Sunday are out; Monday 28 is next.
    assert await next_wakeup(app.services, christmas_eve_evening) == \
        datetime(2026, 12, 28, 8, 0, tzinfo=UTC)


async def test_paused_cadences_are_ignored(app: Application):
    cadence = await make_cadence(app, zones={"ana": "Europe/Berlin"}, now=SUNDAY_NOON)
    async with app.database.session() as session:
        stored = await cadences.get(session, cadence.id or 0)
        assert stored is not None
        stored.paused = True
        session.add(stored)
    assert await next_wakeup(app.services, SUNDAY_NOON) is None


async def test_an_open_occurrence_of_a_paused_cadence_still_closes(app: Application):
    cadence = await make_cadence(app, zones={"ana": "Europe/Berlin"}, now=SUNDAY_NOON)
    await run_due(app.services, MONDAY_0900_BERLIN)
    async with app.database.session() as session:
        stored = await cadences.get(session, cadence.id or 0)
        assert stored is not None
        stored.paused = True
        session.add(stored)
    assert await next_wakeup(app.services, MONDAY_0900_BERLIN) == \
        datetime(2026, 11, 23, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(("zone", "friday_evening", "monday_0900"), [
    # New York springs forward on Sunday 8 March 2026: 09:00 EDT is 13:00 UTC, not 14:00.
    ("America/New_York", datetime(2026, 3, 6, 22, 0, tzinfo=UTC),
     datetime(2026, 3, 9, 13, 0, tzinfo=UTC)),
    # Berlin falls back on Sunday 25 October 2026: 09:00 CET is 08:00 UTC, not 07:00.
    ("Europe/Berlin", datetime(2026, 10, 23, 20, 0, tzinfo=UTC),
     datetime(2026, 10, 26, 8, 0, tzinfo=UTC)),
])
async def test_dst_changes_over_the_weekend(app: Application, zone: str,
                                            friday_evening: datetime, monday_0900: datetime):
    await make_cadence(app, zones={"ana": zone}, now=friday_evening)
    assert await next_wakeup(app.services, friday_evening) == monday_0900


async def test_a_local_time_lost_to_spring_forward_moves_forward(app: Application):
    saturday = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
    await make_cadence(app, zones={"ana": "America/New_York"}, now=saturday,
                       days="mon,tue,wed,thu,fri,sat,sun", skip_weekends=False,
                       local_time="02:30", close_time="17:00")
    # 02:30 does not exist on 8 March in New York; 03:30 EDT (07:30 UTC) is when it fires.
    assert await next_wakeup(app.services, saturday) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


async def test_run_due_has_work_at_every_wakeup_and_none_just_before(app: Application):
    """Two weeks over the US spring-forward, two zones, reminders: the plan is exact."""
    start = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
    await make_cadence(app, zones={"ana": "America/New_York", "ben": "Europe/Berlin"},
                       now=start, reminder_minutes=60)
    instant, wakeups = start, 0
    while (wakeup := await next_wakeup(app.services, instant)) is not None \
            and wakeup < start + timedelta(days=14):
        assert not _anything(await run_due(app.services, wakeup - timedelta(seconds=1))), wakeup
        assert _anything(await run_due(app.services, wakeup)), wakeup
        instant, wakeups = wakeup, wakeups + 1
    # 10 weekdays x (2 prompts + 2 reminders) + 10 closes.
    assert wakeups == 50


async def test_run_due_between_lives_through_a_day(app: Application):
    await make_cadence(app, zones={"ana": "Europe/Berlin", "bob": "Europe/Berlin"},
                       now=SUNDAY_NOON, reminder_minutes=60)
    tuesday_morning = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    report = await run_due_between(app.services, SUNDAY_NOON, tuesday_morning)
    assert _cadence_counts(report) == (2, 2, 1)
    assert not _anything(await run_due(app.services, tuesday_morning))


async def test_people_without_a_zone_follow_the_cadence_zone(app: Application):
    await make_cadence(app, zones={"ana": None}, now=SUNDAY_NOON,  # type: ignore[dict-item]
                       timezone="Asia/Tokyo")
    assert await next_wakeup(app.services, SUNDAY_NOON) == datetime(2026, 11, 23, 0, 0,
                                                                    tzinfo=UTC)
