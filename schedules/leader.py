"""Scheduler leadership: exactly one `partnerops run` process drives the cadence clock.

PostgreSQL: the leader holds a session-level advisory lock on a dedicated connection that
stays open for as long as it leads. Other processes are standbys and try again every
RETRY; when the leader stops, dies or loses its connection, PostgreSQL drops the lock and
the next standby to try takes over. The delivery ledger keeps sends exactly-once even in
the moment two processes might both believe they lead.

SQLite is one process by design (the embedded default): that process is the leader.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import Literal, Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.engine import Database

log = logging.getLogger(__name__)

State = Literal["leader", "standby", "off"]

# "PartnerOps scheduler", one key per database; a signed 64-bit integer as PostgreSQL wants.
LOCK_KEY = 0x5041_5254_4E45_5253
RETRY = timedelta(seconds=15)
# A query on the lock connection taking longer than this counts as a lost connection.
QUERY_TIMEOUT_SECONDS = 10.0
# So that the server, too, drops the lock of a leader whose network vanished silently within
# about a minute instead of the system's TCP default of two hours (no effect over sockets).
KEEPALIVE = ("SET tcp_keepalives_idle = 30", "SET tcp_keepalives_interval = 10",
             "SET tcp_keepalives_count = 3")


class Follower(Protocol):
    """What leadership switches on and off: the CadenceClock."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class Leadership(Protocol):
    @property
    def state(self) -> State: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class SoleLeader:
    """SQLite: one process per database file, so it leads from start to stop."""

    def __init__(self, follower: Follower) -> None:
        self._follower = follower
        self._state: State = "off"

    @property
    def state(self) -> State:
        return self._state

    async def start(self) -> None:
        self._state = "leader"
        await self._follower.start()

    async def stop(self) -> None:
        if self._state == "leader":
            await self._follower.stop()
        self._state = "off"


class AdvisoryLockLeader:
    """PostgreSQL: leader while holding `pg_try_advisory_lock(key)` on its own connection."""

    def __init__(self, engine: AsyncEngine, follower: Follower, *, key: int = LOCK_KEY,
                 retry: timedelta = RETRY) -> None:
        self._engine, self._follower = engine, follower
        self._key, self._retry = key, retry
        self._connection: AsyncConnection | None = None
        self._state: State = "off"
        self._loop: asyncio.Task[None] | None = None

    @property
    def state(self) -> State:
        return self._state

    async def start(self) -> None:
        """Try once now, then every `retry` in the background until stop()."""
        if self._state != "off":
            return
        self._state = "standby"
        await self.attempt()
        self._loop = asyncio.get_running_loop().create_task(self._keep_trying())

    async def attempt(self) -> bool:
        """One round: a leader checks it still holds the lock, a standby tries to take it."""
        if self._state == "off":
            return False
        if self._connection is not None:
            if await self._still_connected():
                return True
            await self._lose("the lock connection to PostgreSQL was lost")
        connection = await self._try_lock()
        if connection is None:
            return False
        self._connection, self._state = connection, "leader"
        log.info("scheduler leadership acquired: this process runs the cadences")
        try:
            await self._follower.start()
        except Exception:  # keep the lock: the follower's own safety nets retry
            log.exception("the cadence scheduler failed to start")
        return True

    async def stop(self) -> None:
        """Stop trying; a leader stops its follower and releases the lock."""
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
            self._loop = None
        if self._connection is not None:
            await self._follower.stop()
            await self._release()
        self._state = "off"

    async def _keep_trying(self) -> None:
        while True:
            await asyncio.sleep(self._retry.total_seconds())
            try:
                await self.attempt()
            except Exception:  # never let the retry loop die
                log.exception("scheduler leadership attempt failed")

    async def _try_lock(self) -> AsyncConnection | None:
        connection: AsyncConnection | None = None
        try:
            connection = await asyncio.wait_for(self._engine.connect(), QUERY_TIMEOUT_SECONDS)
            # No transaction stays open on a connection held for hours.
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            result = await asyncio.wait_for(connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}),
                QUERY_TIMEOUT_SECONDS)
            if not result.scalar():
                await _discard(connection)  # no lock held: back to the pool
                return None
            for setting in KEEPALIVE:
                await asyncio.wait_for(connection.execute(text(setting)),
                                       QUERY_TIMEOUT_SECONDS)
            return connection
        except Exception as error:  # the database is unreachable: stay standby, retry later
            log.warning("could not try for scheduler leadership: %s", type(error).__name__)
            if connection is not None:  # it may hold the lock: end the session itself
                await _discard(connection, invalidate=True)
            return None

    async def _still_connected(self) -> bool:
        assert self._connection is not None
        try:
            await asyncio.wait_for(self._connection.execute(text("SELECT 1")),
                                   QUERY_TIMEOUT_SECONDS)
        except Exception:
            return False
        return True

    async def _lose(self, why: str) -> None:
        log.warning("scheduler leadership lost (%s): stopping the cadence scheduler", why)
        connection, self._connection = self._connection, None
        self._state = "standby"
        if connection is not None:
            await _discard(connection, invalidate=True)
        await self._follower.stop()

    async def _release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            await asyncio.wait_for(connection.execute(
                text("SELECT pg_advisory_unlock(:key)"), {"key": self._key}),
                QUERY_TIMEOUT_SECONDS)
        except Exception:  # closing the session below releases it all the same
            await _discard(connection, invalidate=True)
            return
        await _discard(connection)
        log.info("scheduler leadership released")


async def _discard(connection: AsyncConnection, *, invalidate: bool = False) -> None:
    """Close a connection; `invalidate` really closes it, ending the session and its locks."""
    with contextlib.suppress(Exception):
        if invalidate:
            await asyncio.wait_for(connection.invalidate(), QUERY_TIMEOUT_SECONDS)
        await asyncio.wait_for(connection.close(), QUERY_TIMEOUT_SECONDS)


def leadership_for(database: Database, follower: Follower) -> Leadership:
    """Advisory-lock leadership on PostgreSQL; the sole process leads on SQLite."""
    if database.dialect == "postgresql":
        return AdvisoryLockLeader(database.engine, follower)
    return SoleLeader(follower)
