"""The herd as its reports read it: each elephant's columns, without an ORM object apiece
(a herd of 100,000 loads in a fraction of the time), and how many see each one too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.elephants.models import Elephant, ElephantCategory, ElephantStatus


@dataclass(frozen=True, slots=True)
class HerdLine:
    id: int
    number: int
    title: str
    status: ElephantStatus
    category: ElephantCategory | None
    hours_lost_per_week: Decimal | None
    anonymous: bool
    created_at: datetime
    status_changed_at: datetime | None

    @property
    def short_id(self) -> str:
        return f"E-{self.number}"


async def herd_lines(session: AsyncSession, workspace_id: int) -> list[HerdLine]:
    """Every elephant of the workspace, by number."""
    statement = (select(Elephant.id, Elephant.number, Elephant.title, Elephant.status,
                        Elephant.category, Elephant.hours_lost_per_week, Elephant.anonymous,
                        Elephant.created_at, Elephant.status_changed_at)
                 .where(Elephant.workspace_id == workspace_id)
                 .order_by(col(Elephant.number)))
    return [HerdLine(*row) for row in (await session.exec(statement)).all()]
