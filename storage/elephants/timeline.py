"""When the herd's elephants were filed and closed, counted against sorted instants.

PostgreSQL works out each elephant's buckets in one grouped pass. SQLite took three
quarters of the digest's time doing so (nested CASEs on every row, then a sort to group
them), so there it counts ranges of two indexes instead: filings per bucket between
consecutive instants (and on each instant) from the index on (workspace, anonymous,
created_at, hours), closed ones' status changes likewise from the index on (workspace,
status, status_changed_at, ...). Only a closing needs both moments (it counts at the later
one); it is the status change, except when that came before the filing: those (and every
anonymous one, whose filing is its day's end) are bucketed row by row, few as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import IntEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, literal, literal_column, true, union_all
from sqlmodel import and_, col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.elephants.herd import ANONYMOUS_DAY
from storage.elephants.models import CLOSED_STATUSES, Elephant


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


class _Kind(IntEnum):
    """What a counted range is."""

    FILED = 0  # filed in the bucket
    FILED_ON = 1  # filed exactly at its instant
    CHANGED = 2  # closed, status changed in the bucket
    CHANGED_ON = 3  # closed, status changed exactly at its instant


def _bucket(moment: ColumnElement[datetime], instants: Sequence[datetime], first: int = 0
            ) -> ColumnElement[int]:
    """The index of the first of the sorted `instants` that `moment` is at or before (their
    number when after all, or when NULL), found by halving: about log2(n) comparisons."""
    if not instants:
        return literal(first)
    middle = len(instants) // 2
    return case((moment <= instants[middle], _bucket(moment, instants[:middle], first)),
                else_=_bucket(moment, instants[middle + 1:], first + middle + 1))


def _filed_instants(instants: Sequence[datetime], anonymous: bool) -> list[datetime]:
    """What created_at is compared with: an anonymous report's instants move back a day."""
    return [instant - ANONYMOUS_DAY for instant in instants] if anonymous else list(instants)


def _between(moment: ColumnElement[datetime], instants: Sequence[datetime], bucket: int
             ) -> ColumnElement[bool]:
    """`moment` in `bucket`: after instant bucket - 1, at or before instant `bucket`."""
    # The first bucket has no lower bound; the last no upper one, and holds NULL too.
    after = [moment > instants[bucket - 1]] if bucket else []
    if bucket < len(instants):
        return and_(true(), *after, moment <= instants[bucket])
    return or_(and_(true(), *after), moment.is_(None))


def _counted(kind: _Kind, bucket: int, workspace_id: int, *where: Any) -> Select[Any]:
    return select(literal(int(kind)), literal(bucket), func.count(),
                  func.sum(Elephant.hours_lost_per_week)).where(
        Elephant.workspace_id == workspace_id, *where)


def _ranges(workspace_id: int, instants: Sequence[datetime]) -> list[Select[Any]]:
    """A count (and hours) per bucket and per instant: filings, and closed ones' changes."""
    created, changed = col(Elephant.created_at), col(Elephant.status_changed_at)
    closed = col(Elephant.status).in_(CLOSED_STATUSES)
    parts = []
    for anonymous in (False, True):
        moved = _filed_instants(instants, anonymous)
        mine = col(Elephant.anonymous).is_(anonymous)
        parts += [_counted(_Kind.FILED, bucket, workspace_id, mine,
                           _between(created, moved, bucket))
                  for bucket in range(len(moved) + 1)]
        parts += [_counted(_Kind.FILED_ON, index, workspace_id, mine, created == instant)
                  for index, instant in enumerate(moved)]
    parts += [_counted(_Kind.CHANGED, bucket, workspace_id, closed,
                       _between(changed, instants, bucket))
              for bucket in range(len(instants) + 1)]
    parts += [_counted(_Kind.CHANGED_ON, index, workspace_id, closed, changed == instant)
              for index, instant in enumerate(instants)]
    return parts


def _grouped(workspace_id: int, instants: Sequence[datetime], *where: Any) -> Select[Any]:
    """Elephants grouped by the buckets of their filing and (closed ones) status change."""
    created, changed = col(Elephant.created_at), col(Elephant.status_changed_at)
    anonymous = col(Elephant.anonymous).is_(True)
    closed = col(Elephant.status).in_(CLOSED_STATUSES)
    moved = _filed_instants(instants, True)
    filed_bucket = case((anonymous, _bucket(created, moved)),
                        else_=_bucket(created, instants)).label("filed_bucket")
    filed_on = case((anonymous, created.in_(moved)), else_=created.in_(instants)
                    ).label("filed_on")
    changed_bucket = case((closed, _bucket(changed, instants))).label("changed_bucket")
    changed_on = case((and_(closed, changed.in_(instants)), True), else_=False
                      ).label("changed_on")
    keys = (filed_bucket, filed_on, changed_bucket, changed_on)
    return (select(*keys, func.count(), func.sum(Elephant.hours_lost_per_week))
            .where(Elephant.workspace_id == workspace_id, *where)
            # By the output names: each CASE is worked out once per row, not twice.
            .group_by(*(literal_column(key.name) for key in keys)))


