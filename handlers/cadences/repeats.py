"""How often a cadence repeats: weekly, every N weeks, monthly or quarterly.

Admins type it as words ("every 2 weeks", "monthly on the last weekday"); `read_schedule`
turns that into a `Schedule`, and dateutil's rrule (the iCalendar recurrence rules) finds
its dates. Weekly and every-N-weeks schedules run on the cadence's days; monthly and
quarterly ones name their own day.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache

from dateutil import rrule

from bot.core.commands import excerpt
from bot.core.dates import ISO_DATE, parse_date


class Repeat(StrEnum):
    WEEKLY = "weekly"
    WEEKS = "weeks"  # every N weeks, counted from a first day
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RRULE_WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)
ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
ORDINALS = {**{word: number for number, word in ORDINAL_WORDS.items()},
            "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
# "weekday" in a monthly schedule is a working day, Monday to Friday.
WORKDAY_WORDS = ("weekday", "working day", "workday", "business day")
MAX_WEEKS = 12
# Quarters are calendar quarters: "first"/"day N" count from their first month, "last"
# from their last.
QUARTER_FIRST_MONTHS = (1, 4, 7, 10)
QUARTER_LAST_MONTHS = (3, 6, 9, 12)
# How far `upcoming` looks: every schedule here has a date within a quarter, so this
# ends only a schedule that weekends or holidays empty.
LOOKAHEAD_MONTHS = 24

EXAMPLES = ("weekly", "every 2 weeks", "monthly on the 15th", "monthly on the first monday",
            "monthly on the last weekday", "quarterly on the last friday")
EXAMPLE_TEXT = ", ".join(EXAMPLES[:-1]) + " or " + EXAMPLES[-1]


@dataclass(frozen=True)
class MonthDay:
    """Which day of a month or quarter: a day number (-1: the last day), or the nth
    weekday of a kind (`weekday` None: the nth working day)."""

    day: int | None = None
    ordinal: int | None = None
    weekday: int | None = None

    @property
    def counts_from_end(self) -> bool:
        return (self.day or self.ordinal or 0) < 0

    def text(self) -> str:
        if self.day is not None:
            return "the last day" if self.day < 0 else f"the {_nth(self.day)}"
        what = "weekday" if self.weekday is None else WEEKDAY_NAMES[self.weekday]
        return f"the {ORDINAL_WORDS[self.ordinal or 1]} {what}"

    def rule_parts(self) -> dict[str, object]:
        """The rrule arguments that pick this day within each month."""
        if self.day is not None:
            if self.day < 0:
                return {"bymonthday": -1}
            if self.day <= 28:
                return {"bymonthday": self.day}
            # "the 31st" is the last day of a shorter month: the latest of 28..N it has.
            return {"bymonthday": tuple(range(28, self.day + 1)), "bysetpos": -1}
        if self.weekday is None:
            return {"byweekday": RRULE_WEEKDAYS[:5], "bysetpos": self.ordinal}
        return {"byweekday": RRULE_WEEKDAYS[self.weekday](self.ordinal)}


def _nth(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(
        number % 10, "th")
    return f"{number}{suffix}"


@dataclass(frozen=True)
class Schedule:
    repeat: Repeat = Repeat.WEEKLY
    every: int = 1  # weeks, for WEEKS
    starts: date | None = None  # the first day of WEEKS; set when the cadence is saved
    on: MonthDay | None = None  # for MONTHLY and QUARTERLY

    @property
    def uses_days(self) -> bool:
        """Runs on the cadence's days of the week (weekly, every N weeks)."""
        return self.repeat in (Repeat.WEEKLY, Repeat.WEEKS)

    @property
    def text(self) -> str:
        """The canonical words, which `read_schedule` reads back to this schedule."""
        if self.repeat is Repeat.WEEKLY:
            return "weekly"
        if self.repeat is Repeat.WEEKS:
            starting = f" from {self.starts:%Y-%m-%d}" if self.starts else ""
            return f"every {self.every} weeks{starting}"
        assert self.on is not None
        return f"{self.repeat.value} on {self.on.text()}"

    def anchored(self, today: date) -> Schedule:
        """Every N weeks counts from `today` unless it names its first day."""
        if self.repeat is Repeat.WEEKS and self.starts is None:
            return replace(self, starts=today)
        return self

    def includes(self, day: date, weekdays: frozenset[int]) -> bool:
        """Whether `day` is one of this schedule's dates (weekends and holidays aside)."""
        return day in _month_dates(self, weekdays, day.year, day.month)

    def upcoming(self, start: date, weekdays: frozenset[int]) -> Iterator[date]:
        """This schedule's dates from `start` on, in order, for LOOKAHEAD_MONTHS."""
        year, month = start.year, start.month
        for _ in range(LOOKAHEAD_MONTHS):
            yield from sorted(day for day in _month_dates(self, weekdays, year, month)
                              if day >= start)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    def rule(self, weekdays: frozenset[int], dtstart: datetime) -> rrule.rrule:
        """The rrule of this schedule from `dtstart` (a month's first day, or `starts`)."""
        if self.uses_days:
            return rrule.rrule(rrule.WEEKLY, interval=self.every, wkst=rrule.MO,
                               byweekday=tuple(RRULE_WEEKDAYS[day] for day in sorted(weekdays)),
                               dtstart=dtstart)
        assert self.on is not None
        months = None
        if self.repeat is Repeat.QUARTERLY:
            months = QUARTER_LAST_MONTHS if self.on.counts_from_end else QUARTER_FIRST_MONTHS
        return rrule.rrule(rrule.MONTHLY, bymonth=months, dtstart=dtstart,
                           **self.on.rule_parts())  # type: ignore[arg-type]


