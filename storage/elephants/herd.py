"""The herd as its reports read it: each elephant's columns, without an ORM object apiece
(a herd of 100,000 loads in a fraction of the time), and how many see each one too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, literal, literal_column
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


def _bucket(moment: ColumnElement[datetime], instants: Sequence[datetime], first: int = 0
            ) -> ColumnElement[int]:
    """The index of the first of the sorted `instants` that `moment` is at or before (their
    number when after all), found by halving: about log2(n) comparisons a row, not n."""
    if not instants:
        return literal(first)
    middle = len(instants) // 2
    return case((moment <= instants[middle], _bucket(moment, instants[:middle], first)),
                else_=_bucket(moment, instants[middle + 1:], first + middle + 1))


def _filed_bucket(instants: Sequence[datetime]) -> ColumnElement[int]:
    """`_bucket` of the filing: an anonymous report keeps its day only and counts as filed
    at that day's end (created_at + 1 day - 1 µs), so its instants move back instead."""
    created = col(Elephant.created_at)
    return case((col(Elephant.anonymous).is_(True),
                 _bucket(created, [instant - ANONYMOUS_DAY for instant in instants])),
                else_=_bucket(created, instants))


def _filed_on(instants: Sequence[datetime]) -> ColumnElement[bool]:
    """Filed exactly at one of the instants."""
    created = col(Elephant.created_at)
    return case((col(Elephant.anonymous).is_(True),
                 created.in_([instant - ANONYMOUS_DAY for instant in instants])),
                else_=created.in_(instants))


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
    filed_bucket = _filed_bucket(moments).label("filed_bucket")
    filed_on = _filed_on(moments).label("filed_on")
    changed_bucket = case((closed, _bucket(col(Elephant.status_changed_at), moments))
                          ).label("changed_bucket")
    changed_on = case((and_(closed, col(Elephant.status_changed_at).in_(moments)), True),
                      else_=False).label("changed_on")
    keys = (filed_bucket, filed_on, changed_bucket, changed_on)
    statement = (select(*keys, func.count(), func.sum(Elephant.hours_lost_per_week))
                 .where(Elephant.workspace_id == workspace_id)
                 # By the output names: each CASE is worked out once per row, not twice.
                 .group_by(*(literal_column(key.name) for key in keys)))
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


async def _first(session: AsyncSession, workspace_id: int, matches: ColumnElement[bool],
                 shown: int) -> list[HerdLine]:
    statement = _columns().where(Elephant.workspace_id == workspace_id, matches).limit(shown)
    return [HerdLine(*row) for row in (await session.exec(statement)).all()]


def _counted(matches: ColumnElement[bool], value: Any = 1) -> ColumnElement[Any]:
    return func.sum(case((matches, value), else_=0))


async def herd_now(session: AsyncSession, workspace_id: int, since: datetime,
                   shown: int) -> HerdNow:
    """`shown` of each list; the counts and hours summed by the database in one pass."""
    still = col(Elephant.status).not_in(CLOSED_STATUSES)
    new = _filed_since(since)
    closed = and_(col(Elephant.status).in_(CLOSED_STATUSES),
                  col(Elephant.status_changed_at) >= since)
    counts = (await session.exec(select(
        _counted(still), _counted(still, col(Elephant.hours_lost_per_week)), _counted(new),
        _counted(closed)).where(Elephant.workspace_id == workspace_id))).one()
    open_count, hours, new_count, closed_count = (value or 0 for value in counts)
    votes = func.count(col(ElephantVote.voter_key)).label("votes")
    biggest = (await session.exec(
        select(*_COLUMNS, votes).join(ElephantVote, col(ElephantVote.elephant_id) == Elephant.id)
        .where(Elephant.workspace_id == workspace_id, still)
        .group_by(*_COLUMNS).order_by(votes.desc(), col(Elephant.number)).limit(shown))).all()
    return HerdNow(Listed(await _first(session, workspace_id, still, shown), open_count),
                   Decimal(str(hours)),
                   [(HerdLine(*row[:-1]), row[-1]) for row in biggest],
                   Listed(await _first(session, workspace_id, new, shown), new_count),
                   Listed(await _first(session, workspace_id, closed, shown), closed_count))
