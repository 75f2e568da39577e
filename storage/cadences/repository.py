"""Cadences, their participants, occurrences, answers and absences."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.cadences.models import (
    Answer,
    AnswerStatus,
    AskedPartner,
    Cadence,
    CadenceKind,
    CadenceParticipant,
    CadencePartner,
    Occurrence,
)
from storage.common.models import Partner, Person, PersonIdentity
from storage.common.names import name_key
from storage.common.people import PERSON_ROW, Member, PersonRow
from storage.ledger import repository as ledger
from storage.upsert import insert_or_find


class NameTaken(Exception):
    """Another cadence of the workspace has that name (whatever its case)."""


async def by_name(session: AsyncSession, workspace_id: int, name: str) -> Cadence | None:
    """Names are unique in a workspace without regard to case."""
    statement = select(Cadence).where(Cadence.workspace_id == workspace_id,
                                      Cadence.name_key == name_key(name))
    return (await session.exec(statement)).first()


async def get(session: AsyncSession, cadence_id: int) -> Cadence | None:
    """By id, in any workspace: for run-due, and ids this process itself holds."""
    return await session.get(Cadence, cadence_id)


async def get_in(session: AsyncSession, workspace_id: int, cadence_id: int) -> Cadence | None:
    """The workspace's cadence with this id (an id from a form or button may be anyone's)."""
    statement = select(Cadence).where(Cadence.id == cadence_id,
                                      Cadence.workspace_id == workspace_id)
    return (await session.exec(statement)).first()


async def all_cadences(session: AsyncSession, workspace_id: int,
                       kind: CadenceKind | None = None) -> Sequence[Cadence]:
    statement = select(Cadence).where(Cadence.workspace_id == workspace_id).order_by(
        col(Cadence.name))
    if kind is not None:
        statement = statement.where(Cadence.kind == kind)
    return (await session.exec(statement)).all()


async def active_cadences(session: AsyncSession) -> Sequence[Cadence]:
    """Every workspace's cadences that are not paused (run-due serves them all)."""
    statement = select(Cadence).where(col(Cadence.paused).is_(False)).order_by(col(Cadence.id))
    return (await session.exec(statement)).all()


async def save(session: AsyncSession, cadence: Cadence) -> Cadence:
    """Insert or update; NameTaken when another cadence of the workspace has the name."""
    cadence.name_key = name_key(cadence.name)
    wanted = cadence.name  # the row expires if the savepoint rolls back
    try:
        async with session.begin_nested():
            session.add(cadence)
            await session.flush()
    except IntegrityError as error:
        raise NameTaken(wanted) from error
    return cadence


async def delete_cadence(session: AsyncSession, cadence: Cadence) -> None:
    """The cadence with its days, answers and their ledger."""
    days = (await session.exec(select(Occurrence.id).where(
        Occurrence.cadence_id == cadence.id))).all()
    await ledger.forget(session, [f"occurrence:{day}" for day in days])
    await session.delete(cadence)
    await session.flush()


async def set_participants(session: AsyncSession, cadence_id: int, person_ids: Sequence[int],
                           *, now: datetime) -> None:
    """Exactly these people take part; those who already did keep the day they joined."""
    wanted = list(dict.fromkeys(person_ids))
    await session.exec(delete(CadenceParticipant).where(  # type: ignore[call-overload]
        col(CadenceParticipant.cadence_id) == cadence_id,
        col(CadenceParticipant.person_id).not_in(wanted)))
    present = set((await session.exec(select(CadenceParticipant.person_id).where(
        CadenceParticipant.cadence_id == cadence_id))).all())
    for person_id in wanted:
        if person_id not in present:
            session.add(CadenceParticipant(cadence_id=cadence_id, person_id=person_id,
                                           joined_at=now))
    await session.flush()


async def set_partners(session: AsyncSession, cadence_id: int, partner_ids: Sequence[int]
                       ) -> None:
    """The partners a check-in asks about, in this order (none: each owner's own)."""
    wanted = list(dict.fromkeys(partner_ids))
    await session.exec(delete(CadencePartner).where(  # type: ignore[call-overload]
        col(CadencePartner.cadence_id) == cadence_id))
    session.add_all(CadencePartner(cadence_id=cadence_id, partner_id=partner_id,
                                   position=position)
                    for position, partner_id in enumerate(wanted))
    await session.flush()


async def listed_partners(session: AsyncSession, cadence_ids: Sequence[int]
                          ) -> dict[int, list[Partner]]:
    """Each cadence's listed partners in order, archived ones included (they stay listed,
    not asked); a cadence listing none is absent."""
    if not cadence_ids:
        return {}
    statement = (select(CadencePartner.cadence_id, Partner)
                 .join(Partner, col(Partner.id) == CadencePartner.partner_id)
                 .where(col(CadencePartner.cadence_id).in_(cadence_ids))
                 .order_by(col(CadencePartner.cadence_id), col(CadencePartner.position)))
    found: dict[int, list[Partner]] = {}
    for cadence_id, partner in (await session.exec(statement)).all():
        found.setdefault(cadence_id, []).append(partner)
    return found


