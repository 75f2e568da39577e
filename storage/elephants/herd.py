"""The herd as its reports read it: each elephant's columns, without an ORM object apiece
(a herd of 100,000 loads in a fraction of the time), and how many see each one too."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func
from sqlmodel import and_, col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.elephants.models import (
    CLOSED_STATUSES,
    Elephant,
    ElephantCategory,
    ElephantStatus,
    ElephantVote,
)

# An anonymous report's created_at is its day; it counts as filed at the day's end.
ANONYMOUS_DAY = timedelta(days=1) - timedelta(microseconds=1)


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
    statement = _columns().where(Elephant.workspace_id == workspace_id)
    return [HerdLine(*row) for row in (await session.exec(statement)).all()]


_COLUMNS = (Elephant.id, Elephant.number, Elephant.title, Elephant.status, Elephant.category,
            Elephant.hours_lost_per_week, Elephant.anonymous, Elephant.created_at,
            Elephant.status_changed_at)


def _columns() -> Select[Any]:
    """A HerdLine's columns, by number."""
    return select(*_COLUMNS).order_by(col(Elephant.number))


def _filed_at_or_before(moment: datetime) -> ColumnElement[bool]:
    """Filed at or before `moment`: an anonymous report keeps its day only and counts as
    filed at that day's end (created_at + 1 day - 1 µs)."""
    return or_(and_(col(Elephant.anonymous).is_(False), col(Elephant.created_at) <= moment),
               and_(col(Elephant.anonymous).is_(True),
                    col(Elephant.created_at) <= moment - ANONYMOUS_DAY))


def _filed_at(moments: Sequence[datetime]) -> ColumnElement[bool]:
    return or_(and_(col(Elephant.anonymous).is_(False), col(Elephant.created_at).in_(moments)),
               and_(col(Elephant.anonymous).is_(True), col(Elephant.created_at).in_(
                   [moment - ANONYMOUS_DAY for moment in moments])))


def _bucket(at_or_before: Callable[[datetime], ColumnElement[bool]],
            moments: Sequence[datetime]) -> ColumnElement[int]:
    """The index of the first of the sorted `moments` a row's moment is at or before (their
    number when after all)."""
    return case(*((at_or_before(moment), index) for index, moment in enumerate(moments)),
                else_=len(moments))


@dataclass(frozen=True, slots=True)
class Timed:
    """Elephants whose moment (filed, or closed) falls in one bucket of sorted instants:
    at or before instant `bucket` and after the one before; `on_instant`: exactly at it."""

    bucket: int
    on_instant: bool
    count: int
    hours: Decimal


@dataclass(frozen=True)
class HerdTimeline:
    """When the herd's elephants were filed and closed, counted by the database against
    sorted instants (not an elephant at a time: a herd of 100,000 moves a few rows)."""

    instants: tuple[datetime, ...]
    filed: list[Timed]
    closed: list[Timed]  # at the later of the status change and the filing
    changed: list[Timed]  # closed ones at their status change, as it was recorded


async def herd_timeline(session: AsyncSession, workspace_id: int,
                        instants: Sequence[datetime]) -> HerdTimeline:
    """Filings and closings (resolved or won't fix; a close before an anonymous report's
    day-rounded filing counts at the filing) by bucket of the sorted `instants`."""
    moments = sorted(instants)
    closed = col(Elephant.status).in_(CLOSED_STATUSES)
    filed_bucket = _bucket(_filed_at_or_before, moments).label("filed_bucket")
    filed_on = case((_filed_at(moments), True), else_=False).label("filed_on")
    changed_bucket = case((closed, _bucket(lambda moment: col(Elephant.status_changed_at)
                                           <= moment, moments))).label("changed_bucket")
    changed_on = case((and_(closed, col(Elephant.status_changed_at).in_(moments)), True),
                      else_=False).label("changed_on")
    keys = (filed_bucket, filed_on, changed_bucket, changed_on)
    statement = (select(*keys, func.count(), func.sum(Elephant.hours_lost_per_week))
                 .where(Elephant.workspace_id == workspace_id)
                 .group_by(*(key.element for key in keys)))
    filed: list[Timed] = []
    closings: list[Timed] = []
    changes: list[Timed] = []
    for bucket, on, changed, changed_at, count, hours in (await session.exec(statement)).all():
        total = Decimal(str(hours or 0))
        filed.append(Timed(bucket, bool(on), count, total))
        if changed is None:
            continue
        changes.append(Timed(changed, bool(changed_at), count, total))
        # Closed at the later of its close and its filing.
        later = max(bucket, changed)
        at = (bool(on) and bucket == later) or (bool(changed_at) and changed == later)
        closings.append(Timed(later, at, count, total))
    return HerdTimeline(tuple(moments), filed, closings, changes)


def _filed_since(moment: datetime) -> ColumnElement[bool]:
    """Filed at or after `moment` (an anonymous report: by the end of its day)."""
    return or_(and_(col(Elephant.anonymous).is_(False), col(Elephant.created_at) >= moment),
               and_(col(Elephant.anonymous).is_(True),
                    col(Elephant.created_at) >= moment - ANONYMOUS_DAY))


@dataclass(frozen=True)
class Listed:
    """The first elephants (by number) of those that match, and how many match."""

    first: list[HerdLine]
    count: int


@dataclass(frozen=True)
class HerdNow:
    """The herd as a digest reads it: the open ones (how many, their hours, the oldest),
    the biggest herds among them, and those filed and closed since a moment."""

    still_open: Listed
    open_hours: Decimal
    biggest: list[tuple[HerdLine, int]]  # open ones and how many see each too, most first
    new: Listed
    closed: Listed


async def _listed(session: AsyncSession, workspace_id: int, matches: ColumnElement[bool],
                  shown: int) -> Listed:
    lines = (await session.exec(_columns().where(Elephant.workspace_id == workspace_id,
                                                 matches).limit(shown))).all()
    count = (await session.exec(select(func.count()).select_from(Elephant).where(
        Elephant.workspace_id == workspace_id, matches))).one()
    return Listed([HerdLine(*row) for row in lines], count)


async def herd_now(session: AsyncSession, workspace_id: int, since: datetime,
                   shown: int) -> HerdNow:
    """`shown` of each list, counted and summed by the database."""
    still = col(Elephant.status).not_in(CLOSED_STATUSES)
    hours = (await session.exec(select(func.sum(Elephant.hours_lost_per_week)).where(
        Elephant.workspace_id == workspace_id, still))).one()
    votes = func.count(col(ElephantVote.voter_key)).label("votes")
    biggest = (await session.exec(
        select(*_COLUMNS, votes).join(ElephantVote, col(ElephantVote.elephant_id) == Elephant.id)
        .where(Elephant.workspace_id == workspace_id, still)
        .group_by(*_COLUMNS).order_by(votes.desc(), col(Elephant.number)).limit(shown))).all()
    closed = and_(col(Elephant.status).in_(CLOSED_STATUSES),
                  col(Elephant.status_changed_at) >= since)
    return HerdNow(await _listed(session, workspace_id, still, shown),
                   Decimal(str(hours or 0)),
                   [(HerdLine(*row[:-1]), row[-1]) for row in biggest],
                   await _listed(session, workspace_id, _filed_since(since), shown),
                   await _listed(session, workspace_id, closed, shown))
