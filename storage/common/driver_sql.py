"""Bulk writes that SQLAlchemy compiles once and the database driver binds, row by row.

SQLAlchemy processes every parameter of every row of an executemany in Python (a dict per
row, a type processor per value): about 50 us a row, five times what SQLite itself takes
for a claim or an outcome of the delivery ledger, and a 10,000-person fan-out writes
20,000 of them. Here a multi-row Core statement (the claims' INSERT, the outcomes' UPDATE)
is compiled once per dialect and size, what every row shares goes through its column's type
once per batch, and the rows' values go to the driver as one plain tuple in the compiled
statement's own parameter order ("?" on SQLite, "$n" on PostgreSQL): one statement a batch,
not an executemany of one a row. Only for values that need no type processing per row:
ints, strings, None.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Column
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.cursor import CursorResult
from sqlalchemy.sql import ClauseElement
from sqlmodel.ext.asyncio.session import AsyncSession


@dataclass(frozen=True)
class DriverStatement:
    """A statement as the driver takes it, and its parameters' names in positional order."""

    sql: str
    names: tuple[str, ...]

    def bind(self, shared: Mapping[str, Any], row: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(row[name] if name in row else shared[name] for name in self.names)


@dataclass(frozen=True)
class Flavour:
    """What a statement's compiled text depends on. Two engines of one driver compile it
    alike, so a statement cached by flavour is compiled once a process, not once an engine
    (a cache keyed on the dialect object compiles again for every new engine)."""

    kind: type[Dialect]
    paramstyle: str
    server_version: tuple[Any, ...] | None
    dialect: Dialect = field(compare=False, hash=False)

    @classmethod
    def of(cls, dialect: Dialect) -> Flavour:
        return cls(type(dialect), dialect.paramstyle, dialect.server_version_info, dialect)


def compiled(statement: ClauseElement, dialect: Dialect) -> DriverStatement:
    """`statement` for this dialect's driver; every parameter must be a named bindparam."""
    done = statement.compile(dialect=dialect)
    if done.positiontup is None:  # both our drivers take positional parameters
        raise ValueError(f"{dialect.name}'s driver does not take positional parameters")
    return DriverStatement(done.string, tuple(done.positiontup))


def as_stored(column: Column[Any], value: Any, dialect: Dialect) -> Any:
    """`value` as the driver stores it in `column` (an enum's text, a UTC timestamp)."""
    # The processor SQLAlchemy itself keeps per dialect: building one afresh adapts the type
    # to the dialect (~2 ms for an enum), more than a batch of rows costs.
    processor = column.type._cached_bind_processor(dialect)
    return processor(value) if processor is not None else value


def dialect_of(session: AsyncSession) -> Dialect:
    return session.bind.dialect  # type: ignore[union-attr]


async def execute(session: AsyncSession, statement: DriverStatement,
                  parameters: tuple[Any, ...]) -> CursorResult[Any]:
    """One execution in the session's transaction (its RETURNING rows, if any)."""
    connection = await session.connection()
    return await connection.exec_driver_sql(statement.sql, parameters)


Run = tuple[DriverStatement, tuple[Any, ...]]


class Statements(Protocol):
    """Where driver statements run: a session's transaction, or a fan-out's own connection
    (storage/common/fan_out_writes.py)."""

    @property
    def dialect(self) -> Dialect: ...

    async def rows(self, runs: Sequence[Run]) -> list[list[tuple[Any, ...]]]:
        """Run these statements in order, as one transaction; each one's rows (RETURNING)."""
        ...


@dataclass(frozen=True)
class InSession:
    """Statements in a session's transaction."""

    session: AsyncSession

    @property
    def dialect(self) -> Dialect:
        return dialect_of(self.session)

    async def rows(self, runs: Sequence[Run]) -> list[list[tuple[Any, ...]]]:
        answers = []
        for statement, parameters in runs:
            result = await execute(self.session, statement, parameters)
            answers.append([tuple(row) for row in result.all()] if result.returns_rows else [])
        return answers


def statements_of(target: AsyncSession | Statements) -> Statements:
    """`target` as Statements: a session's statements run in its transaction."""
    return InSession(target) if isinstance(target, AsyncSession) else target
