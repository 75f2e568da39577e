"""Reading what an admin types when setting up a cadence: days, times, countries, zones."""

from __future__ import annotations

from datetime import time

import holidays

from bot.core.commands import excerpt
from handlers.cadences.kinds import KINDS
from handlers.common.questions import Question, read_question
from storage.cadences.models import Cadence, Occurrence

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKEND = frozenset({5, 6})  # Saturday and Sunday, as date.weekday() numbers them
SHORTHAND_DAYS = {"weekdays": range(0, 5), "weekend": WEEKEND, "daily": range(7),
                  "everyday": range(7)}

def _day(name: str) -> int:
    key = name.strip().lower()[:3]
    if key not in DAY_NAMES:
        raise ValueError(f"'{excerpt(name)}' is not a day; use mon, tue, wed, thu, fri, sat, sun")
    return DAY_NAMES.index(key)


def parse_days(text: str) -> frozenset[int]:
    """"mon,wed,fri" -> {0, 2, 4}; "mon-fri" -> {0..4}; Monday is 0, as date.weekday()."""
    days: set[int] = set()
    for part in (piece.strip() for piece in text.replace(" ", ",").split(",")):
        if not part:
            continue
        if part.lower() in SHORTHAND_DAYS:
            days.update(SHORTHAND_DAYS[part.lower()])
            continue
        first, dash, last = part.partition("-")
        if not dash:
            days.add(_day(part))
            continue
        start, end = _day(first), _day(last)
        span = range(start, end + 1) if start <= end else [*range(start, 7), *range(0, end + 1)]
        days.update(span)
    if not days:
        raise ValueError("name at least one day, such as mon-fri")
    return frozenset(days)


def format_days(days: frozenset[int]) -> str:
    return ",".join(DAY_NAMES[day] for day in sorted(days))


def parse_clock(text: str) -> time:
    """"09:00" / "9:30" -> time; ValueError for "25:00", "9am" and friends."""
    hours, sep, minutes = text.strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        raise ValueError(f"'{excerpt(text)}' is not a time of day; use HH:MM such as 09:00")
    if not (0 <= int(hours) <= 23 and 0 <= int(minutes) <= 59):
        raise ValueError(f"'{text}' is not a time of day; hours go 0-23 and minutes 0-59")
    return time(int(hours), int(minutes))


def parse_country(text: str) -> str | None:
    """A country code the holidays library knows ("DE", "us"), or None for no holidays."""
    code = text.strip().upper()
    if not code:
        return None
    if code not in holidays.list_supported_countries():
        raise ValueError(f"'{excerpt(text)}' is not a country code I know holidays for; "
                         "use two letters such as US, DE or IN")
    return code


def questions_of(cadence: Cadence) -> list[str]:
    return [str(item) for item in cadence.questions] or list(
        KINDS[cadence.kind].default_questions)


def asked_on(occurrence: Occurrence, cadence: Cadence) -> list[str]:
    """The questions of that day, as they were asked (a later edit changes the next day)."""
    return [str(item) for item in occurrence.questions] or questions_of(cadence)


def asked_questions(occurrence: Occurrence, cadence: Cadence) -> list[Question]:
    """The typed questions of that day, as they were asked."""
    return [read_question(line) for line in asked_on(occurrence, cadence)]

