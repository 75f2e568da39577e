"""Where a fan-out writes its ledger claims and outcomes: each write one transaction.

A 10,000-person fan-out makes about 250 writes. Through a session each costs SQLAlchemy's
session, connection and transaction handling on the event loop (about 1.5 ms of its CPU
for a batch of 50 outcomes, ten times what the statement costs) and, on SQLite, five trips
to aiosqlite's thread (cursor, statement, close, commit, the pool's reset rollback), each
waiting for the busy event loop to take its answer. So on a SQLite file a fan-out of
many holds one connection of the engine's pool for as long as it runs, in autocommit: an
outcome batch of one statement (nearly all of them) is its own transaction, run in one
trip with aiosqlite's execute_fetchall; several statements, and every chunk of claims
(`atomic`: claims and retakes land together or not at all, cancelled included), go in
BEGIN IMMEDIATE .. COMMIT. A fan-out of one (deliver_once, from people's requests, many at
once) writes in sessions: held through each of many concurrent sends, connections could
drain the pool.

PostgreSQL writes through sessions (asyncpg has no thread to cross), and so does SQLite in
memory, whose one connection every session shares: autocommit there would end the others'
transactions.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol

import aiosqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, OperationalError

from storage.common.driver_sql import InSession, Run, Statements
from storage.engine import Database


class FanOutWrites(Protocol):
    def write(self, *, atomic: bool = False) -> AbstractAsyncContextManager[Statements]:
        """One write (a chunk's claims, a batch's outcomes): its statements. `atomic`: all
        that is run in it is one transaction (a single `rows` call always is)."""
        ...


class SessionWrites:
    """Each write in a session of its own (a transaction)."""

    def __init__(self, database: Database) -> None:
        self._database = database

    @asynccontextmanager
    async def write(self, *, atomic: bool = False) -> AsyncIterator[Statements]:
        async with self._database.write_session() as session:  # a transaction anyway
            yield InSession(session)


class SqliteAutocommit:
    """Statements on an aiosqlite connection in autocommit, each in one trip to its thread.
    A driver error is raised as SQLAlchemy raises it, so that callers tell an unavailable
    database from a wrong statement alike on every path (storage.engine.unavailable)."""

    def __init__(self, driver: aiosqlite.Connection, dialect: Dialect) -> None:
        self._driver = driver
        self._dialect = dialect
        self._in_transaction = False

    @property
    def dialect(self) -> Dialect:
        return self._dialect

    async def _fetch(self, sql: str, parameters: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        try:
            return [tuple(row) for row in await self._driver.execute_fetchall(sql, parameters)]
        except self._dialect.loaded_dbapi.Error as error:
            raise DBAPIError.instance(sql, parameters, error,
                                      self._dialect.loaded_dbapi.Error) from error
        except ValueError as error:  # aiosqlite's "Connection closed": as SQLAlchemy says it
            raise OperationalError(sql, parameters, error) from error

    async def rows(self, runs: Sequence[Run]) -> list[list[tuple[Any, ...]]]:
        if len(runs) == 1 or self._in_transaction:  # a statement alone is a transaction
            return [await self._fetch(statement.sql, parameters)
                    for statement, parameters in runs]
        async with self.transaction():
            return [await self._fetch(statement.sql, parameters)
                    for statement, parameters in runs]

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """BEGIN IMMEDIATE .. COMMIT around what runs inside; on any error, cancellation
        included, ROLLBACK, so that nothing of it stays and the connection writes on."""
        self._in_transaction = True
        try:
            await self._fetch("BEGIN IMMEDIATE", ())
            yield
            await self._fetch("COMMIT", ())
        except BaseException:
            with contextlib.suppress(DBAPIError):  # the error that stopped it is the news
                await self._fetch("ROLLBACK", ())
            raise
        finally:
            self._in_transaction = False


class SqliteWrites:
    """Writes on one autocommit connection, each in this process's turn to write."""

    def __init__(self, statements: SqliteAutocommit,
                 turn: Callable[[], AbstractAsyncContextManager[None]]) -> None:
        self._statements = statements
        self._turn = turn

    @asynccontextmanager
    async def write(self, *, atomic: bool = False) -> AsyncIterator[Statements]:
        async with self._turn():
            if not atomic:
                yield self._statements
                return
            async with self._statements.transaction():
                yield self._statements


@asynccontextmanager
async def fan_out_writes(database: Database, *, held: bool) -> AsyncIterator[FanOutWrites]:
    """Where one fan-out writes, for as long as it runs. `held`: on a SQLite file, on a
    connection held for the fan-out (see above); else a session a write. A fan-out of one
    message (from a person's request, many at once) should not hold one: holding a pooled
    connection through each of many concurrent sends could drain the pool."""
    if not held or database.sqlite_file is None:  # PostgreSQL, or SQLite in memory
        yield SessionWrites(database)
        return
    async with database.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        driver = (await autocommit.get_raw_connection()).driver_connection
        yield SqliteWrites(SqliteAutocommit(driver, database.engine.dialect),
                           database.write_turn)
