"""Time zones and dates as people read them: one check of a zone name, one date label."""

from __future__ import annotations

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
