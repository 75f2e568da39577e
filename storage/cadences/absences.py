"""Out of office and skipped days: recorded, ended, and who is away on a day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.cadences.models import Absence, Cadence
from storage.common.models import Person


async def add_absence(session: AsyncSession, *, person: Person, starts_on: date, ends_on: date,
                      now: datetime, cadence_id: int | None = None) -> Absence:
    absence = Absence(workspace_id=person.workspace_id, person_id=person.id or 0,
                      cadence_id=cadence_id, starts_on=starts_on, ends_on=ends_on,
                      created_at=now)
    session.add(absence)
    await session.flush()
    return absence


async def end_absences(session: AsyncSession, person_id: int, today: date) -> int:
    """Back from today: absences in effect today end yesterday (or go, if they began
    today); one planned for later stays. Returns how many changed."""
    statement = select(Absence).where(Absence.person_id == person_id,
                                      Absence.starts_on <= today, Absence.ends_on >= today)
    changed = 0
    for absence in (await session.exec(statement)).all():
        if absence.starts_on == today:
            await session.delete(absence)
        else:
            absence.ends_on = date.fromordinal(today.toordinal() - 1)
            session.add(absence)
        changed += 1
    await session.flush()
    return changed


async def planned_absences(session: AsyncSession, person_id: int, today: date
                           ) -> list[Absence]:
    """Absences that begin after `today`, soonest first."""
    statement = select(Absence).where(Absence.person_id == person_id,
                                      Absence.starts_on > today).order_by(col(Absence.starts_on))
    return list((await session.exec(statement)).all())


# Above this many people, who is away is read for the cadence's whole workspace and picked
# out here: binding a fan-out's thousands of ids cost the event loop more than the database
# takes to find a day's absences (its work runs beside the loop, not in it).
ABSENT_IDS_MAX = 500


async def absent_on(session: AsyncSession, person_ids: Sequence[int], day: date,
                    cadence_id: int) -> set[int]:
    """Who of `person_ids` is away on `day` (from every cadence, or from this one)."""
    if not person_ids:
        return set()
    on_day = (Absence.starts_on <= day, Absence.ends_on >= day,
              or_(col(Absence.cadence_id).is_(None), Absence.cadence_id == cadence_id))
    if len(person_ids) <= ABSENT_IDS_MAX:
        statement = select(Absence.person_id).where(col(Absence.person_id).in_(person_ids),
                                                    *on_day)
        return set((await session.exec(statement)).all())
    workspace = select(Cadence.workspace_id).where(Cadence.id == cadence_id).scalar_subquery()
    statement = select(Absence.person_id).where(Absence.workspace_id == workspace, *on_day)
    return set((await session.exec(statement)).all()).intersection(person_ids)
