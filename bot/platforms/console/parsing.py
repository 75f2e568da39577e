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
# Any letters (Éva, 李雷), digits, '.', '-', '_' and apostrophes (o'brien), beginning with a
# letter or digit: one word, as chat platforms' handles are, so `@name` ends at a space.
NAME = re.compile(r"[^\W_][\w.'-]{0,63}")
# Typographic apostrophes are read as the straight one (O\u2019Brien is o'brien).
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
QUOTES = ('"', "'", "\u201c\u201d", "\u2018\u2019")
NAME_RULE = "one word of letters, digits, '.', '-', '_' or apostrophes"
CHANNEL_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")


class ConsoleInputError(ValueError):
    """Console input that cannot be used; shown with an example, and nothing changes."""

    def __init__(self, message: str, example: str) -> None:
        super().__init__(message)
        self.message = message
        self.example = example

    def as_text(self) -> str:
        """The message and the example (if any), on one line."""
        return f"{self.message} Example: {self.example}" if self.example else self.message


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


def user_name(text: str) -> str:
    """A typed name as the console's user id: lower case, without `@`, apostrophes straight
    ("" when it is not one by the NAME rule)."""
    name = text.strip().removeprefix("@").lower().translate(APOSTROPHES)
    return name if NAME.fullmatch(name) else ""


def _unquoted(text: str) -> str:
    """`text` without one pair of quotes around all of it (`:as "o'brien"`, `--as ""`)."""
    text = text.strip()
    for pair in QUOTES:
        opening, closing = pair[0], pair[-1]
        if len(text) >= 2 and text[0] == opening and text[-1] == closing:
            return text[1:-1].strip()
    return text


def parse_user(text: str, example: str = ":as bob") -> str:
    """A user id for `:as` and `--as`: one name by the NAME rule, never an empty one."""
    typed = _unquoted(text)
    if not typed.removeprefix("@").strip():
        raise ConsoleInputError("Say who to be: a name.", example)
    name = user_name(typed)
    if not name:
        raise ConsoleInputError(f"{typed!r} is not a user name I can use: {NAME_RULE}.",
                                example)
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


def describe_time(instant: datetime, zone: str, user: str, why: str = "") -> str:
    """`Mon 2026-11-23 09:00 UTC; for ana (Europe/Berlin) it is Mon 2026-11-23 10:00 CET`,
    with where the zone comes from beside it when `why` says."""
    text = f"{instant.astimezone(UTC):%a %Y-%m-%d %H:%M} UTC"
    if not known_zone(zone):
        return f"{text} ({user}'s time zone {zone!r} is unknown)"
    local = instant.astimezone(ZoneInfo(zone))
    if local.utcoffset() == timedelta() and zone.upper() in {"UTC", "ETC/UTC"}:
        return f"{text}; {user}'s time zone is {zone}" + (f" ({why})" if why else "")
    named = f"{zone}, {why}" if why else zone
    return f"{text}; for {user} ({named}) it is {local:%a %Y-%m-%d %H:%M %Z}"
