"""A weekly slot: a weekday and a local time in a zone, counted from the moment it was set
(the herd digest's, each observer's digest)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.errors import UserError

WEEK = timedelta(days=7)
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class WeeklySlot:
    """When a weekly digest goes out: a weekday and a local time in a zone, counted
    from the moment it was set (no slot before that is owed)."""

    weekday: int
    at: time
    zone: str
    since: datetime

    def last_slot(self, now: datetime) -> datetime | None:
        """The latest slot at or before `now` (None before the first one)."""
        local = now.astimezone(ZoneInfo(self.zone))
        day = local.date() - timedelta(days=(local.weekday() - self.weekday) % 7)
        slot = datetime.combine(day, self.at, ZoneInfo(self.zone))
        if slot > now:
            slot = datetime.combine(day - WEEK, self.at, ZoneInfo(self.zone))
        # A slot at the very instant it was set is not owed: the first is the next one.
        return slot if slot > self.since else None

    def next_slot(self, now: datetime) -> datetime:
        last = self.last_slot(now)
        if last is not None:
            return datetime.combine(last.date() + WEEK, self.at, ZoneInfo(self.zone))
        local = max(now, self.since).astimezone(ZoneInfo(self.zone))
        day = local.date() + timedelta(days=(self.weekday - local.weekday()) % 7)
        slot = datetime.combine(day, self.at, ZoneInfo(self.zone))
        return slot if slot > now else datetime.combine(day + WEEK, self.at,
                                                        ZoneInfo(self.zone))

    def text(self) -> str:
        return f"{DAYS[self.weekday].capitalize()}s at {self.at:%H:%M} ({self.zone})"

    def stored(self) -> dict[str, object]:
        return {"weekday": self.weekday, "at": f"{self.at:%H:%M}", "zone": self.zone,
                "since": self.since.isoformat()}

    @classmethod
    def read(cls, value: object) -> WeeklySlot | None:
        if not isinstance(value, dict) or not value.get("at"):
            return None
        return cls(int(value["weekday"]), parse_clock(str(value["at"])), str(value["zone"]),
                   datetime.fromisoformat(str(value["since"])))


def parse_clock(text: str) -> time:
    """"09:00" (24-hour); ValueError saying what is wrong."""
    try:
        return datetime.strptime(text.strip(), "%H:%M").time()
    except ValueError:
        raise ValueError(f"'{text[:10]}' is not a time of day such as 09:00") from None


def read_weekly_slot(words: list[str], example: str) -> tuple[int, time]:
    """`<day> <HH:MM>` as (weekday, time); a UserError with `example` saying what is wrong."""
    if len(words) != 2:
        raise UserError("Say the day and the time: <day> <HH:MM>.", example=example)
    if words[0].lower()[:3] not in [day[:3] for day in DAYS]:
        raise UserError(f"'{words[0][:20]}' is not a day of the week; say monday to sunday.",
                        example=example)
    weekday = next(at for at, day in enumerate(DAYS) if day.startswith(words[0].lower()[:3]))
    try:
        at = parse_clock(words[1])
    except ValueError as problem:
        raise UserError(f"{str(problem)[0].upper()}{str(problem)[1:]}.",
                        example=example) from None
    return weekday, at
