"""Elephant reports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.elephants.models import Elephant, ElephantStatus
from storage.numbering import insert_numbered


async def create(session: AsyncSession, *, workspace_id: int, title: str, description: str,
                 platform: str, reporter_id: int | None, now: datetime,
                 **details: object) -> Elephant:
    """A report with the workspace's next number (E-1, E-2, ...); `details` are its other
    columns (sides, category, hours_lost_per_week, deals_affected, partner_id, anonymous).
    An anonymous report stores no reporter."""
    # A core INSERT: column defaults of the model do not apply, so they are given here.
    values: dict[str, object] = {"sides": [], "anonymous": False, **details}
    return await insert_numbered(session, Elephant, workspace_id, title=title,
                                 description=description, status=ElephantStatus.REPORTED,
                                 platform=platform,
                                 reporter_id=None if values["anonymous"] else reporter_id,
                                 created_at=now, **values)


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
    statement = select(Elephant).where(Elephant.partner_id == partner_id).order_by(
        col(Elephant.number))
    return (await session.exec(statement)).all()


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
