"""Partners' own objectives, numbered per workspace, and their progress updates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.common.models import Partner
from storage.numbering import insert_numbered
from storage.partners.models import Objective, ObjectiveStatus, ObjectiveUpdate


async def add(session: AsyncSession, *, workspace_id: int, partner_id: int, text: str,
              due_on: date | None, target: Decimal | None, unit: str | None,
              created_by: int | None, now: datetime) -> Objective:
    """An objective with the workspace's next number (O-1, O-2, ...)."""
    return await insert_numbered(session, Objective, workspace_id, partner_id=partner_id,
                                 text=text, due_on=due_on, target=target, unit=unit,
                                 status=ObjectiveStatus.OPEN, created_by_id=created_by,
                                 created_at=now, updated_at=now)


async def by_number(session: AsyncSession, workspace_id: int, number: int) -> Objective | None:
    statement = select(Objective).where(Objective.workspace_id == workspace_id,
                                        Objective.number == number)
    return (await session.exec(statement)).first()


async def of_partners(session: AsyncSession, partner_ids: Sequence[int], *,
                      only_open: bool = False) -> Sequence[Objective]:
    statement = select(Objective).where(col(Objective.partner_id).in_(partner_ids))
    if only_open:
        statement = statement.where(Objective.status == ObjectiveStatus.OPEN)
    return (await session.exec(statement.order_by(col(Objective.number)))).all()


@dataclass(frozen=True, slots=True)
class ObjectiveLine:
    """What a review judges of an objective: its columns, without an ORM object apiece."""

    partner_id: int
    due_on: date | None
    status: ObjectiveStatus
    closed_at: datetime | None


async def review_lines(session: AsyncSession, workspace_id: int,
                       partner_id: int | None = None) -> list[ObjectiveLine]:
    """The workspace's objectives (one partner's, when given) as review lines, by a join on
    the workspace rather than a list of partner ids."""
    statement = select(Objective.partner_id, Objective.due_on, Objective.status,
                       Objective.closed_at).where(Objective.workspace_id == workspace_id)
    if partner_id is not None:
        statement = statement.where(Objective.partner_id == partner_id)
    return [ObjectiveLine(*row) for row in (await session.exec(statement)).all()]


async def record(session: AsyncSession, objective: Objective, *, status: ObjectiveStatus,
                 percent: int | None, value: Decimal | None, note: str,
                 person_id: int | None, now: datetime) -> ObjectiveUpdate:
    """Progress or a close: the objective shows the latest, the update row keeps it."""
    objective.status = status
    objective.percent = percent if percent is not None else objective.percent
    objective.value = value if value is not None else objective.value
    objective.updated_at = now
    objective.closed_at = now if status is not ObjectiveStatus.OPEN else None
    session.add(objective)
    update = ObjectiveUpdate(objective_id=objective.id or 0, percent=percent, value=value,
                             status=status, note=note, person_id=person_id, created_at=now)
    session.add(update)
    await session.flush()
    return update


async def updates(session: AsyncSession, objective_id: int) -> Sequence[ObjectiveUpdate]:
    statement = select(ObjectiveUpdate).where(ObjectiveUpdate.objective_id == objective_id)
    return (await session.exec(statement.order_by(col(ObjectiveUpdate.id)))).all()


async def open_with_due_date(session: AsyncSession) -> Sequence[Objective]:
    """Every workspace's open objectives that have a due date (run-due serves them all)."""
    statement = select(Objective).where(Objective.status == ObjectiveStatus.OPEN,
                                        col(Objective.due_on).is_not(None))
    return (await session.exec(statement.order_by(col(Objective.id)))).all()


async def open_for(session: AsyncSession, workspace_id: int, person_id: int,
                   partner_id: int | None) -> list[tuple[Objective, str]]:
    """The open objectives of the partners a person owns (or speaks for, as a contact),
    soonest due first, each with its partner's name."""
    owned = or_(Partner.owner_id == person_id, Partner.id == (partner_id or -1))
    statement = (select(Objective, Partner.name)
                 .join(Partner, col(Partner.id) == Objective.partner_id)
                 .where(Partner.workspace_id == workspace_id, owned,
                        col(Partner.archived_at).is_(None),
                        Objective.status == ObjectiveStatus.OPEN)
                 .order_by(col(Objective.due_on).is_(None), col(Objective.due_on),
                           col(Objective.number)))
    return [(objective, name) for objective, name in (await session.exec(statement)).all()]
