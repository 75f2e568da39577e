"""Where a fan-out writes its ledger claims and outcomes: each write one transaction.

A 10,000-person fan-out makes about 250 writes. Through a session each costs SQLAlchemy's
session, connection and transaction handling on the event loop (about 1.5 ms of its CPU
for a batch of 50 outcomes, ten times what the statement costs) and, on SQLite, five trips
to aiosqlite's thread (cursor, statement, close, commit, the pool's reset rollback), each
waiting for the busy event loop to take its answer. So on a SQLite file a fan-out holds
one connection of the engine's pool for as long as it runs, in autocommit: a write of one
statement (nearly all of them) is its own transaction, run in one trip with aiosqlite's
execute_fetchall; a write of several is wrapped in BEGIN IMMEDIATE .. COMMIT.

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
from sqlalchemy.exc import DBAPIError

from storage.common.driver_sql import InSession, Run, Statements
from storage.engine import Database


class FanOutWrites(Protocol):
    def write(self) -> AbstractAsyncContextManager[Statements]:
        """One write (a chunk's claims, a batch's outcomes): its statements."""
        ...


class SessionWrites:
    """Each write in a session of its own (a transaction)."""

    def __init__(self, database: Database) -> None:
        self._database = database

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Statements]:
        async with self._database.write_session() as session:
            yield InSession(session)


class SqliteAutocommit:
    """Statements on an aiosqlite connection in autocommit, each in one trip to its thread.
    A driver error is raised as SQLAlchemy raises it, so that callers tell an unavailable
    database from a wrong statement alike on every path (storage.engine.unavailable)."""

    def __init__(self, driver: aiosqlite.Connection, dialect: Dialect) -> None:
        self._driver = driver
        self._dialect = dialect

    @property
    def dialect(self) -> Dialect:
        return self._dialect

    async def _fetch(self, sql: str, parameters: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        try:
            return [tuple(row) for row in await self._driver.execute_fetchall(sql, parameters)]
        except self._dialect.loaded_dbapi.Error as error:
            raise DBAPIError.instance(sql, parameters, error,
                                      self._dialect.loaded_dbapi.Error) from error

    async def rows(self, runs: Sequence[Run]) -> list[list[tuple[Any, ...]]]:
        if len(runs) == 1:  # a statement alone is a transaction of its own
            statement, parameters = runs[0]
            return [await self._fetch(statement.sql, parameters)]
        await self._fetch("BEGIN IMMEDIATE", ())
        try:
            answers = [await self._fetch(statement.sql, parameters)
                       for statement, parameters in runs]
            await self._fetch("COMMIT", ())
        except BaseException:  # nothing of it stays, and the connection writes on
            with contextlib.suppress(DBAPIError):  # the error that stopped it is the news
                await self._fetch("ROLLBACK", ())
            raise
        return answers


class SqliteWrites:
    """Writes on one autocommit connection, each in this process's turn to write."""

    def __init__(self, statements: SqliteAutocommit,
                 turn: Callable[[], AbstractAsyncContextManager[None]]) -> None:
        self._statements = statements
        self._turn = turn

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Statements]:
        async with self._turn():
            yield self._statements


@asynccontextmanager
async def fan_out_writes(database: Database) -> AsyncIterator[FanOutWrites]:
    """Where one fan-out writes, for as long as it runs."""
    if database.sqlite_file is None:  # PostgreSQL, or SQLite in memory
        yield SessionWrites(database)
        return
    async with database.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        driver = (await autocommit.get_raw_connection()).driver_connection
        yield SqliteWrites(SqliteAutocommit(driver, database.engine.dialect),
                           database.write_turn)
