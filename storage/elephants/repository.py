"""Elephant reports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, func, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.elephants.models import (
    Elephant,
    ElephantDraft,
    ElephantFollower,
    ElephantStatus,
    ElephantVote,
)
from storage.numbering import insert_numbered


async def create(session: AsyncSession, *, workspace_id: int, title: str, description: str,
                 platform: str, reporter_id: int | None, now: datetime,
                 **details: object) -> Elephant:
    """A report with the workspace's next number (E-1, E-2, ...); `details` are its other
    columns (sides, category, hours_lost_per_week, deals_affected, partner_id, anonymous).
    An anonymous report stores no reporter."""
    # A core INSERT: column defaults of the model do not apply, so they are given here.
    values: dict[str, object] = {"sides": [], "anonymous": False, **details}
    anonymous = bool(values["anonymous"])
    return await insert_numbered(session, Elephant, workspace_id, title=title,
                                 description=description, status=ElephantStatus.REPORTED,
                                 platform=platform,
                                 reporter_id=None if anonymous else reporter_id,
                                 created_at=anonymous_instant(now) if anonymous else now,
                                 **values)


def anonymous_instant(moment: datetime) -> datetime:
    """When an anonymous report was filed, to the day only: a to-the-second time could be
    matched to whoever was active then."""
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


async def get_in(session: AsyncSession, workspace_id: int, elephant_id: int) -> Elephant | None:
    statement = select(Elephant).where(Elephant.id == elephant_id,
                                       Elephant.workspace_id == workspace_id)
    return (await session.exec(statement)).first()


async def by_number(session: AsyncSession, workspace_id: int, number: int) -> Elephant | None:
    """E-<number> of the workspace."""
    statement = select(Elephant).where(Elephant.workspace_id == workspace_id,
                                       Elephant.number == number)
    return (await session.exec(statement)).first()


async def involving(session: AsyncSession, partner_id: int) -> Sequence[Elephant]:
    """The elephants whose related partner is this one."""
    return (await involving_any(session, [partner_id])).get(partner_id, [])


async def involving_any(session: AsyncSession, partner_ids: Sequence[int]
                        ) -> dict[int, list[Elephant]]:
    """Partner -> the elephants that name it, by number, in one query."""
    found: dict[int, list[Elephant]] = {}
    if not partner_ids:
        return found
    statement = select(Elephant).where(col(Elephant.partner_id).in_(list(partner_ids))) \
        .order_by(col(Elephant.number))
    for elephant in (await session.exec(statement)).all():
        found.setdefault(elephant.partner_id or 0, []).append(elephant)
    return found


async def mark_posted(session: AsyncSession, elephant_id: int, *, conversation_id: str,
                      message_id: str) -> None:
    elephant = await session.get(Elephant, elephant_id)
    if elephant is None:
        return
    elephant.posted_conversation_id, elephant.posted_message_id = conversation_id, message_id
    session.add(elephant)
    await session.flush()


async def all_elephants(session: AsyncSession, workspace_id: int) -> Sequence[Elephant]:
    statement = select(Elephant).where(Elephant.workspace_id == workspace_id).order_by(
        col(Elephant.number))
    return (await session.exec(statement)).all()


async def reported_by(session: AsyncSession, workspace_id: int,
                      person_id: int) -> Sequence[Elephant]:
    """The elephants a person reported under their name (anonymous ones name nobody)."""
    statement = select(Elephant).where(Elephant.workspace_id == workspace_id,
                                       Elephant.reporter_id == person_id).order_by(
        col(Elephant.number))
    return (await session.exec(statement)).all()


async def vote(session: AsyncSession, elephant_id: int, voter_key: str,
               person_id: int | None = None) -> bool:
    """Count a vote (named only when `person_id` is given); False when this voter's vote was
    counted already (nothing changes)."""
    if await session.get(ElephantVote, (elephant_id, voter_key)) is not None:
        return False
    try:
        async with session.begin_nested():
            session.add(ElephantVote(elephant_id=elephant_id, voter_key=voter_key,
                                     person_id=person_id))
            await session.flush()
    except IntegrityError:
        return False  # the same person's other click, at the same moment
    return True


async def unvote(session: AsyncSession, elephant_id: int, voter_key: str) -> bool:
    """Take a vote back; False when there was none."""
    result = await session.exec(delete(ElephantVote).where(  # type: ignore[call-overload]
        col(ElephantVote.elephant_id) == elephant_id, col(ElephantVote.voter_key) == voter_key))
    return bool(result.rowcount)


async def herds(session: AsyncSession, elephant_ids: Sequence[int]) -> dict[int, int]:
    """How many see each elephant too (absent: nobody yet)."""
    if not elephant_ids:
        return {}
    statement = (select(ElephantVote.elephant_id, func.count())
                 .where(col(ElephantVote.elephant_id).in_(elephant_ids))
                 .group_by(col(ElephantVote.elephant_id)))
    return dict((await session.exec(statement)).all())


async def herds_in(session: AsyncSession, workspace_id: int) -> dict[int, int]:
    """`herds` of every elephant of a workspace, by a join: no list of ids (PostgreSQL's
    driver takes at most 32,767 parameters, and a big herd of elephants has more)."""
    statement = (select(ElephantVote.elephant_id, func.count())
                 .join(Elephant, col(Elephant.id) == ElephantVote.elephant_id)
                 .where(Elephant.workspace_id == workspace_id)
                 .group_by(col(ElephantVote.elephant_id)))
    return dict((await session.exec(statement)).all())


async def change_status(session: AsyncSession, elephant_id: int, *, expected: ElephantStatus,
                        status: ElephantStatus, now: datetime, owner_id: int | None = None,
                        note: str | None = None) -> bool:
    """Move the elephant from `expected` to `status` (with its owner or note); False, and
    nothing changed, when someone else changed its status first."""
    values: dict[str, object] = {"status": status, "status_changed_at": now}
    if owner_id is not None:
        values["owner_id"] = owner_id
    if note is not None:
        values["note"] = note
    result = await session.exec(update(Elephant).where(  # type: ignore[call-overload]
        col(Elephant.id) == elephant_id, col(Elephant.status) == expected).values(**values))
    return bool(result.rowcount)


DRAFT_KEPT = timedelta(days=1)


async def keep_draft(session: AsyncSession, workspace_id: int, token: str,
                     report: dict[str, object], now: datetime) -> None:
    """Hold a report back (a day at most: older drafts go as new ones come)."""
    await session.exec(delete(ElephantDraft).where(  # type: ignore[call-overload]
        col(ElephantDraft.created_at) < now - DRAFT_KEPT))
    session.add(ElephantDraft(token=token, workspace_id=workspace_id, report=dict(report),
                              created_at=now))
    await session.flush()


async def take_draft(session: AsyncSession, workspace_id: int, token: str
                     ) -> dict[str, object] | None:
    """The held-back report, once: taking it removes it (a second click finds nothing)."""
    statement = select(ElephantDraft).where(ElephantDraft.token == token,
                                            ElephantDraft.workspace_id == workspace_id)
    draft = (await session.exec(statement)).first()
    if draft is None:
        return None
    result = await session.exec(delete(ElephantDraft).where(  # type: ignore[call-overload]
        col(ElephantDraft.token) == token))
    return dict(draft.report) if result.rowcount else None


async def named_voters(session: AsyncSession, elephant_id: int) -> list[int]:
    """The people whose votes carry their name (cast while votes were named)."""
    statement = select(ElephantVote.person_id).where(
        ElephantVote.elephant_id == elephant_id, col(ElephantVote.person_id).is_not(None))
    return [person_id for person_id in (await session.exec(statement)).all() if person_id]


async def follow(session: AsyncSession, elephant_id: int, person_id: int) -> bool:
    """Ask to be told of its changes; False when already asked."""
    if await session.get(ElephantFollower, (elephant_id, person_id)) is not None:
        return False
    try:
        async with session.begin_nested():
            session.add(ElephantFollower(elephant_id=elephant_id, person_id=person_id))
            await session.flush()
    except IntegrityError:
        return False
    return True


async def unfollow(session: AsyncSession, elephant_id: int, person_id: int) -> bool:
    result = await session.exec(delete(ElephantFollower).where(  # type: ignore[call-overload]
        col(ElephantFollower.elephant_id) == elephant_id,
        col(ElephantFollower.person_id) == person_id))
    return bool(result.rowcount)


async def followers(session: AsyncSession, elephant_id: int) -> list[int]:
    statement = select(ElephantFollower.person_id).where(
        ElephantFollower.elephant_id == elephant_id).order_by(col(ElephantFollower.person_id))
    return list((await session.exec(statement)).all())


async def forget_voters(session: AsyncSession, workspace_id: int) -> int:
    """Take the names off every vote of the workspace's elephants; how many had one."""
    ids = select(Elephant.id).where(Elephant.workspace_id == workspace_id)
    result = await session.exec(update(ElephantVote).where(  # type: ignore[call-overload]
        col(ElephantVote.elephant_id).in_(ids), col(ElephantVote.person_id).is_not(None))
        .values(person_id=None))
    return int(result.rowcount or 0)
