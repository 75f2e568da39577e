"""A year of daily 09:00 standups in four time zones: every prompt at 09:00 local, once.

The year runs as two halves, each from a cadence made the day before it begins, so that
two test workers share it. Together they cover all six clock changes with every day of the
seven days around each (three either side), and the first day of each quarter (the days
between add nothing a wakeup does not already see, and cost the suite a minute).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import Application
from bot.core.clock import SimulatedClock
from schedules.run_due import run_due
from tests.fakes.recording_outbox import RecordingOutbox
from tests.schedules.conftest import make_cadence

# The US, the EU and Australia change their clocks on different days; Kolkata never does,
# and is half an hour off the hour.
ZONES = {"nia": "America/New_York", "ben": "Europe/Berlin", "sam": "Australia/Sydney",
         "kiran": "Asia/Kolkata"}
YEAR = 2026
# 2026's clock changes: the US, the EU and Australia (where April is the end of summer time).
DST_CHANGES = (date(2026, 3, 8), date(2026, 11, 1), date(2026, 3, 29), date(2026, 10, 25),
               date(2026, 4, 5), date(2026, 10, 4))


def _near_a_change(day: date, within: int = 1) -> bool:
    return any(abs((day - change).days) <= within for change in DST_CHANGES)


def _simulated(day: date) -> bool:
    """Every day from three before a change to three after, and each quarter's first."""
    return _near_a_change(day, within=3) or (day.day == 1 and day.month % 3 == 1)


HALVES = {"january-june": (date(YEAR, 1, 1), date(YEAR, 7, 1)),
          "july-december": (date(YEAR, 7, 1), date(YEAR + 1, 1, 1))}
# New York's prompts (UTC hour) from two days before its change to two days after.
NEW_YORK_CHANGE = {"january-june": (date(YEAR, 3, 8), [14, 14, 13, 13, 13]),
                   "july-december": (date(YEAR, 11, 1), [13, 13, 14, 14, 14])}


@pytest.mark.heavy
@pytest.mark.parametrize("half", list(HALVES))
async def test_every_prompt_lands_at_nine_local_across_a_year_of_dst(
        application: Application, clock: SimulatedClock, outbox: RecordingOutbox, half: str):
    first, end = HALVES[half]
    clock.set(datetime.combine(first - timedelta(days=1), time(0), UTC))
    await make_cadence(application, zones=ZONES, now=clock.now(),
                       days="mon,tue,wed,thu,fri,sat,sun", skip_weekends=False,
                       close_time="12:00")
    days = [day for n in range((end - first).days)
            if _simulated(day := first + timedelta(days=n))]
    # Wake up at every person's 09:00, in time order; around each clock change also a
    # minute before, and an hour either side, where a naive schedule would fire.
    shifts = (timedelta(0),)
    near_change = (timedelta(hours=-1), timedelta(minutes=-1), timedelta(0), timedelta(hours=1))
    instants = sorted({datetime.combine(day, time(9), ZoneInfo(zone)).astimezone(UTC) + shift
                       for day in days for zone in ZONES.values()
                       for shift in (near_change if _near_a_change(day) else shifts)})
    for instant in instants:
        clock.set(instant)
        await run_due(application.services, instant)

    prompts = [sent for sent in outbox.posts if sent.to.id in ZONES]
    per_person_day = Counter((sent.to.id, sent.at.astimezone(ZoneInfo(ZONES[sent.to.id])).date())
                             for sent in prompts)
    assert len(prompts) == len(ZONES) * len(days), "a prompt is missing or doubled"
    assert set(per_person_day) == {(person, day) for person in ZONES for day in days}
    assert set(per_person_day.values()) == {1}
    wrong = [(sent.to.id, sent.at) for sent in prompts
             if sent.at.astimezone(ZoneInfo(ZONES[sent.to.id])).time() != time(9)]
    assert wrong == []
    # The clock changes really are in the half: New York's 09:00 moved from 14:00 to
    # 13:00 UTC in March, and back in November.
    around, hours = NEW_YORK_CHANGE[half]
    new_york = [sent.at.hour for sent in prompts if sent.to.id == "nia"
                and around - timedelta(days=2) <= sent.at.date() <= around + timedelta(days=2)]
    assert new_york == hours
