"""Where a fan-out writes its ledger claims and outcomes: each write one transaction.

A 10,000-person fan-out makes about 250 writes. Through a session each costs SQLAlchemy's
session, connection and transaction handling on the event loop (about 1.5 ms of its CPU
for a batch of 50 outcomes, ten times what the statement costs) and, on SQLite, five trips
to aiosqlite's thread (cursor, statement, close, commit, the pool's reset rollback).

Worse than the trips is the GIL. While the driver's thread wants it back (after each
step of SQLite, each answer it hands the loop), every release by the busy event loop (each
socket call) wakes that thread on the other core to try for it: a 10,000-person fan-out
woke it 11,000 times and stopped the loop 1,100 times for it, about 0.5 s of a 4.5 s run
on two virtual cores. So on a SQLite file a fan-out writes on a connection of its own in
the event loop's thread, in autocommit: a write of one statement (nearly all of them) is
its own transaction; several go in BEGIN IMMEDIATE .. COMMIT. That connection never waits:
its writes take well under a millisecond each (local, write-ahead log, no fsync: it never
checkpoints, the pool's connections do), and where another connection holds the write lock
(busy_timeout 0: SQLITE_BUSY at once, nothing written) the write goes instead through an
aiosqlite connection of the pool held for the fan-out, which waits in its own thread.

PostgreSQL writes through sessions (asyncpg has no thread to cross), and so does SQLite in
memory, whose one connection every session shares: autocommit there would end the others'
transactions.
"""

from __future__ import annotations

import contextlib
import sqlite3
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
        except BaseException:
            with contextlib.suppress(DBAPIError):  # the error that stopped it is the news
                await self._fetch("ROLLBACK", ())
            raise
        await self._fetch("COMMIT", ())
        return answers


def _inline_connection(path: str) -> sqlite3.Connection:
    """A connection for the event loop's own thread that never waits (see above)."""
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("busy_timeout=0", "foreign_keys=ON", "synchronous=NORMAL",
                   "wal_autocheckpoint=0"):
        connection.execute(f"PRAGMA {pragma}")
    return connection


class SqliteInline:
    """Statements run on the event loop on a connection of its own in autocommit; where
    another connection holds the write lock, through `waiting` (which waits for it)."""

    def __init__(self, connection: sqlite3.Connection, waiting: SqliteAutocommit) -> None:
        self._connection = connection
        self._waiting = waiting

    @property
    def dialect(self) -> Dialect:
        return self._waiting.dialect

    def _run(self, runs: Sequence[Run]) -> list[list[tuple[Any, ...]]]:
        execute = self._connection.execute
        if len(runs) == 1:  # a statement alone is a transaction of its own
            statement, parameters = runs[0]
            return [execute(statement.sql, parameters).fetchall()]
        execute("BEGIN IMMEDIATE")
        try:
            answers = [execute(statement.sql, parameters).fetchall()
                       for statement, parameters in runs]
            execute("COMMIT")
        except BaseException:
            if self._connection.in_transaction:
                self._connection.rollback()
            raise
        return answers

    async def rows(self, runs: Sequence[Run]) -> list[list[tuple[Any, ...]]]:
        try:
            return self._run(runs)
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                raise DBAPIError.instance(runs[0][0].sql, runs[0][1], error,
                                          sqlite3.Error) from error
        except sqlite3.Error as error:
            raise DBAPIError.instance(runs[0][0].sql, runs[0][1], error,
                                      sqlite3.Error) from error
        return await self._waiting.rows(runs)  # busy: nothing was written; wait for it


class SqliteWrites:
    """Writes on a fan-out's own connection, each in this process's turn to write."""

    def __init__(self, statements: Statements,
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
    async with database.engine.connect() as connection:  # the file is set up (WAL) by now
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        driver = (await autocommit.get_raw_connection()).driver_connection
        waiting = SqliteAutocommit(driver, database.engine.dialect)
        inline = _inline_connection(str(database.sqlite_file))
        try:
            yield SqliteWrites(SqliteInline(inline, waiting), database.write_turn)
        finally:
            inline.close()
