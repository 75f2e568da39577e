"""A year of each schedule beyond weekly, run the way production runs it: wake up when the
planner says, run-due there, plan again. Every prompt lands on the schedule's dates (listed
here by hand, not by the code under test), at 09:00 local in New York and in Berlin across
both clock changes, once; weekends and holidays are skipped."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import Application, build_application
from bot.core.clock import SimulatedClock
from bot.core.conversation import Platform
from bot.settings import Settings
from schedules.run_due import run_due
from schedules.wakeup import next_wakeup
from storage.engine import Database
from tests.fakes.recording_outbox import RecordingOutbox
from tests.schedules.conftest import make_cadence

ZONES = {"nia": "America/New_York", "ben": "Europe/Berlin"}
# After New York's window of 31 December 2025 closed (a last weekday, a 31st).
NEW_YEARS_EVE = datetime(2025, 12, 31, 18, 0, tzinfo=UTC)
YEAR_END = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)


def _every_other_week(first_monday: date, weekdays: tuple[int, ...]) -> list[date]:
    days = (first_monday + timedelta(days=n) for n in range(366))
    return [day for day in days if day.year == 2026 and day.weekday() in weekdays
            and (day - first_monday).days // 7 % 2 == 0]


SCHEDULES = {
    "monthly on the last weekday": ({}, [
        date(2026, 1, 30), date(2026, 2, 27), date(2026, 3, 31), date(2026, 4, 30),
        date(2026, 5, 29), date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31),
        date(2026, 9, 30), date(2026, 10, 30), date(2026, 11, 30), date(2026, 12, 31)]),
    # Weekends included: the 31st is each month's last day when it has fewer.
    "monthly on the 31st": ({"skip_weekends": False}, [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30),
        date(2026, 5, 31), date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31),
        date(2026, 9, 30), date(2026, 10, 31), date(2026, 11, 30), date(2026, 12, 31)]),
    # New Year's Day is a US holiday: January is skipped, not moved.
    "monthly on the first weekday": ({"holiday_country": "US"}, [
        date(2026, 2, 2), date(2026, 3, 2), date(2026, 4, 1), date(2026, 5, 1),
        date(2026, 6, 1), date(2026, 7, 1), date(2026, 8, 3), date(2026, 9, 1),
        date(2026, 10, 1), date(2026, 11, 2), date(2026, 12, 1)]),
    "quarterly on the first monday": ({}, [
        date(2026, 1, 5), date(2026, 4, 6), date(2026, 7, 6), date(2026, 10, 5)]),
    "every 2 weeks from 2026-01-05": ({"days": "mon,thu"},
                                      _every_other_week(date(2026, 1, 5), (0, 3))),
}


@pytest.fixture
async def app(settings: Settings, database: Database, clock: SimulatedClock
              ) -> AsyncIterator[Application]:
    application = build_application(settings, clock=clock, database=database)
    yield application


# Every schedule on SQLite; the planner reads no backend, so one year on PostgreSQL proves
# its storage there (each year costs the suite seconds).
CASES = [("sqlite", schedule) for schedule in SCHEDULES] + \
    [("postgresql", "monthly on the last weekday")]


@pytest.mark.parametrize(("database", "schedule"), CASES, indirect=["database"])
async def test_a_year_of_a_schedule_following_the_planner(
        app: Application, clock: SimulatedClock, schedule: str):
    fields, dates = SCHEDULES[schedule]
    outbox = RecordingOutbox(clock)
    app.add_platform(Platform.CONSOLE, outbox)
    clock.set(NEW_YEARS_EVE)
    await make_cadence(app, zones=ZONES, now=NEW_YEARS_EVE, schedule=schedule,
                       close_time="12:00", **fields)

    now, wakeups = NEW_YEARS_EVE, 0
    while (wakeup := await next_wakeup(app.services, now)) is not None and wakeup < YEAR_END:
        clock.set(wakeup)
        await run_due(app.services, wakeup)
        now, wakeups = wakeup, wakeups + 1

    prompts = sorted((sent.to.id, sent.at.astimezone(ZoneInfo(ZONES[sent.to.id])))
                     for sent in outbox.posts if sent.to.id in ZONES)
    assert [(person, at.date()) for person, at in prompts] == \
        sorted((person, day) for person in ZONES for day in dates)
    assert {at.time() for _, at in prompts} == {time(9)}
    # The planner wakes for a prompt and a close per person and date, not every day.
    assert wakeups <= 2 * len(ZONES) * len(dates)
