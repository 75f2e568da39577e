"""A cadence's past days at once: what weeks of participation are counted from, in a
handful of queries whatever the number of days."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, String, cast, true
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.cadences.models import (
    Absence,
    Answer,
    AnswerStatus,
    AskedPartner,
    Cadence,
    Occurrence,
)
from storage.common.models import Partner
from storage.ledger.models import Delivery


@dataclass(frozen=True)
class DaysOnRecord:
    """Everything kept about a run of days: answers, who a check-in asked, who was
    prompted (ledger keys by occurrence id) and absences over the range."""

    answers: dict[int, list[Answer]]
    asked: dict[int, set[int]]
    prompted: dict[int, list[str]]
    absences: list[Absence]

    def away(self, person_id: int, day: date) -> bool:
        return any(absence.person_id == person_id and absence.starts_on <= day <= absence.ends_on
                   for absence in self.absences)


async def days_on_record(session: AsyncSession, workspace_id: int, cadence_id: int,
                         occurrences: Sequence[Occurrence], *, prompt_kind: str,
                         scope_of: dict[int, str]) -> DaysOnRecord:
    """The record of `occurrences` (one cadence's), read in four queries."""
    ids = [occurrence.id or 0 for occurrence in occurrences]
    answers: dict[int, list[Answer]] = {ident: [] for ident in ids}
    asked: dict[int, set[int]] = {ident: set() for ident in ids}
    prompted: dict[int, list[str]] = {ident: [] for ident in ids}
    if not ids:
        return DaysOnRecord(answers, asked, prompted, [])
    for answer in (await session.exec(select(Answer).where(
            col(Answer.occurrence_id).in_(ids)).order_by(col(Answer.id)))).all():
        answers[answer.occurrence_id].append(answer)
    for occurrence_id, person_id in (await session.exec(select(
            AskedPartner.occurrence_id, AskedPartner.person_id).where(
            col(AskedPartner.occurrence_id).in_(ids)))).all():
        asked[occurrence_id].add(person_id)
    by_scope = {scope: ident for ident, scope in scope_of.items()}
    for scope, key in (await session.exec(select(Delivery.scope, Delivery.key).where(
            col(Delivery.scope).in_(list(by_scope)), Delivery.kind == prompt_kind))).all():
        prompted[by_scope[scope]].append(key)
    days = [occurrence.local_date for occurrence in occurrences]
    absences = (await session.exec(select(Absence).where(
        Absence.workspace_id == workspace_id, Absence.starts_on <= max(days),
        Absence.ends_on >= min(days),
        or_(col(Absence.cadence_id).is_(None), Absence.cadence_id == cadence_id)))).all()
    return DaysOnRecord(answers, asked, prompted, list(absences))


def _answers(as_text: bool) -> Any:
    """The answers column, decoded, or as its stored JSON text."""
    return cast(Answer.answers, String).label("answers") if as_text else Answer.answers


def _latest(session: AsyncSession, workspace_id: int, partner_ids: Sequence[int], limit: int,
            questions: Any, *, day: bool, as_text: bool = False) -> Select[Any]:
    """(partner, [day,] `questions`, cadence, answers) of each one's latest check-ins."""
    # Oldest first. Each partner's are read from the index on (partner, day): a LATERAL
    # join on PostgreSQL, a correlated `IN (... LIMIT n)` on SQLite (which has no LATERAL);
    # either way no sort of every answer.
    mine = (Answer.partner_id == Partner.id, Answer.workspace_id == workspace_id,
            Answer.status == AnswerStatus.ANSWERED)
    newest = (col(Answer.local_date).desc(), col(Answer.id).desc())
    ids = col(Partner.id).in_(list(partner_ids))
    if session.bind.dialect.name == "postgresql":  # type: ignore[union-attr]
        # The columns come out of the LATERAL itself: joining answer again by its key
        # doubled the time.
        rows = (select(Answer.id, Answer.partner_id, Answer.local_date, Answer.occurrence_id,
                       _answers(as_text))
                .where(*mine).order_by(*newest).limit(limit)
                .correlate(Partner).lateral("latest"))
        return (select(rows.c.partner_id, *([rows.c.local_date] if day else []), questions,
                       Occurrence.cadence_id, rows.c.answers).select_from(Partner)
                .join(rows, true())
                .join(Occurrence, col(Occurrence.id) == rows.c.occurrence_id)
                .where(ids).order_by(rows.c.local_date, rows.c.id))
    # The plan SQLite makes: each partner's ids by the index, then rows by their key. Joined
    # straight, not through a derived table: SQLite would run the correlated subquery for
    # the derived table and again for the join (three times the time).
    latest = select(Answer.id).where(*mine).order_by(*newest).limit(limit)
    return (select(Answer.partner_id, *([Answer.local_date] if day else []), questions,
                   Occurrence.cadence_id, _answers(as_text)).select_from(Partner)
            .join(Answer, col(Answer.id).in_(latest.correlate(Partner).scalar_subquery()))
            .join(Occurrence, col(Occurrence.id) == Answer.occurrence_id)
            .where(ids).order_by(col(Answer.local_date), col(Answer.id)))


async def _questions_of(session: AsyncSession, cadence_ids: set[int]) -> dict[int, Any]:
    """Each cadence's questions, read once, not once per answer."""
    return dict((await session.exec(select(Cadence.id, Cadence.questions).where(
        col(Cadence.id).in_(cadence_ids)))).all())


async def latest_answers_about(session: AsyncSession, workspace_id: int,
                               partner_ids: Sequence[int], limit: int
                               ) -> dict[int, list[tuple[date, list[str], list[str]]]]:
    """`repository.answers_about` for many partners in one query, oldest first."""
    if not partner_ids:
        return {}
    rows = (await session.exec(_latest(session, workspace_id, partner_ids, limit,
                                       Occurrence.questions, day=True))).all()
    asked_by = await _questions_of(session, {cadence for _, _, _, cadence, _ in rows})
    found: dict[int, list[tuple[date, list[str], list[str]]]] = {}
    for partner, day, asked, cadence, answers in rows:
        # A day from before days kept their questions asked its cadence's.
        found.setdefault(partner or 0, []).append(
            (day, [str(line) for line in asked or asked_by[cadence]],
             [str(value) for value in answers]))
    return found


async def latest_answer_lists(session: AsyncSession, workspace_id: int,
                              partner_ids: Sequence[int], limit: int
                              ) -> dict[int, list[tuple[tuple[str, ...], str]]]:
    """`latest_answers_about` without the days, each check-in's answers as stored JSON."""
    # For a page that scores every partner: a day's questions come as their stored JSON
    # and each distinct list is decoded (and made text) once, not once per answer; the
    # answers are left to the reader, who needs one value of each (8,000 lists kept alive
    # through the call gave the garbage collector more to walk on each of its passes).
    if not partner_ids:
        return {}
    rows = (await session.exec(_latest(session, workspace_id, partner_ids, limit,
                                       cast(Occurrence.questions, String), day=False,
                                       as_text=True))).all()
    asked_by = await _questions_of(session, {cadence for _, _, cadence, _ in rows})
    lists: dict[tuple[str | None, int], tuple[str, ...]] = {}
    found: dict[int, list[tuple[tuple[str, ...], str]]] = {}
    for partner, stored, cadence, answers in rows:
        asked = lists.get((stored, cadence))
        if asked is None:
            # A day from before days kept their questions asked its cadence's.
            day_asked = json.loads(stored) if stored is not None else None
            asked = lists[(stored, cadence)] = tuple(
                str(line) for line in day_asked or asked_by[cadence])
        found.setdefault(partner or 0, []).append((asked, answers))
    return found
