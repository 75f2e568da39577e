"""The herd as its reports read it: each elephant's columns, without an ORM object apiece
(a herd of 100,000 loads in a fraction of the time), and how many see each one too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, union_all
from sqlmodel import and_, col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.elephants.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
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


def _filed_since(moment: datetime) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Filed at or after `moment` (an anonymous report: by the end of its day), named or not."""
    # Two conditions, each a range of ix_elephant_filed (SQLite scans for their OR).
    return (and_(col(Elephant.anonymous).is_(False), col(Elephant.created_at) >= moment),
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


async def _counts(session: AsyncSession, workspace_id: int,
                  matches: Sequence[Sequence[ColumnElement[bool]]]) -> list[tuple[int, Any]]:
    """How many elephants match each condition (any of its parts), and their hours."""
    hours = col(Elephant.hours_lost_per_week)
    if session.bind.dialect.name == "postgresql":  # type: ignore[union-attr]
        # One pass over the table: cheaper there than ranges of an index whose rows are
        # read from the table anyway.
        row = (await session.exec(select(*(
            aggregate.filter(or_(*parts)) for parts in matches
            for aggregate in (func.count(), func.sum(hours)))).where(
            Elephant.workspace_id == workspace_id))).one()
        return [(row[2 * index], row[2 * index + 1]) for index in range(len(matches))]
    # SQLite: each part a range of an index, counted apart and added (summing a CASE per
    # condition on every row took 40 ms; an OR of two ranges is read as a scan).
    parts = [select(literal(index), func.count(), func.sum(hours))
             .where(Elephant.workspace_id == workspace_id, part)
             for index, condition in enumerate(matches) for part in condition]
    found: list[tuple[int, Any]] = [(0, None)] * len(matches)
    for index, count, total in (await session.exec(union_all(*parts))).all():  # type: ignore[call-overload]
        had, had_total = found[index]
        found[index] = (had + count, total if had_total is None else
                        had_total if total is None else had_total + total)
    return found


async def _biggest(session: AsyncSession, workspace_id: int, still: ColumnElement[bool],
                   shown: int) -> list[tuple[HerdLine, int]]:
    """The open ones most see too, and how many."""
    voter = col(ElephantVote.voter_key)
    if session.bind.dialect.name == "postgresql":  # type: ignore[union-attr]
        votes = func.count(voter).label("votes")
        statement = (select(*_COLUMNS, votes)
                     .join(ElephantVote, col(ElephantVote.elephant_id) == Elephant.id)
                     .where(Elephant.workspace_id == workspace_id, still)
                     .group_by(*_COLUMNS).order_by(votes.desc(), col(Elephant.number)))
    else:
        # SQLite led with the workspace's open elephants and probed the votes once for each
        # of them: votes are counted per elephant first (in the order of their key) and
        # joined to their elephant after.
        counted = (select(ElephantVote.elephant_id, func.count(voter).label("votes"))
                   .group_by(col(ElephantVote.elephant_id)).subquery())
        statement = (select(*_COLUMNS, counted.c.votes)
                     .join(counted, counted.c.elephant_id == Elephant.id)
                     .where(Elephant.workspace_id == workspace_id, still)
                     .order_by(counted.c.votes.desc(), col(Elephant.number)))
    return [(HerdLine(*row[:-1]), row[-1])
            for row in (await session.exec(statement.limit(shown))).all()]


async def herd_now(session: AsyncSession, workspace_id: int, since: datetime,
                   shown: int) -> HerdNow:
    """`shown` of each list; the counts and hours summed by the database."""
    # Named rather than "not closed": a range of the index per status, not a scan of all.
    still = col(Elephant.status).in_(OPEN_STATUSES)
    new = _filed_since(since)
    closed = and_(col(Elephant.status).in_(CLOSED_STATUSES),
                  col(Elephant.status_changed_at) >= since)
    (open_count, hours), (new_count, _), (closed_count, _) = await _counts(
        session, workspace_id, [[still], new, [closed]])
    return HerdNow(Listed(await _first(session, workspace_id, still, shown), open_count),
                   Decimal(str(hours or 0)),
                   await _biggest(session, workspace_id, still, shown),
                   Listed(await _first(session, workspace_id, or_(*new), shown), new_count),
                   Listed(await _first(session, workspace_id, closed, shown), closed_count))