Tally = dict[tuple[int, bool], tuple[int, Decimal]]


def _add(tally: Tally, key: tuple[int, bool], count: int, hours: Decimal) -> None:
    had, had_hours = tally.get(key, (0, Decimal(0)))
    tally[key] = (had + count, had_hours + hours)


def _split(counted: dict[tuple[_Kind, int], tuple[int, Decimal]], kind: _Kind, on: _Kind,
           buckets: int) -> Tally:
    """(bucket, exactly at its instant) -> count and hours, from ranges and instants."""
    tally: Tally = {}
    for bucket in range(buckets):
        count, hours = counted.get((kind, bucket), (0, Decimal(0)))
        at, at_hours = counted.get((on, bucket), (0, Decimal(0)))
        _add(tally, (bucket, False), count - at, hours - at_hours)
        _add(tally, (bucket, True), at, at_hours)
    return tally


def _timed(tally: Tally) -> list[Timed]:
    return [Timed(bucket, on, count, hours)
            for (bucket, on), (count, hours) in sorted(tally.items()) if count]


def _closing(bucket: int, on: Any, changed: int, changed_at: Any) -> tuple[int, bool]:
    """A closed elephant's closing: at the later of its filing and its status change."""
    later = max(bucket, changed)
    return later, (bool(on) and bucket == later) or (bool(changed_at) and changed == later)


async def _in_one_pass(session: AsyncSession, workspace_id: int,
                       moments: Sequence[datetime]) -> HerdTimeline:
    """PostgreSQL: every elephant's buckets in one grouped pass."""
    # About 40 ms for 100,000 there; ranges of an index cost more, each row read from the
    # table all the same.
    filed: Tally = {}
    closings: Tally = {}
    changes: Tally = {}
    for bucket, on, changed, changed_at, count, hours in (await session.exec(
            _grouped(workspace_id, moments))).all():
        total = Decimal(str(hours or 0))
        _add(filed, (bucket, bool(on)), count, total)
        if changed is None:
            continue
        _add(changes, (changed, bool(changed_at)), count, total)
        _add(closings, _closing(bucket, on, changed, changed_at), count, total)
    return HerdTimeline(tuple(moments), _timed(filed), _timed(closings), _timed(changes))


async def _by_ranges(session: AsyncSession, workspace_id: int,
                     moments: Sequence[datetime]) -> HerdTimeline:
    """SQLite: ranges of the two indexes, and row by row where a close may precede a filing."""
    counted: dict[tuple[_Kind, int], tuple[int, Decimal]] = {}
    for kind, bucket, count, hours in (await session.exec(  # type: ignore[call-overload]
            union_all(*_ranges(workspace_id, moments)))).all():
        had, had_hours = counted.get((_Kind(kind), bucket), (0, Decimal(0)))
        counted[(_Kind(kind), bucket)] = (had + count, had_hours + Decimal(str(hours or 0)))
    buckets = len(moments) + 1
    filed = _split(counted, _Kind.FILED, _Kind.FILED_ON, buckets)
    changed = _split(counted, _Kind.CHANGED, _Kind.CHANGED_ON, buckets)
    # A closing is its status change, but for those read row by row: they move from their
    # change to the later of their change and their filing.
    closings = dict(changed)
    created, anonymous = col(Elephant.created_at), col(Elephant.anonymous).is_(True)
    for bucket, on, changed_bucket, changed_at, count, hours in (await session.exec(
            _grouped(workspace_id, moments, col(Elephant.status).in_(CLOSED_STATUSES),
                     or_(anonymous, col(Elephant.status_changed_at) < created)))).all():
        total = Decimal(str(hours or 0))
        _add(closings, (changed_bucket, bool(changed_at)), -count, -total)
        _add(closings, _closing(bucket, on, changed_bucket, changed_at), count, total)
    return HerdTimeline(tuple(moments), _timed(filed), _timed(closings), _timed(changed))


async def herd_timeline(session: AsyncSession, workspace_id: int,
                        instants: Sequence[datetime]) -> HerdTimeline:
    """Filings and closings (resolved or won't fix; a close before an anonymous report's
    day-rounded filing counts at the filing) by bucket of the sorted `instants`."""
    moments = sorted(instants)
    if session.bind.dialect.name == "postgresql":  # type: ignore[union-attr]
        return await _in_one_pass(session, workspace_id, moments)
    return await _by_ranges(session, workspace_id, moments)
