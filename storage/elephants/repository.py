"""Elephant reports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.elephants.models import Elephant


async def create(session: AsyncSession, *, title: str, description: str, platform: str,
                 reporter_id: int | None, now: datetime) -> Elephant:
    elephant = Elephant(title=title, description=description, platform=platform,
                        reporter_id=reporter_id, created_at=now)
    session.add(elephant)
    await session.flush()
    return elephant


async def get(session: AsyncSession, elephant_id: int) -> Elephant | None:
    return await session.get(Elephant, elephant_id)


async def mark_posted(session: AsyncSession, elephant_id: int, *, conversation_id: str,
                      message_id: str) -> None:
    elephant = await session.get(Elephant, elephant_id)
    if elephant is None:
        return
    elephant.posted_conversation_id, elephant.posted_message_id = conversation_id, message_id
    session.add(elephant)
    await session.flush()


async def all_elephants(session: AsyncSession) -> Sequence[Elephant]:
    return (await session.exec(select(Elephant).order_by(Elephant.id))).all()
