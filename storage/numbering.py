"""Rows numbered per workspace (E-1, O-1, ...): the next number is taken in the INSERT."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

T = TypeVar("T", bound=SQLModel)

# Two rows added at the same instant may both read the highest number before either
# commits (PostgreSQL); the unique key on (workspace, number) refuses one, which tries again.
NUMBER_ATTEMPTS = 5


async def insert_numbered(session: AsyncSession, model: type[T], workspace_id: int,
                          **values: Any) -> T:
    """A new `model` row with the workspace's next `number` and these values."""
    table: Any = model
    following = (select(func.coalesce(func.max(table.number), 0) + 1)
                 .where(table.workspace_id == workspace_id).scalar_subquery())
    statement = insert(table).values(workspace_id=workspace_id, number=following,
                                     **values).returning(table.id)
    for attempt in range(NUMBER_ATTEMPTS):
        try:
            async with session.begin_nested():
                created = (await session.exec(statement)).scalar_one()  # type: ignore[call-overload]
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise
            continue
        row = await session.get(model, created)
        assert row is not None
        return row
    raise AssertionError("unreachable")
