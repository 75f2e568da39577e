"""When a cadence is due for one person: local days and times, DST, weekends, holidays."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from handlers.cadences.parsing import WEEKEND, parse_clock, parse_days
from handlers.cadences.repeats import WEEKLY, Schedule, read_schedule
from storage.cadences.models import Cadence


@dataclass(frozen=True)
class Rules:
    """The calendar part of a cadence."""

    weekdays: frozenset[int]  # Monday = 0, as date.weekday()
    local_time: time
    close_time: time
    skip_weekends: bool = True
    holiday_country: str | None = None
    schedule: Schedule = WEEKLY

    @classmethod
    def of(cls, cadence: Cadence) -> Rules:
        return cls(parse_days(cadence.days), parse_clock(cadence.local_time),
                   parse_clock(cadence.close_time), cadence.skip_weekends,
                   cadence.holiday_country, read_schedule(cadence.schedule))


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, years=year)


def holiday_name(country: str | None, day: date) -> str | None:
    if not country:
        return None
    return _holidays(country, day.year).get(day)


def is_cadence_day(rules: Rules, day: date) -> bool:
    """One of the schedule's dates, and neither a skipped weekend nor a public holiday."""
    if not rules.schedule.includes(day, rules.weekdays):
        return False
    if rules.skip_weekends and day.weekday() in WEEKEND:
        return False
    return holiday_name(rules.holiday_country, day) is None


def cadence_days(rules: Rules, start: date) -> Iterator[date]:
    """The days the cadence runs from `start` on, in order (a bounded look ahead)."""
    return (day for day in rules.schedule.upcoming(start, rules.weekdays)
            if is_cadence_day(rules, day))


def next_day(rules: Rules, now: datetime, zone: str) -> date | None:
    """The first cadence day, in `zone`, whose window has not closed at `now`."""
    return next((day for day in cadence_days(rules, local_date(now, zone))
                 if local_instant(day, rules.close_time, zone) > now), None)


def local_instant(day: date, at: time, zone: str) -> datetime:
    """`at` o'clock on `day` in `zone`, as UTC; a wall time lost to DST moves forward."""
    tz = ZoneInfo(zone)
    # A time in the spring-forward gap does not exist: the round trip finds the real instant.
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def local_date(instant: datetime, zone: str) -> date:
    return instant.astimezone(ZoneInfo(zone)).date()


def candidate_days(now: datetime, zones: set[str], lookback: timedelta) -> list[date]:
    """Every local date, in any of `zones`, from now - lookback to now."""
    days: set[date] = set()
    for zone in zones or {"UTC"}:
        first, last = local_date(now - lookback, zone), local_date(now, zone)
        days.update(first + timedelta(days=offset) for offset in range((last - first).days + 1))
    return sorted(days)