WEEKLY = Schedule()


@lru_cache(maxsize=2048)
def _month_dates(schedule: Schedule, weekdays: frozenset[int], year: int, month: int
                 ) -> frozenset[date]:
    first = datetime(year, month, 1)
    last = datetime(year, month, monthrange(year, month)[1])
    start = first
    if schedule.repeat is Repeat.WEEKS:
        if schedule.starts is None or schedule.starts > last.date():
            return frozenset()
        # The weeks count from its first day, which fixes which weeks are "on".
        start = datetime.combine(schedule.starts, datetime.min.time())
    if not weekdays and schedule.uses_days:
        return frozenset()
    return frozenset(found.date() for found in
                     schedule.rule(weekdays, start).between(first, last, inc=True))


def _problem(text: str, why: str = "", examples: str = EXAMPLE_TEXT) -> ValueError:
    return ValueError((why or f"'{excerpt(text)}' is not a schedule I know") + f"; use {examples}")


WEEKS_PATTERN = re.compile(
    r"^(?:every (?P<count>\d+|other|second) weeks?|(?P<word>biweekly|fortnightly|"
    r"every fortnight))(?: (?:from|starting|starting on|beginning) (?P<starts>.+))?$")
PERIOD_PATTERN = re.compile(
    r"^(?P<period>monthly|every month|quarterly|every quarter)"
    r"(?: (?:on )?(?:the )?(?P<day>.+?))?(?: (?:of|in) (?:the|each|every) (?:month|quarter))?$")
DAY_NUMBER = re.compile(r"^(?:day )?(\d{1,2})(?:st|nd|rd|th)?$")


def _month_day(words: str, text: str) -> MonthDay:
    if found := DAY_NUMBER.match(words):
        number = int(found.group(1))
        if not 1 <= number <= 31:
            raise _problem(text, f"A month has days 1 to 31, not {number}")
        return MonthDay(day=number)
    if words in ("last day", "day -1"):
        return MonthDay(day=-1)
    first_word, _, rest = words.partition(" ")
    ordinal = ORDINALS.get(first_word)
    if ordinal is None:
        raise _problem(text, f"I don't understand '{excerpt(words)}' as a day of the month")
    if rest in WORKDAY_WORDS or rest in (word + "s" for word in WORKDAY_WORDS):
        return MonthDay(ordinal=ordinal)
    named = [index for index, name in enumerate(WEEKDAY_NAMES)
             if rest and (rest == name or rest == name[:3])]
    if not named:
        raise _problem(text, f"'{excerpt(rest)}' is not a day of the week, nor 'weekday'")
    return MonthDay(ordinal=ordinal, weekday=named[0])


def read_schedule(text: str) -> Schedule:
    """The schedule these words describe; ValueError saying what is wrong, with examples.

    Empty is weekly. Case, commas and "on the" are free: "Monthly, on the 1st".
    """
    words = " ".join(text.lower().replace(",", " ").split())
    if words in ("", "weekly", "every week", "each week"):
        return WEEKLY
    if found := WEEKS_PATTERN.match(words):
        count = found.group("count")
        every = 2 if found.group("word") or count in ("other", "second") else int(count or 0)
        if not 1 <= every <= MAX_WEEKS:
            raise _problem(text, f"Every 1 to {MAX_WEEKS} weeks, not {every}")
        starts = None
        if found.group("starts"):
            raw = found.group("starts")
            try:
                starts = parse_date(raw)
            except ValueError as why:
                reason = str(why) if ISO_DATE.match(raw) else \
                    f"I don't understand '{excerpt(raw)}' as a date"
                raise ValueError(f"{reason}; write the first day as YYYY-MM-DD, such as every "
                                 f"{every} weeks from 2026-12-07") from None
        return WEEKLY if every == 1 else Schedule(Repeat.WEEKS, every=every, starts=starts)
    if found := PERIOD_PATTERN.match(words):
        period = Repeat.MONTHLY if "month" in found.group("period") else Repeat.QUARTERLY
        if not found.group("day"):
            raise _problem(text, f"Say which day of the {_period_noun(period)}",
                           examples=f"{period.value} on the 15th, {period.value} on the first "
                                    f"monday or {period.value} on the last weekday")
        return Schedule(period, on=_month_day(found.group("day"), text))
    raise _problem(text)


def _period_noun(period: Repeat) -> str:
    return "month" if period is Repeat.MONTHLY else "quarter"