async def remember_asked(session: AsyncSession, occurrence_id: int,
                         asked: dict[int, Sequence[int]]) -> None:
    """Keep which partners each person is asked about on a day, once: the first record of a
    person's day stands (a second run, or another process, adds nothing)."""
    if not asked:
        return
    known = set((await session.exec(select(AskedPartner.person_id).where(
        AskedPartner.occurrence_id == occurrence_id,
        col(AskedPartner.person_id).in_(list(asked))))).all())
    for person_id, partner_ids in asked.items():
        if person_id in known or not partner_ids:
            continue
        try:
            async with session.begin_nested():
                session.add_all(AskedPartner(occurrence_id=occurrence_id, person_id=person_id,
                                             partner_id=partner_id, position=position)
                                for position, partner_id in enumerate(partner_ids))
                await session.flush()
        except IntegrityError:
            continue  # another run recorded this person's day first: theirs stands


async def asked_partners(session: AsyncSession, occurrence_id: int
                         ) -> dict[int, list[Partner]]:
    """Who was asked about which partners on a day, each list in the prompt's order."""
    statement = (select(AskedPartner.person_id, Partner)
                 .join(Partner, col(Partner.id) == AskedPartner.partner_id)
                 .where(AskedPartner.occurrence_id == occurrence_id)
                 .order_by(col(AskedPartner.person_id), col(AskedPartner.position)))
    found: dict[int, list[Partner]] = {}
    for person_id, partner in (await session.exec(statement)).all():
        found.setdefault(person_id, []).append(partner)
    return found


async def participants(session: AsyncSession, cadence_id: int) -> Sequence[Person]:
    statement = (select(Person).join(CadenceParticipant,
                                     col(CadenceParticipant.person_id) == Person.id)
                 .where(CadenceParticipant.cadence_id == cadence_id).order_by(Person.id))
    return (await session.exec(statement)).all()


async def participant_members(session: AsyncSession, cadence_id: int,
                              platform: str) -> list[Member]:
    """The named participants with their user id on `platform` (one query), as rows: a
    fan-out reads them (nothing here is changed), and a cadence may have thousands."""
    statement = (select(*PERSON_ROW, PersonIdentity.user_id, PersonIdentity.directory_id,
                        CadenceParticipant.joined_at)
                 .join(CadenceParticipant, col(CadenceParticipant.person_id) == Person.id)
                 .join(PersonIdentity, col(PersonIdentity.person_id) == Person.id)
                 .where(CadenceParticipant.cadence_id == cadence_id,
                        PersonIdentity.platform == platform)
                 .order_by(col(Person.id), col(PersonIdentity.id)))
    found: dict[int, Member] = {}
    for *person, user_id, directory_id, joined in (await session.exec(statement)).all():
        found.setdefault(person[0], Member(PersonRow(*person), user_id, directory_id, joined))
    return list(found.values())


async def occurrence(session: AsyncSession, cadence_id: int, day: date) -> Occurrence | None:
    statement = select(Occurrence).where(Occurrence.cadence_id == cadence_id,
                                         Occurrence.local_date == day)
    return (await session.exec(statement)).first()


async def get_occurrence(session: AsyncSession, occurrence_id: int) -> Occurrence | None:
    return await session.get(Occurrence, occurrence_id)


async def occurrence_in(session: AsyncSession, workspace_id: int,
                        occurrence_id: int) -> Occurrence | None:
    """The workspace's occurrence with this id (a button's value may name anyone's)."""
    statement = select(Occurrence).where(Occurrence.id == occurrence_id,
                                         Occurrence.workspace_id == workspace_id)
    return (await session.exec(statement)).first()


async def ensure_occurrence(session: AsyncSession, cadence_id: int, day: date, *,
                            close_at: datetime, now: datetime,
                            questions: Sequence[str] = ()) -> Occurrence:
    """The one occurrence of a cadence on a day, however many processes ask at once."""
    existing = await occurrence(session, cadence_id, day)
    if existing is not None:
        return existing
    cadence = await session.get(Cadence, cadence_id)
    assert cadence is not None
    created = Occurrence(workspace_id=cadence.workspace_id, cadence_id=cadence_id, local_date=day,
                         close_at=close_at, questions=list(questions), created_at=now)
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


