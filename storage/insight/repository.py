"""Observers, their digest slots, and single-use dashboard sign-in links."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.cadences.models import Cadence
from storage.common.models import Person
from storage.insight.models import DashboardLink, DigestSlot, Observer

# Rows outlive their link by this much: the session a link started lasts less than it.
SESSIONS_KEPT = timedelta(days=2)


async def add_observer(session: AsyncSession, *, workspace_id: int, person_id: int,
                       cadence_id: int | None, added_by: int | None, now: datetime) -> bool:
    """Add one; False when they already observe that (a unique index decides, so two
    admins at once still add one row)."""
    try:
        async with session.begin_nested():
            session.add(Observer(workspace_id=workspace_id, person_id=person_id,
                                 cadence_id=cadence_id, added_by=added_by, created_at=now))
            await session.flush()
    except IntegrityError:
        return False
    return True


async def remove_observer(session: AsyncSession, workspace_id: int, person_id: int,
                          cadence_id: int | None) -> bool:
    statement = delete(Observer).where(Observer.workspace_id == workspace_id,  # type: ignore[call-overload]
                                       Observer.person_id == person_id)
    statement = statement.where(col(Observer.cadence_id).is_(None)) if cadence_id is None \
        else statement.where(Observer.cadence_id == cadence_id)
    result = await session.exec(statement)
    return bool(result.rowcount)


async def observers_of(session: AsyncSession, cadence_id: int) -> Sequence[Person]:
    """Who observes this cadence (not counting whole-install observers)."""
    statement = (select(Person).join(Observer, col(Observer.person_id) == Person.id)
                 .where(Observer.cadence_id == cadence_id)
                 .order_by(col(Person.display_name)))
    return (await session.exec(statement)).all()


async def observers(session: AsyncSession, workspace_id: int | None = None
                    ) -> Sequence[tuple[Observer, Person, Cadence | None]]:
    """Every observation (of one workspace, or all), with its person and cadence."""
    statement = (select(Observer, Person, Cadence)
                 .join(Person, col(Person.id) == Observer.person_id)
                 .join(Cadence, col(Cadence.id) == Observer.cadence_id, isouter=True)
                 .order_by(col(Observer.workspace_id), col(Observer.person_id),
                           col(Observer.id)))
    if workspace_id is not None:
        statement = statement.where(Observer.workspace_id == workspace_id)
    return (await session.exec(statement)).all()


async def slots(session: AsyncSession, person_ids: Sequence[int]) -> dict[int, DigestSlot]:
    if not person_ids:
        return {}
    statement = select(DigestSlot).where(col(DigestSlot.person_id).in_(person_ids))
    return {slot.person_id: slot for slot in (await session.exec(statement)).all()}


async def ensure_slot(session: AsyncSession, person_id: int, *, zone: str,
                      now: datetime) -> DigestSlot:
    """The person's slot; Monday 09:00 in `zone` from now on when they have none yet."""
    found = await session.get(DigestSlot, person_id)
    if found is not None:
        return found
    try:
        async with session.begin_nested():
            slot = DigestSlot(person_id=person_id, zone=zone, since=now)
            session.add(slot)
            await session.flush()
            return slot
    except IntegrityError:  # another request made it first
        found = await session.get(DigestSlot, person_id)
        assert found is not None
        return found


async def set_slot(session: AsyncSession, person_id: int, *, weekday: int, at: str, zone: str,
                   now: datetime) -> DigestSlot:
    slot = await ensure_slot(session, person_id, zone=zone, now=now)
    slot.weekday, slot.at, slot.zone, slot.since = weekday, at, zone, now
    session.add(slot)
    await session.flush()
    return slot


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


async def live_session(session: AsyncSession, session_id: str, *, now: datetime,
                       lasts: timedelta) -> DashboardLink | None:
    """The used link `session_id` names, while its session lasts and was not ended."""
    statement = select(DashboardLink).where(
        col(DashboardLink.token_hash) == session_id, col(DashboardLink.used_at).is_not(None),
        col(DashboardLink.ended_at).is_(None), col(DashboardLink.used_at) > now - lasts)
    return (await session.exec(statement)).first()


async def end_session(session: AsyncSession, session_id: str, now: datetime) -> None:
    statement = (update(DashboardLink).where(col(DashboardLink.token_hash) == session_id,
                                             col(DashboardLink.ended_at).is_(None))
                 .values(ended_at=now))
    await session.exec(statement)  # type: ignore[call-overload]


async def keep_link(session: AsyncSession, *, token: str, workspace_id: int, person_id: int,
                    now: datetime, expires_at: datetime) -> None:
    """Remember a sign-in link by its token's hash; expired ones are cleared on the way."""
    # Links never used and past their time, and sessions long over, go on the way.
    await session.exec(delete(DashboardLink).where(  # type: ignore[call-overload]
        col(DashboardLink.expires_at) < now - SESSIONS_KEPT))
    session.add(DashboardLink(token_hash=token_hash(token), workspace_id=workspace_id,
                              person_id=person_id, created_at=now, expires_at=expires_at))
    await session.flush()


async def link_is_live(session: AsyncSession, token: str, now: datetime) -> bool:
    """Whether the link would still sign someone in (unused, unexpired); spends nothing."""
    statement = select(DashboardLink.token_hash).where(
        col(DashboardLink.token_hash) == token_hash(token), col(DashboardLink.used_at).is_(None),
        col(DashboardLink.expires_at) > now)
    return (await session.exec(statement)).first() is not None


async def use_link(session: AsyncSession, token: str, now: datetime) -> DashboardLink | None:
    """Spend a link: the one request that marks it used gets it; a second use, an expired
    or an unknown link gets None (one conditional UPDATE decides, across processes)."""
    hashed = token_hash(token)
    statement = (update(DashboardLink)
                 .where(col(DashboardLink.token_hash) == hashed,
                        col(DashboardLink.used_at).is_(None),
                        col(DashboardLink.expires_at) > now)
                 .values(used_at=now))
    result = await session.exec(statement)  # type: ignore[call-overload]
    if not result.rowcount:
        return None
    return await session.get(DashboardLink, hashed)
