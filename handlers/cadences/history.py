"""Past days of a cadence, and each person's streak of answered days.

Storage has no "occurrences of a cadence" query yet, so this walks back day by day with the
repository's one-day lookup (indexed by the cadence/day unique key), within a bounded window.
Swap `recent_occurrences` for a repository query when one exists; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from handlers.cadences.access import is_open
from handlers.cadences.kinds import KINDS
from handlers.cadences.status import DayAnswers, status_of
from handlers.common.context import Services
from storage.cadences import absences
from storage.cadences import repository as cadences
from storage.cadences.models import AnswerStatus, Cadence, Occurrence

LATEST_WINDOW_DAYS = 62
STREAK_WINDOW_DAYS = 120


async def recent_occurrences(services: Services, cadence_id: int, until: date, *,
                             days: int, limit: int | None = None) -> list[Occurrence]:
    """Occurrences on `until` and the `days` - 1 days before it, newest first."""
    async with services.db.session() as session:
        return list(await cadences.recent_occurrences(
            session, cadence_id, since=until - timedelta(days=days - 1), until=until,
            limit=limit))


async def latest_occurrence(services: Services, cadence_id: int,
                            today: date) -> Occurrence | None:
    """The newest occurrence up to tomorrow (a participant ahead of UTC may be there)."""
    found = await recent_occurrences(services, cadence_id, today + timedelta(days=1),
                                     days=LATEST_WINDOW_DAYS, limit=1)
    return found[0] if found else None


@dataclass(frozen=True)
class Streak:
    days: int
    capped: bool  # the window ended before the streak did

    def __str__(self) -> str:
        return f"{self.days}+" if self.capped else str(self.days)


async def streaks(services: Services, cadence: Cadence, until: Occurrence,
                  person_ids: Sequence[int], now: datetime) -> dict[int, Streak]:
    """Answered occurrences in a row up to `until`, per person.

    Days a person was out of office neither count nor break it; a day still open that they
    have not answered yet does not break it either, nor a check-in's day that asked them
    nothing (they owned no partner then). A skip or a silence ends it.
    """
    by_partner = KINDS[cadence.kind].about_partners
    cadence_id = cadence.id or 0
    history = await recent_occurrences(services, cadence_id, until.local_date,
                                       days=STREAK_WINDOW_DAYS)
    counts = dict.fromkeys(person_ids, 0)
    running = set(person_ids)
    for occurrence in history:
        if not running:
            break
        async with services.db.session() as session:
            given = DayAnswers(await cadences.answers(session, occurrence.id or 0))
            away = await absences.absent_on(session, sorted(running), occurrence.local_date,
                                            cadence_id)
            asked = await cadences.asked_partners(session, occurrence.id or 0) \
                if by_partner else {}
        for person_id in sorted(running):
            status = status_of(given, person_id)
            if status is AnswerStatus.ANSWERED:
                counts[person_id] += 1
            elif status is None and (person_id in away or is_open(occurrence, now)
                                     or (by_partner and person_id not in asked)):
                continue
            else:
                running.discard(person_id)
    window_start = until.local_date - timedelta(days=STREAK_WINDOW_DAYS - 1)
    older = cadence.created_at.date() < window_start  # days before the window may exist
    return {person_id: Streak(counts[person_id], older and person_id in running)
            for person_id in person_ids}
