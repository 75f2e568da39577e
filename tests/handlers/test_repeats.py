"""Schedules as admins type them: read, written back the one way they are stored, and their
dates; words the bot cannot read are refused with examples."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.cadences.repeats import Repeat, read_schedule

WEEKDAYS = frozenset(range(5))


@pytest.mark.parametrize(("typed", "stored"), [
    ("", "weekly"),
    ("Weekly", "weekly"),
    ("every week", "weekly"),
    ("every 1 week", "weekly"),
    ("every 2 weeks", "every 2 weeks"),
    ("biweekly", "every 2 weeks"),
    ("Fortnightly", "every 2 weeks"),
    ("every other week starting 2026-11-30", "every 2 weeks from 2026-11-30"),
    ("every 3 weeks from 2026-12-07", "every 3 weeks from 2026-12-07"),
    ("monthly on day 15", "monthly on the 15th"),
    ("Monthly, on the 1st", "monthly on the 1st"),
    ("monthly on the 22nd of the month", "monthly on the 22nd"),
    ("every month on the last day", "monthly on the last day"),
    ("monthly on the first Monday", "monthly on the first monday"),
    ("monthly on the 2nd tue", "monthly on the second tuesday"),
    ("monthly on the last working day", "monthly on the last weekday"),
    ("quarterly on the last friday", "quarterly on the last friday"),
    ("every quarter on the first business day", "quarterly on the first weekday"),
])
def test_what_admins_type_is_stored_one_way_and_reads_back(typed: str, stored: str):
    schedule = read_schedule(typed)
    assert schedule.text == stored
    assert read_schedule(schedule.text) == schedule


@pytest.mark.parametrize(("typed", "problem"), [
    ("monthly", "Say which day of the month; use monthly on the 15th"),
    ("quarterly", "Say which day of the quarter; use quarterly on the 15th"),
    ("monthly on the 32nd", "A month has days 1 to 31, not 32"),
    ("monthly on the fifth monday", "I don't understand 'fifth monday'"),
    ("monthly on the first funday", "'funday' is not a day of the week"),
    ("every 20 weeks", "Every 1 to 12 weeks, not 20"),
    ("every 2 weeks from 2026-02-30", "2026-02-30 does not exist"),
    ("every 2 weeks from next monday", "I don't understand 'next monday' as a date"),
    ("sometimes", "'sometimes' is not a schedule I know; use weekly, every 2 weeks"),
])
def test_words_it_cannot_read_are_refused_with_examples(typed: str, problem: str):
    with pytest.raises(ValueError) as refused:
        read_schedule(typed)
    assert problem in str(refused.value)
    assert "; use " in str(refused.value) or "such as every 2 weeks from 2026-12-07" in str(
        refused.value)  # with examples


def _dates(typed: str, start: date, count: int, weekdays: frozenset[int] = WEEKDAYS
           ) -> list[date]:
    upcoming = read_schedule(typed).anchored(start).upcoming(start, weekdays)
    return [next(upcoming) for _ in range(count)]


def test_every_two_weeks_counts_from_its_first_day_or_the_day_it_is_saved():
    assert _dates("every 2 weeks from 2026-11-30", date(2026, 11, 30), 4,
                  frozenset({0, 3})) == [date(2026, 11, 30), date(2026, 12, 3),
                                         date(2026, 12, 14), date(2026, 12, 17)]
    # Saved on a Wednesday: that week's Thursday, then two weeks on.
    assert _dates("every 2 weeks", date(2026, 12, 2), 3, frozenset({0, 3})) == \
        [date(2026, 12, 3), date(2026, 12, 14), date(2026, 12, 17)]
    assert read_schedule("every 2 weeks").anchored(date(2026, 12, 2)).text == \
        "every 2 weeks from 2026-12-02"


def test_a_day_a_short_month_lacks_is_its_last_day_leap_years_too():
    assert _dates("monthly on the 30th", date(2028, 1, 1), 3) == \
        [date(2028, 1, 30), date(2028, 2, 29), date(2028, 3, 30)]
    assert _dates("monthly on the last day", date(2027, 1, 1), 2) == \
        [date(2027, 1, 31), date(2027, 2, 28)]


def test_quarters_are_calendar_quarters_counted_from_their_start_or_end():
    assert _dates("quarterly on the first monday", date(2026, 12, 2), 2) == \
        [date(2027, 1, 4), date(2027, 4, 5)]
    assert _dates("quarterly on the last weekday", date(2026, 12, 2), 3) == \
        [date(2026, 12, 31), date(2027, 3, 31), date(2027, 6, 30)]
    assert _dates("quarterly on the 15th", date(2026, 12, 2), 1) == [date(2027, 1, 15)]


def test_only_weekly_schedules_use_the_days_of_the_week():
    assert read_schedule("every 2 weeks").uses_days and read_schedule("weekly").uses_days
    monthly = read_schedule("monthly on the first monday")
    assert not monthly.uses_days and monthly.repeat is Repeat.MONTHLY
    # The cadence's days do not narrow a monthly schedule.
    assert monthly.includes(date(2026, 12, 7), frozenset({4}))
    assert not monthly.includes(date(2026, 12, 14), WEEKDAYS)
