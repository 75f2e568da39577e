"""Cadences, their participants, occurrences, answers and absences."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlmodel import col, delete, func, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.cadences.models import (
    Absence,
    Answer,
    AnswerStatus,
    Cadence,
    CadenceKind,
    CadenceParticipant,
    Occurrence,
)
from storage.common.models import Person
from storage.upsert import insert_or_find


async def by_name(session: AsyncSession, name: str) -> Cadence | None:
    """Names are unique without regard to case."""
    statement = select(Cadence).where(func.lower(Cadence.name) == name.strip().lower())
    return (await session.exec(statement)).first()


async def get(session: AsyncSession, cadence_id: int) -> Cadence | None:
    return await session.get(Cadence, cadence_id)


async def all_cadences(session: AsyncSession, kind: CadenceKind | None = None
                       ) -> Sequence[Cadence]:
    statement = select(Cadence).order_by(Cadence.name)
    if kind is not None:
        statement = statement.where(Cadence.kind == kind)
    return (await session.exec(statement)).all()


async def active_cadences(session: AsyncSession) -> Sequence[Cadence]:
    statement = select(Cadence).where(col(Cadence.paused).is_(False)).order_by(Cadence.id)
    return (await session.exec(statement)).all()


async def save(session: AsyncSession, cadence: Cadence) -> Cadence:
    """Insert or update; raises IntegrityError when another cadence has the name."""
    session.add(cadence)
    await session.flush()
    return cadence


async def delete_cadence(session: AsyncSession, cadence: Cadence) -> None:
    await session.delete(cadence)
    await session.flush()


async def set_participants(session: AsyncSession, cadence_id: int,
                           person_ids: Sequence[int]) -> None:
    await session.exec(delete(CadenceParticipant).where(  # type: ignore[call-overload]
        col(CadenceParticipant.cadence_id) == cadence_id))
    for person_id in dict.fromkeys(person_ids):
        session.add(CadenceParticipant(cadence_id=cadence_id, person_id=person_id))
    await session.flush()


async def participants(session: AsyncSession, cadence_id: int) -> Sequence[Person]:
    statement = (select(Person).join(CadenceParticipant,
                                     col(CadenceParticipant.person_id) == Person.id)
                 .where(CadenceParticipant.cadence_id == cadence_id).order_by(Person.id))
    return (await session.exec(statement)).all()


async def occurrence(session: AsyncSession, cadence_id: int, day: date) -> Occurrence | None:
    statement = select(Occurrence).where(Occurrence.cadence_id == cadence_id,
                                         Occurrence.local_date == day)
    return (await session.exec(statement)).first()


async def get_occurrence(session: AsyncSession, occurrence_id: int) -> Occurrence | None:
    return await session.get(Occurrence, occurrence_id)


async def ensure_occurrence(session: AsyncSession, cadence_id: int, day: date, *,
                            close_at: datetime, now: datetime) -> Occurrence:
    """The one occurrence of a cadence on a day, however many processes ask at once."""
    existing = await occurrence(session, cadence_id, day)
    if existing is not None:
        return existing
    created = Occurrence(cadence_id=cadence_id, local_date=day, close_at=close_at,
                         created_at=now)
    row, _ = await insert_or_find(session, created,
                                  lambda: occurrence(session, cadence_id, day))
    return row


async def recent_occurrences(session: AsyncSession, cadence_id: int, *, since: date,
                             until: date, limit: int | None = None) -> Sequence[Occurrence]:
    """Occurrences of a cadence from `since` to `until` (inclusive), newest first."""
    statement = (select(Occurrence)
                 .where(Occurrence.cadence_id == cadence_id, Occurrence.local_date >= since,
                        Occurrence.local_date <= until)
                 .order_by(col(Occurrence.local_date).desc()).limit(limit))
    return (await session.exec(statement)).all()


async def count_occurrences(session: AsyncSession, cadence_id: int) -> int:
    statement = select(func.count()).select_from(Occurrence).where(
        Occurrence.cadence_id == cadence_id)
    return (await session.exec(statement)).one()


async def due_to_close(session: AsyncSession, now: datetime) -> Sequence[Occurrence]:
    statement = select(Occurrence).where(col(Occurrence.closed_at).is_(None),
                                         Occurrence.close_at <= now).order_by(Occurrence.id)
    return (await session.exec(statement)).all()


async def latest_open_for(session: AsyncSession, cadence_id: int) -> Occurrence | None:
    statement = (select(Occurrence).where(Occurrence.cadence_id == cadence_id,
                                          col(Occurrence.closed_at).is_(None))
                 .order_by(col(Occurrence.local_date).desc()))
    return (await session.exec(statement)).first()


async def answers(session: AsyncSession, occurrence_id: int) -> Sequence[Answer]:
    statement = select(Answer).where(Answer.occurrence_id == occurrence_id).order_by(Answer.id)
    return (await session.exec(statement)).all()


async def answer_of(session: AsyncSession, occurrence_id: int, person_id: int,
                    subject: str = "") -> Answer | None:
    statement = select(Answer).where(Answer.occurrence_id == occurrence_id,
                                     Answer.person_id == person_id, Answer.subject == subject)
    return (await session.exec(statement)).first()


async def record_answer(session: AsyncSession, *, occurrence_id: int, person_id: int,
                        subject: str, status: AnswerStatus, answers_json: str,
                        now: datetime) -> tuple[Answer, bool]:
    """Insert or replace a person's answer; (answer, created)."""
    existing = await answer_of(session, occurrence_id, person_id, subject)
    if existing is not None:
        existing.status, existing.answers, existing.updated_at = status, answers_json, now
        session.add(existing)
        await session.flush()
        return existing, False
    created = Answer(occurrence_id=occurrence_id, person_id=person_id, subject=subject,
                     status=status, answers=answers_json, created_at=now, updated_at=now)
    session.add(created)
    await session.flush()
    return created, True


async def add_absence(session: AsyncSession, *, person_id: int, starts_on: date, ends_on: date,
                      now: datetime, cadence_id: int | None = None) -> Absence:
    absence = Absence(person_id=person_id, cadence_id=cadence_id, starts_on=starts_on,
                      ends_on=ends_on, created_at=now)
    session.add(absence)
    await session.flush()
    return absence


async def end_absences(session: AsyncSession, person_id: int, today: date) -> int:
    """Back from today: absences that have not ended end yesterday; returns how many."""
    statement = select(Absence).where(Absence.person_id == person_id, Absence.ends_on >= today)
    changed = 0
    for absence in (await session.exec(statement)).all():
        if absence.starts_on >= today:
            await session.delete(absence)
        else:
            absence.ends_on = date.fromordinal(today.toordinal() - 1)
            session.add(absence)
        changed += 1
    await session.flush()
    return changed


async def absent_on(session: AsyncSession, person_ids: Sequence[int], day: date,
                    cadence_id: int) -> set[int]:
    """Who of `person_ids` is away on `day` (from every cadence, or from this one)."""
    if not person_ids:
        return set()
    statement = select(Absence.person_id).where(
        col(Absence.person_id).in_(person_ids), Absence.starts_on <= day, Absence.ends_on >= day,
        or_(col(Absence.cadence_id).is_(None), Absence.cadence_id == cadence_id))
    return set((await session.exec(statement)).all())
