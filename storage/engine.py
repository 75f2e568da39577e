"""The async engine and sessions for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SATimeoutError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import StaticPool
from sqlmodel.ext.asyncio.session import AsyncSession

SQLITE_BUSY_TIMEOUT_MS = 5000


def _is_memory_sqlite(url: str) -> bool:
    database = make_url(url).database
    return database in (None, "", ":memory:") or "mode=memory" in url


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_before_savepoint(connection: Any, _name: str) -> None:
    """Python's sqlite3 begins a transaction before a write but not before a SAVEPOINT, which
    outside a transaction starts one of its own that its RELEASE commits: the session's
    rollback would then keep what the savepoint wrote. Begin the transaction first."""
    if not connection.connection.driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN")


ASYNC_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")


def check_url(url: str) -> str:
    """`url` if it names a database through an async driver; ValueError saying why not."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ValueError(f"{url!r} is not a database URL") from exc
    if parsed.drivername not in ASYNC_DRIVERS:
        raise ValueError(f"use an async driver: {' or '.join(ASYNC_DRIVERS)} "
                         f"(e.g. sqlite+aiosqlite:///./partnerops.db), not {parsed.drivername!r}")
    return url


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names; None for PostgreSQL and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or _is_memory_sqlite(url):
        return None
    return Path(parsed.database or "")


# A database that does not answer is told apart quickly, so a person hears "try again in a
# moment" within Slack's 3 seconds rather than waiting on a dead connection.
CONNECT_TIMEOUT_SECONDS = 2.0
POOL_WAIT_SECONDS = 5.0


def unavailable(error: BaseException) -> bool:
    """Whether `error` (or what caused it) says the database cannot be reached right now,
    rather than that a statement was wrong."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, (OperationalError, InterfaceError, SATimeoutError, OSError,
                             TimeoutError, ConnectionError)):
            return True
        if isinstance(seen, DBAPIError) and seen.connection_invalidated:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


@dataclass(frozen=True)
class DatabaseProblem:
    """Why a command could not use its database, in one line an operator can act on."""

    text: str
    # The setup is wrong (no such database, a refused login, a folder that is not there):
    # running again will not help. Otherwise the database is away, perhaps for a moment.
    setup: bool


def _where(url: str) -> str:
    parsed = make_url(url)
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}"


def database_problem(error: BaseException, url: str) -> DatabaseProblem | None:
    """What `error` (or what caused it) says about the database at `url`: it does not
    exist, refuses us, or cannot be reached. None for any other error."""
    seen: BaseException | None = error
    while seen is not None:
        state = getattr(seen, "sqlstate", None)
        if isinstance(state, str):
            name = make_url(url).database or ""
            if state == "3D000":  # invalid_catalog_name
                return DatabaseProblem(f"there is no database {name!r} on the PostgreSQL "
                                       f"server at {_where(url)}: create it "
                                       f"(createdb {name}) or name another", setup=True)
            if state.startswith("28"):  # invalid authorization: no such role, bad password
                return DatabaseProblem(f"the PostgreSQL server at {_where(url)} refused the "
                                       f"login: {str(seen).splitlines()[0]}", setup=True)
        if "unable to open database file" in str(seen):
            return DatabaseProblem(f"cannot open the SQLite database {sqlite_file(url)}: does "
                                   "its folder exist, and may this user write there?",
                                   setup=True)
        if isinstance(seen, (ConnectionError, TimeoutError, socket.gaierror)):
            why = getattr(seen, "strerror", None) or type(seen).__name__
            return DatabaseProblem(f"cannot reach the database server at {_where(url)} "
                                   f"({why}): is it running, and is the address right?",
                                   setup=False)
        seen = seen.__cause__ or seen.__context__
    return None


def create_engine(url: str, connect_args: dict[str, Any] | None = None) -> AsyncEngine:
    """An engine for any SQLAlchemy async URL, with SQLite made safe for concurrent use.
    `connect_args` add to the driver's (a PostgreSQL search_path, say)."""
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        options: dict[str, Any] = {}
        if _is_memory_sqlite(url):
            # One shared connection, or every session would see its own empty database.
            options = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        engine = create_async_engine(url, **options)
        event.listen(engine.sync_engine, "connect", _tune_sqlite)
        event.listen(engine.sync_engine, "savepoint", _begin_before_savepoint)
        return engine
    return create_async_engine(url, pool_pre_ping=True, pool_timeout=POOL_WAIT_SECONDS,
                               connect_args={"timeout": CONNECT_TIMEOUT_SECONDS,
                                             **(connect_args or {})})


class Database:
    """The engine plus a session factory; the one storage handle passed around."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
        # Run leases this process holds (all there are, for an in-memory database).
        self.held_leases: set[int] = set()
        # SQLite takes one writer at a time: a fan-out's writers take turns here.
        self._sqlite_writes = asyncio.Lock() if self.dialect == "sqlite" else None

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(create_engine(url))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def sqlite_file(self) -> Path | None:
        """The file of a SQLite database; None for PostgreSQL and in-memory SQLite."""
        return sqlite_file(self.engine.url.render_as_string(hide_password=False))

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session whose transaction commits on success and rolls back on error."""
        async with self._sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def write_session(self) -> AsyncIterator[AsyncSession]:
        """A session for one of several writes this process makes at once (a fan-out's
        claims and outcomes). On SQLite they take turns in this process: a write that met
        another's lock would wait in SQLite's busy handler, which sleeps in steps up to
        100 ms and stalls the sends behind it; here it goes the moment the other commits."""
        async with self.write_turn(), self.session() as session:
            yield session

    @asynccontextmanager
    async def write_turn(self) -> AsyncIterator[None]:
        """This process's turn to write, on SQLite (see write_session); at once elsewhere."""
        if self._sqlite_writes is None:
            yield
            return
        async with self._sqlite_writes:
            yield

    async def ping(self) -> None:
        """Raise if the database cannot answer a trivial query."""
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
