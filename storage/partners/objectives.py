"""Partners' own objectives, numbered per workspace, and their progress updates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, Date, Label, case, cast, func, literal
from sqlmodel import and_, col, or_, select
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
class ObjectiveTally:
    """How many of a partner's objectives that count in a period are in one state."""

    period: int  # its index in the periods asked for
    partner_id: int
    status: ObjectiveStatus
    overdue: bool  # still open after its due date
    count: int


def _counting_day(dialect: str, today: date) -> ColumnElement[date]:
    """The day an objective counts on: its due date; without one, the (UTC) day it was
    closed; while open without one, `today`."""
    closed = col(Objective.closed_at)
    closed_on = func.date(closed) if dialect == "sqlite" else \
        cast(func.timezone("UTC", closed), Date)
    return func.coalesce(col(Objective.due_on), closed_on, literal(today, Date))


def _period(session: AsyncSession, periods: Sequence[tuple[date, date]], today: date
            ) -> Label[int]:
    """The index of the period (first and last day; periods do not overlap) an objective
    counts in; NULL for none."""
    day = _counting_day(session.bind.dialect.name, today)  # type: ignore[union-attr]
    return case(*((day.between(literal(first, Date), literal(last, Date)), index)
                  for index, (first, last) in enumerate(periods))).label("period")


async def tallies(session: AsyncSession, workspace_id: int,
                  periods: Sequence[tuple[date, date]], today: date,
                  partner_id: int | None = None) -> list[ObjectiveTally]:
    """Objectives counted in each period, grouped by period, partner and state in one pass
    of the database: a review of 100,000 objectives moves a few hundred rows, not 100,000."""
    period = _period(session, periods, today)
    overdue = case((and_(Objective.status == ObjectiveStatus.OPEN,
                         col(Objective.due_on) < today), True), else_=False).label("overdue")
    statement = (select(period, Objective.partner_id, Objective.status, overdue,
                        func.count().label("count"))
                 .where(Objective.workspace_id == workspace_id, period.element.is_not(None))
                 .group_by(period.element, col(Objective.partner_id), col(Objective.status),
                           overdue.element))
    if partner_id is not None:
        statement = statement.where(Objective.partner_id == partner_id)
    return [ObjectiveTally(index, partner, status, bool(late), count)
            for index, partner, status, late, count in (await session.exec(statement)).all()]


@dataclass(frozen=True, slots=True)
class ObjectiveScore:
    """A partner's objectives that count in a period: how many, how many of them are judged
    (met, missed, or overdue: open after their due date) and how many were met."""

    period: int  # its index in the periods asked for
    partner_id: int
    counted: int
    judged: int
    met: int


async def scores(session: AsyncSession, workspace_id: int,
                 periods: Sequence[tuple[date, date]], today: date,
                 partner_id: int | None = None) -> list[ObjectiveScore]:
    """What a scorecard reads of `tallies`, summed in the database: a row per period and
    partner, not per state."""
    period = _period(session, periods, today)
    status = col(Objective.status)
    judged = or_(status.in_([ObjectiveStatus.MET, ObjectiveStatus.MISSED]),
                 and_(status == ObjectiveStatus.OPEN, col(Objective.due_on) < today))
    statement = (select(period, Objective.partner_id, func.count(),
                        func.sum(case((judged, 1), else_=0)),
                        func.sum(case((status == ObjectiveStatus.MET, 1), else_=0)))
                 .where(Objective.workspace_id == workspace_id, period.element.is_not(None))
                 .group_by(period.element, col(Objective.partner_id)))
    if partner_id is not None:
        statement = statement.where(Objective.partner_id == partner_id)
    return [ObjectiveScore(*row) for row in (await session.exec(statement)).all()]


def _counts_within(first: date, last: date, today: date) -> ColumnElement[bool]:
    """`_counting_day(...)` between `first` and `last`, as a test of each column."""
    # PostgreSQL estimates these from its statistics (`today` is tested here); it took the
    # COALESCE for a handful of rows and sorted a hundred thousand to group them.
    due, closed = col(Objective.due_on), col(Objective.closed_at)
    terms = [due.between(first, last),
             and_(due.is_(None), closed >= datetime.combine(first, time(), UTC),
                  closed < datetime.combine(last + timedelta(days=1), time(), UTC))]
    if first <= today <= last:
        terms.append(and_(due.is_(None), closed.is_(None)))
    return or_(*terms)


async def judged_and_met(session: AsyncSession, workspace_id: int, first: date, last: date,
                         today: date) -> dict[int, tuple[int, int]]:
    """Partner -> (judged, met) of its objectives counting from `first` to `last`."""
    # `scores` summed over periods that tile the span, for a page that shows only the sums:
    # one range and no period CASE a row. On SQLite ix_objective_partner_scores holds every
    # column read, in partner order: grouped without a sort or a row read.
    status = col(Objective.status)
    judged = or_(status.in_([ObjectiveStatus.MET, ObjectiveStatus.MISSED]),
                 and_(status == ObjectiveStatus.OPEN, col(Objective.due_on) < today))
    statement = (select(Objective.partner_id, func.count(),
                        func.count().filter(status == ObjectiveStatus.MET))
                 .where(Objective.workspace_id == workspace_id, judged,
                        _counts_within(first, last, today))
                 .group_by(col(Objective.partner_id)))
    return {partner: (judged_count, met)
            for partner, judged_count, met in (await session.exec(statement)).all()}


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
