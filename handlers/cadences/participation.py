"""Participation per week: of the people a cadence asked, how many answered, skipped, were
out of office, or missed it. The cadence report's chart, the observers' digest and the
dashboard all count it here."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from bot.core.charts import Chart, ChartKind, Series, Tone
from handlers.cadences.access import is_open
from handlers.cadences.history import recent_occurrences
from handlers.cadences.ids import CadenceMessage, person_of_key
from handlers.cadences.kinds import KINDS
from handlers.cadences.participants import members_of_day
from handlers.cadences.status import DayAnswers, status_of
from handlers.common.context import Services
from storage.cadences.history import DaysOnRecord, days_on_record
from storage.cadences.models import AnswerStatus, Cadence, Occurrence
from storage.common.people import Member

WEEKS = 8


class Turnout(StrEnum):
    ANSWERED = "answered"
    SKIPPED = "skipped"
    OUT = "out"
    MISSED = "missed"


TONES = {Turnout.ANSWERED: Tone.GOOD, Turnout.SKIPPED: Tone.WARN, Turnout.OUT: Tone.NEUTRAL,
         Turnout.MISSED: Tone.BAD}


@dataclass(frozen=True)
class Week:
    starts_on: date  # its Monday
    counts: Counter[Turnout]

    @property
    def label(self) -> str:
        return f"{self.starts_on:%b} {self.starts_on.day}"

    @property
    def asked(self) -> int:
        return sum(self.counts.values())

    @property
    def rate(self) -> float | None:
        """The share answered of those not out of office; None when nobody was due."""
        due = self.asked - self.counts[Turnout.OUT]
        return self.counts[Turnout.ANSWERED] / due if due else None


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _turnout(given: DayAnswers, record: DaysOnRecord, occurrence: Occurrence, person_id: int,
             now: datetime) -> Turnout | None:
    status = status_of(given, person_id)
    if status is AnswerStatus.ANSWERED:
        return Turnout.ANSWERED
    if status is AnswerStatus.SKIPPED:
        return Turnout.SKIPPED
    if record.away(person_id, occurrence.local_date):
        return Turnout.OUT
    return None if is_open(occurrence, now) else Turnout.MISSED  # open: still waiting


def _people_of(record: DaysOnRecord, occurrence: Occurrence, by_partner: bool,
               members: list[Member]) -> set[int]:
    """Who the day asked: prompted or answering; for a standup the current participants too
    (someone out of office gets no prompt), for a check-in those it asked about a partner."""
    ident = occurrence.id or 0
    found = {answer.person_id for answer in record.answers[ident]}
    found |= {person for key in record.prompted[ident]
              if (person := person_of_key(key)) is not None}
    found |= record.asked[ident] if by_partner else {
        member.person.id or 0 for member in members_of_day(members, occurrence)}
    return found


async def weekly_participation(services: Services, cadence: Cadence, until: date,
                               members: list[Member], *, weeks: int = WEEKS) -> list[Week]:
    """The `weeks` weeks up to the one holding `until`, oldest first; `members` are the
    participants (as they stand) who count on a day they had joined by, prompted or not."""
    first = monday_of(until) - timedelta(weeks=weeks - 1)
    days = (until - first).days + 1
    occurrences = await recent_occurrences(services, cadence.id or 0, until, days=days)
    async with services.db.session() as session:
        record = await days_on_record(
            session, cadence.workspace_id, cadence.id or 0, occurrences,
            prompt_kind=CadenceMessage.PROMPT.value,
            scope_of={o.id or 0: f"occurrence:{o.id}" for o in occurrences})
    by_week = {first + timedelta(weeks=index): Counter[Turnout]() for index in range(weeks)}
    by_partner = KINDS[cadence.kind].about_partners
    now = services.clock.now()
    for occurrence in occurrences:
        if occurrence.local_date < first:
            continue
        counts = by_week[monday_of(occurrence.local_date)]
        given = DayAnswers(record.answers[occurrence.id or 0])
        for person_id in _people_of(record, occurrence, by_partner, members):
            if (turnout := _turnout(given, record, occurrence, person_id, now)) is not None:
                counts[turnout] += 1
    return [Week(monday, counts) for monday, counts in by_week.items()]


def participation_chart(name: str, weeks: list[Week]) -> Chart:
    """Answered, skipped, out and missed per week, stacked."""
    return Chart(ChartKind.STACKED, f"{name}: participation per week",
                 tuple(week.label for week in weeks),
                 tuple(Series(turnout.value, tuple(float(week.counts[turnout]) for week in weeks),
                              TONES[turnout]) for turnout in Turnout))


def rate_text(weeks: list[Week]) -> str:
    """"84% answered over 8 weeks (42 of 50 due)"; what a line of text says of the chart."""
    answered = sum(week.counts[Turnout.ANSWERED] for week in weeks)
    due = sum(week.asked - week.counts[Turnout.OUT] for week in weeks)
    if not due:
        return f"nobody was due over {len(weeks)} weeks"
    return f"{round(100 * answered / due)}% answered over {len(weeks)} weeks " \
           f"({answered} of {due} due)"
