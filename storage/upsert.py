"""Insert a row unless a concurrent writer got there first (a unique constraint decides)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

RowT = TypeVar("RowT", bound=SQLModel)


async def insert_or_find(session: AsyncSession, row: RowT,
                         find: Callable[[], Awaitable[RowT | None]], *,
                         before: Callable[[], Awaitable[object]] | None = None
                         ) -> tuple[RowT, bool]:
    """(row, True) if inserted; (the winner's row, False) if another request inserted it.

    `before` runs inside the same savepoint, so rows it inserts (a person for their first
    identity) are undone with `row` when another request won.
    """
    try:
        async with session.begin_nested():
            if before is not None:
                await before()
            session.add(row)
            await session.flush()
    except IntegrityError:
        existing = await find()
        if existing is None:
            raise
        return existing, False
    return row, True
