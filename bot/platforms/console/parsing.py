"""Reading the arguments of console commands: durations, instants, zones, names, numbers."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.dates import canonical_zone, closest_zone, known_zone

UNITS = {"w": timedelta(weeks=1), "d": timedelta(days=1), "h": timedelta(hours=1),
         "m": timedelta(minutes=1), "s": timedelta(seconds=1)}
DURATION = re.compile(r"(?:\d+[wdhms])+")
DURATION_PART = re.compile(r"(\d+)([wdhms])")
# Any letters (Éva, 李雷), digits, '.', '-', '_': one word, as chat platforms' handles are.
NAME = re.compile(r"[^\W_][\w.-]{0,63}")
CHANNEL_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")


class ConsoleInputError(ValueError):
    """Console input that cannot be used; shown with an example, and nothing changes."""

    def __init__(self, message: str, example: str) -> None:
        super().__init__(message)
        self.message = message
        self.example = example

    def as_text(self) -> str:
        """The message and the example, on one line."""
        return f"{self.message} Example: {self.example}"


def parse_duration(text: str) -> timedelta:
    """`1d`, `2h`, `30m`, `1w`, `45s` and combinations such as `1d2h` or `1d 2h`."""
    compact = "".join(text.split()).lower()
    example = ":advance 1d2h"
    if not DURATION.fullmatch(compact):
        raise ConsoleInputError(f"I can't read {text.strip()!r} as a duration: use whole "
                                "numbers with w, d, h, m or s.", example)
    try:
        total = sum((int(amount) * UNITS[unit]
                     for amount, unit in DURATION_PART.findall(compact)), timedelta())
    except OverflowError:
        raise ConsoleInputError(f"{text.strip()} is too far to move the clock.",
                                example) from None
    if not total:
        raise ConsoleInputError("That moves the clock by nothing.", example)
    return total


def parse_instant(text: str) -> datetime:
    """An ISO 8601 date and time; without an offset it is taken as UTC."""
    try:
        instant = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ConsoleInputError(
            f"I can't read {text.strip()!r} as a date and time: use ISO 8601 (no offset "
            "means UTC).", ":at 2026-12-01T09:00 or :at 2026-12-01T09:00+01:00") from None
    return instant.replace(tzinfo=UTC) if instant.utcoffset() is None else instant


def parse_zone(text: str) -> str:
    """An IANA time zone name, spelled the canonical way (`europe/berlin` is accepted)."""
    name = text.strip()
    canonical = canonical_zone(name)
    if canonical:
        return canonical
    close = closest_zone(name)
    hint = f" Did you mean {close}?" if close else ""
    raise ConsoleInputError(f"I don't know the time zone {name!r}: use an IANA name.{hint}",
                            ":tz Europe/Berlin")


def parse_user(text: str) -> str:
    """A user id for `:as`: one word of letters (any alphabet), digits, dots, dashes or
    underscores."""
    name = text.strip().lower().lstrip("@")
    if not name:
        raise ConsoleInputError("Say who to be: a name.", ":as bob")
    if not NAME.fullmatch(name):
        raise ConsoleInputError(f"{text.strip()!r} is not a user name I can use: one word of "
                                "letters, digits, '.', '-' or '_'.", ":as bob")
    return name


def parse_channel(text: str) -> str:
    """A channel name for `:in`, with or without the `#`."""
    name = text.strip().lower().removeprefix("#")
    if not CHANNEL_NAME.fullmatch(name):
        raise ConsoleInputError(f"{text.strip()!r} is not a channel name I can use: letters, "
                                "digits, '-' and '_'.", ":in #sales")
    return name


def parse_press(text: str) -> tuple[int, str | None]:
    """`N` or `N MSG`: which button, and optionally on which message."""
    words = text.split()
    if not 1 <= len(words) <= 2 or not all(word.isdigit() for word in words) \
            or int(words[0]) < 1:
        raise ConsoleInputError("Say which button to press, counting from 1, and optionally "
                                "the message number.", ":press 1   or   :press 1 3")
    return int(words[0]), words[1] if len(words) == 2 else None


def describe_time(instant: datetime, zone: str, user: str) -> str:
    """`Mon 2026-11-23 09:00 UTC; for ana (Europe/Berlin) it is Mon 2026-11-23 10:00 CET`."""
    text = f"{instant.astimezone(UTC):%a %Y-%m-%d %H:%M} UTC"
    if not known_zone(zone):
        return f"{text} ({user}'s time zone {zone!r} is unknown)"
    local = instant.astimezone(ZoneInfo(zone))
    if local.utcoffset() == timedelta() and zone.upper() in {"UTC", "ETC/UTC"}:
        return f"{text}; {user}'s time zone is {zone}"
    return f"{text}; for {user} ({zone}) it is {local:%a %Y-%m-%d %H:%M %Z}"
