"""Locks that die with their holder: PostgreSQL advisory locks and operating-system file locks.

A PostgreSQL session-level advisory lock is held on a dedicated connection for as long as
it is wanted; the server drops it when that session ends, however the process ended. A
`flock` on a file is dropped by the kernel when the process that holds it dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

# A query on a lock connection taking longer than this counts as a lost connection.
QUERY_TIMEOUT_SECONDS = 10.0
# So that the server, too, drops the lock of a holder whose network vanished silently within
# about a minute instead of the system's TCP default of two hours (no effect over sockets).
KEEPALIVE = ("SET tcp_keepalives_idle = 30", "SET tcp_keepalives_interval = 10",
             "SET tcp_keepalives_count = 3")


class AdvisoryLock:
    """`pg_try_advisory_lock(key)` held on a connection of its own until released."""

    def __init__(self, engine: AsyncEngine, key: int) -> None:
        self._engine, self.key = engine, key
        self._connection: AsyncConnection | None = None

    @property
    def held(self) -> bool:
        return self._connection is not None

    async def acquire(self) -> bool:
        """Take the lock if nobody holds it; False (never raises) if taken or unreachable."""
        if self._connection is not None:
            return True
        connection: AsyncConnection | None = None
        try:
            connection = await asyncio.wait_for(self._engine.connect(), QUERY_TIMEOUT_SECONDS)
            # No transaction stays open on a connection held for hours.
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            result = await asyncio.wait_for(connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}),
                QUERY_TIMEOUT_SECONDS)
            if not result.scalar():
                await _discard(connection)  # no lock held: back to the pool
                return False
            for setting in KEEPALIVE:
                await asyncio.wait_for(connection.execute(text(setting)),
                                       QUERY_TIMEOUT_SECONDS)
        except Exception as error:  # the database is unreachable: not held, try later
            log.warning("could not take an advisory lock: %s", type(error).__name__)
            if connection is not None:  # it may hold the lock: end the session itself
                await _discard(connection, invalidate=True)
            return False
        self._connection = connection
        return True

    async def still_held(self) -> bool:
        """Whether the lock's connection still answers (the lock lives with it)."""
        if self._connection is None:
            return False
        try:
            await asyncio.wait_for(self._connection.execute(text("SELECT 1")),
                                   QUERY_TIMEOUT_SECONDS)
        except Exception:
            return False
        return True

    async def lose(self) -> None:
        """Drop a connection that stopped answering; the server drops its lock with it."""
        connection, self._connection = self._connection, None
        if connection is not None:
            await _discard(connection, invalidate=True)

    async def release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            await asyncio.wait_for(connection.execute(
                text("SELECT pg_advisory_unlock(:key)"), {"key": self.key}),
                QUERY_TIMEOUT_SECONDS)
        except Exception:  # closing the session below releases it all the same
            await _discard(connection, invalidate=True)
            return
        await _discard(connection)


async def advisory_lock_free(engine: AsyncEngine, key: int) -> bool:
    """Whether nobody holds advisory lock `key` (asked by taking and dropping it)."""
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        taken = (await connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                          {"key": key})).scalar()
        if taken:
            await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        return bool(taken)


async def _discard(connection: AsyncConnection, *, invalidate: bool = False) -> None:
    """Close a connection; `invalidate` really closes it, ending the session and its locks."""
    with contextlib.suppress(Exception):
        if invalidate:
            await asyncio.wait_for(connection.invalidate(), QUERY_TIMEOUT_SECONDS)
        await asyncio.wait_for(connection.close(), QUERY_TIMEOUT_SECONDS)


class FileLock:
    """An exclusive `flock` on `path`, which the kernel drops when this process dies.

    flock locks belong to the open file, so a second FileLock on the same path conflicts
    even within one process: `free()` tells a live holder anywhere from a dead one.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self, *, remove: bool = True) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        if remove:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    async def wait(self, poll: float = 0.1) -> None:
        """Take the lock as soon as its holder lets go (bound it with asyncio.timeout)."""
        while not self.acquire():  # noqa: ASYNC110 - a flock has no event to await
            await asyncio.sleep(poll)

    def free(self) -> bool:
        """Whether nobody holds the lock (a missing file: nobody ever did, or it is gone)."""
        if not self.path.exists():
            return True
        probe = FileLock(self.path)
        if not probe.acquire():
            return False
        probe.release(remove=True)
        return True
