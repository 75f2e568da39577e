"""A cadence's past days at once: what weeks of participation are counted from, in a
handful of queries whatever the number of days."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import true
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


async def latest_answers_about(session: AsyncSession, workspace_id: int,
                               partner_ids: Sequence[int], limit: int
                               ) -> dict[int, list[tuple[date, list[str], list[str]]]]:
    """`repository.answers_about` for many partners in one query: each one's latest `limit`
    answered check-ins, oldest first. Each partner's are read from the index on (partner,
    day): a LATERAL join on PostgreSQL, a correlated `IN (... LIMIT n)` on SQLite (which has
    no LATERAL); either way no sort of every answer."""
    if not partner_ids:
        return {}
    latest = (select(Answer.id)
              .where(Answer.partner_id == Partner.id, Answer.workspace_id == workspace_id,
                     Answer.status == AnswerStatus.ANSWERED)
              .order_by(col(Answer.local_date).desc(), col(Answer.id).desc())
              .limit(limit))
    lateral = latest.correlate(Partner).lateral("latest")
    chosen = select(Partner.id.label("partner_id"),  # type: ignore[union-attr]
                    lateral.c.id.label("answer_id")).join(lateral, true())
    if session.bind.dialect.name != "postgresql":  # type: ignore[union-attr]
        # The plan SQLite makes: each partner's ids by the index, then rows by their key.
        chosen = select(Partner.id.label("partner_id"),  # type: ignore[union-attr]
                        Answer.id.label("answer_id")).join(  # type: ignore[union-attr]
            Answer, col(Answer.id).in_(latest.correlate(Partner).scalar_subquery()))
    picked = chosen.where(col(Partner.id).in_(list(partner_ids))).subquery()
    statement = (select(Answer.partner_id, Answer.local_date, Occurrence.questions,
                        Occurrence.cadence_id, Answer.answers)
                 .join(picked, picked.c.answer_id == Answer.id)
                 .join(Occurrence, col(Occurrence.id) == Answer.occurrence_id)
                 .order_by(col(Answer.local_date), col(Answer.id)))
    rows = (await session.exec(statement)).all()
    # Each cadence's questions read once, not once per answer.
    asked_by = dict((await session.exec(select(Cadence.id, Cadence.questions).where(
        col(Cadence.id).in_({cadence for _, _, _, cadence, _ in rows})))).all())
    found: dict[int, list[tuple[date, list[str], list[str]]]] = {}
    for partner, day, asked, cadence, answers in rows:
        # A day from before days kept their questions asked its cadence's.
        found.setdefault(partner or 0, []).append(
            (day, [str(line) for line in asked or asked_by[cadence]],
             [str(value) for value in answers]))
    return found
