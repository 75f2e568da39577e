"""Time zones and dates as people read them: one check of a zone name, one date label."""

from __future__ import annotations

import re
from datetime import date
from difflib import get_close_matches
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.core.commands import excerpt


def known_zone(name: str | None) -> bool:
    """Whether `name` is an IANA time zone this machine knows (a profile may hold a typo)."""
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


@cache
def _zones_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def canonical_zone(name: str) -> str | None:
    """`name` as the tz database spells it (`europe/berlin` -> `Europe/Berlin`), or None."""
    name = name.strip()
    found = _zones_by_lower_name().get(name.lower())
    if found:
        return found
    return name if known_zone(name) else None


def closest_zone(name: str) -> str | None:
    """The known zone a mistyped `name` most likely meant, if one is close."""
    close = get_close_matches(name.strip().lower(), _zones_by_lower_name(), n=1, cutoff=0.75)
    return _zones_by_lower_name()[close[0]] if close else None


def day_label(day: date) -> str:
    """"Mon 23 Nov 2026"."""
    return f"{day:%a %d %b %Y}"


ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(text: str) -> date:
    """A date written YYYY-MM-DD; ValueError saying what is wrong with anything else."""
    found = ISO_DATE.match(text.strip())
    if found is None:
        raise ValueError(f"I don't understand '{excerpt(text)}' as a date; write it as YYYY-MM-DD, "
                         "such as 2026-12-24")
    year, month, day = (int(part) for part in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{text} does not exist (the month has fewer days, or there is "
                         "no such month)") from None
