"""Time zones and dates as people read them: one check of a zone name, one date label."""

from __future__ import annotations

import re
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def known_zone(name: str | None) -> bool:
    """Whether `name` is an IANA time zone this machine knows (a profile may hold a typo)."""
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def day_label(day: date) -> str:
    """"Mon 23 Nov 2026"."""
    return f"{day:%a %d %b %Y}"


ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(text: str) -> date:
    """A date written YYYY-MM-DD; ValueError saying what is wrong with anything else."""
    found = ISO_DATE.match(text.strip())
    if found is None:
        raise ValueError(f"I don't understand '{text}' as a date; write it as YYYY-MM-DD, "
                         "such as 2026-12-24")
    year, month, day = (int(part) for part in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{text} does not exist (the month has fewer days, or there is "
                         "no such month)") from None
