"""When a cadence is due for one person: local days and times, DST, weekends, holidays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKEND = frozenset({5, 6})


@dataclass(frozen=True)
class Rules:
    """The calendar part of a cadence."""

    weekdays: frozenset[int]  # Monday = 0, as date.weekday()
    local_time: time
    close_time: time
    skip_weekends: bool = True
    holiday_country: str | None = None


def parse_days(text: str) -> frozenset[int]:
    """"mon,wed,fri" or "mon-fri" -> {0, 2, 4} / {0..4}; raises ValueError naming the bad part."""
    days: set[int] = set()
    for part in (piece.strip().lower()[:3] if "-" not in piece else piece.strip().lower()
                 for piece in text.replace(" ", ",").split(",") if piece.strip()):
        if "-" in part:
            first, _, last = part.partition("-")
            start, end = _day(first), _day(last)
            days.update(range(start, end + 1) if start <= end else
                        [*range(start, 7), *range(0, end + 1)])
        else:
            days.add(_day(part))
    if not days:
        raise ValueError("no days given")
    return frozenset(days)


def _day(name: str) -> int:
    key = name.strip()[:3]
    if key not in DAY_NAMES:
        raise ValueError(f"'{name}' is not a day; use mon, tue, wed, thu, fri, sat, sun")
    return DAY_NAMES.index(key)


def format_days(days: frozenset[int]) -> str:
    return ",".join(DAY_NAMES[day] for day in sorted(days))


def parse_clock(text: str) -> time:
    """"09:00" / "9:30" -> time; raises ValueError for "25:00" and friends."""
    hours, sep, minutes = text.strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        raise ValueError(f"'{text}' is not a time of day; use HH:MM such as 09:00")
    value = (int(hours), int(minutes))
    if not (0 <= value[0] <= 23 and 0 <= value[1] <= 59):
        raise ValueError(f"'{text}' is not a time of day; hours go 0-23 and minutes 0-59")
    return time(*value)


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, years=year)


def holiday_name(country: str | None, day: date) -> str | None:
    if not country:
        return None
    return _holidays(country, day.year).get(day)


def known_country(code: str) -> bool:
    return code.upper() in holidays.list_supported_countries()


def is_cadence_day(rules: Rules, day: date) -> bool:
    """Scheduled that weekday, and neither a skipped weekend nor a public holiday."""
    if day.weekday() not in rules.weekdays:
        return False
    if rules.skip_weekends and day.weekday() in WEEKEND:
        return False
    return holiday_name(rules.holiday_country, day) is None


def local_instant(day: date, at: time, zone: str) -> datetime:
    """`at` o'clock on `day` in `zone`, as UTC; a wall time lost to DST moves forward."""
    tz = ZoneInfo(zone)
    local = datetime.combine(day, at, tzinfo=tz)
    # A time in the spring-forward gap does not exist: round-trip it to the real instant.
    return local.astimezone(UTC).astimezone(tz).astimezone(UTC)


def local_date(instant: datetime, zone: str) -> date:
    return instant.astimezone(ZoneInfo(zone)).date()


def candidate_days(now: datetime, zones: set[str], lookback: timedelta) -> list[date]:
    """Every local date, in any of `zones`, between now - lookback and now."""
    days: set[date] = set()
    for zone in zones or {"UTC"}:
        first, last = local_date(now - lookback, zone), local_date(now, zone)
        span = (last - first).days
        days.update(first + timedelta(days=offset) for offset in range(span + 1))
    return sorted(days)
