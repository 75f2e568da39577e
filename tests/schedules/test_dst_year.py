"""A year of daily 09:00 standups in five time zones: every prompt at 09:00 local, once."""

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

ZONES = {"nia": "America/New_York", "ben": "Europe/Berlin", "taro": "Asia/Tokyo",
         "sam": "Australia/Sydney", "kiran": "Asia/Kolkata"}
YEAR = 2026
# 2026's clock changes: the US, the EU and Australia (where April is the end of summer time).
DST_CHANGES = (date(2026, 3, 8), date(2026, 11, 1), date(2026, 3, 29), date(2026, 10, 25),
               date(2026, 4, 5), date(2026, 10, 4))


def _near_a_change(day: date) -> bool:
    return any(abs((day - change).days) <= 2 for change in DST_CHANGES)


@pytest.mark.heavy
async def test_every_prompt_lands_at_nine_local_across_a_year_of_dst(
        application: Application, clock: SimulatedClock, outbox: RecordingOutbox):
    clock.set(datetime(YEAR - 1, 12, 31, 0, 0, tzinfo=UTC))
    await make_cadence(application, zones=ZONES, now=clock.now(),
                       days="mon,tue,wed,thu,fri,sat,sun", skip_weekends=False,
                       close_time="12:00")
    days = [date(YEAR, 1, 1) + timedelta(days=n) for n in range(365)]
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
    assert len(prompts) == len(ZONES) * 365, "a prompt is missing or doubled"
    assert set(per_person_day.values()) == {1}
    wrong = [(sent.to.id, sent.at) for sent in prompts
             if sent.at.astimezone(ZoneInfo(ZONES[sent.to.id])).time() != time(9)]
    assert wrong == []
    # The clock changes really are in the year: New York's 09:00 moved from 14:00 to 13:00 UTC.
    new_york = [sent.at.hour for sent in prompts if sent.to.id == "nia"
                and date(2026, 3, 6) <= sent.at.date() <= date(2026, 3, 10)]
    assert new_york == [14, 14, 13, 13, 13]