async def open_between(session: AsyncSession, cadence_id: int, first: date,
                       last: date | None) -> Sequence[Occurrence]:
    """The cadence's days not closed yet from `first` (to `last`, when given)."""
    statement = select(Occurrence).where(Occurrence.cadence_id == cadence_id,
                                         col(Occurrence.closed_at).is_(None),
                                         Occurrence.local_date >= first)
    if last is not None:
        statement = statement.where(Occurrence.local_date <= last)
    return (await session.exec(statement.order_by(col(Occurrence.local_date)))).all()


async def answers(session: AsyncSession, occurrence_id: int) -> Sequence[Answer]:
    statement = select(Answer).where(Answer.occurrence_id == occurrence_id).order_by(Answer.id)
    return (await session.exec(statement)).all()


async def answer_of(session: AsyncSession, occurrence_id: int, person_id: int,
                    partner_id: int | None = None) -> Answer | None:
    """A person's answer of a day: about the partner `partner_id` (a check-in), or the one
    answer (None)."""
    about = col(Answer.partner_id).is_(None) if partner_id is None \
        else col(Answer.partner_id) == partner_id
    statement = select(Answer).where(Answer.occurrence_id == occurrence_id,
                                     Answer.person_id == person_id, about)
    return (await session.exec(statement)).first()


async def record_answer(session: AsyncSession, *, occurrence: Occurrence, person_id: int,
                        status: AnswerStatus, answers: Sequence[str], now: datetime,
                        partner: Partner | None = None) -> tuple[Answer, bool]:
    """Insert or replace a person's answer (about `partner`, for a check-in); (answer,
    created). A double submit saves one. The partner's name is kept as answered."""
    occurrence_id = occurrence.id or 0
    partner_id = partner.id if partner is not None else None
    existing = await answer_of(session, occurrence_id, person_id, partner_id)
    if existing is None:
        created = Answer(workspace_id=occurrence.workspace_id, occurrence_id=occurrence_id,
                         person_id=person_id, partner_id=partner_id,
                         local_date=occurrence.local_date,
                         subject=partner.name if partner is not None else "", status=status,
                         answers=list(answers), created_at=now, updated_at=now)
        row, inserted = await insert_or_find(
            session, created, lambda: answer_of(session, occurrence_id, person_id, partner_id))
        if inserted:
            return row, True
        existing = row
    existing.status, existing.answers, existing.updated_at = status, list(answers), now
    if partner is not None:
        existing.subject = partner.name
    session.add(existing)
    await session.flush()
    return existing, False


async def withdraw_skips(session: AsyncSession, occurrence_id: int, person_id: int) -> int:
    """Take back a person's skips of a day (they are back): how many there were."""
    skips = (await session.exec(select(Answer).where(
        Answer.occurrence_id == occurrence_id, Answer.person_id == person_id,
        Answer.status == AnswerStatus.SKIPPED))).all()
    for skip in skips:
        await session.delete(skip)
    await session.flush()
    return len(skips)


async def next_close_after(session: AsyncSession, now: datetime) -> datetime | None:
    """The earliest close time after `now` of an occurrence that is still open."""
    statement = select(func.min(Occurrence.close_at)).where(
        col(Occurrence.closed_at).is_(None), Occurrence.close_at > now)
    return (await session.exec(statement)).one()


async def open_days_that_remind(session: AsyncSession) -> Sequence[tuple[Occurrence, int]]:
    """(occurrence, reminder minutes) of every open day of an active cadence that reminds."""
    statement = (select(Occurrence, Cadence.reminder_minutes)
                 .join(Cadence, col(Cadence.id) == Occurrence.cadence_id)
                 .where(col(Occurrence.closed_at).is_(None), Cadence.reminder_minutes > 0,
                        col(Cadence.paused).is_(False)))
    return (await session.exec(statement)).all()


async def answers_about(session: AsyncSession, workspace_id: int, partner_id: int,
                        limit: int) -> list[tuple[date, list[str], list[str]]]:
    """The latest `limit` answers given about a partner in check-ins, oldest first: (day,
    the questions asked that day, the answers)."""
    statement = (select(Answer, Occurrence, Cadence)
                 .join(Occurrence, col(Occurrence.id) == Answer.occurrence_id)
                 .join(Cadence, col(Cadence.id) == Occurrence.cadence_id)
                 .where(Answer.workspace_id == workspace_id,
                        Answer.status == AnswerStatus.ANSWERED,
                        Answer.partner_id == partner_id)
                 .order_by(col(Occurrence.local_date).desc(), col(Answer.id).desc())
                 .limit(limit))
    found = (await session.exec(statement)).all()
    # A day from before days kept their questions asked its cadence's.
    return [(day.local_date, [str(line) for line in day.questions or cadence.questions],
             [str(value) for value in answer.answers])
            for answer, day, cadence in reversed(found)]
