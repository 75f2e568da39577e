"""Scheduler leadership: exactly one `partnerops run` process sends what is due.

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

from storage.engine import Database
from storage.locks import AdvisoryLock

log = logging.getLogger(__name__)

State = Literal["leader", "standby", "off"]

# "PartnerOps scheduler", one key per database; a signed 64-bit integer as PostgreSQL wants.
LOCK_KEY = 0x5041_5254_4E45_5253
RETRY = timedelta(seconds=15)


class Follower(Protocol):
    """What leadership switches on and off: the DueClock."""

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

    def __init__(self, database: Database, follower: Follower, *, key: int = LOCK_KEY,
                 retry: timedelta = RETRY) -> None:
        self._lock, self._follower = AdvisoryLock(database.engine, key), follower
        self._retry = retry
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
        if self._lock.held:
            if await self._lock.still_held():
                return True
            await self._lose("the lock connection to PostgreSQL was lost")
        if not await self._lock.acquire():
            return False
        self._state = "leader"
        log.info("scheduler leadership acquired: this process sends what is due")
        try:
            await self._follower.start()
        except Exception:  # keep the lock: the follower's own safety nets retry
            log.exception("the scheduler failed to start")
        return True

    async def stop(self) -> None:
        """Stop trying; a leader stops its follower and releases the lock."""
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
            self._loop = None
        if self._lock.held:
            await self._follower.stop()
            await self._lock.release()
            log.info("scheduler leadership released")
        self._state = "off"

    async def _keep_trying(self) -> None:
        while True:
            await asyncio.sleep(self._retry.total_seconds())
            try:
                await self.attempt()
            except Exception:  # never let the retry loop die
                log.exception("scheduler leadership attempt failed")

    async def _lose(self, why: str) -> None:
        log.warning("scheduler leadership lost (%s): stopping the scheduler", why)
        self._state = "standby"
        await self._lock.lose()
        await self._follower.stop()


def leadership_for(database: Database, follower: Follower) -> Leadership:
    """Advisory-lock leadership on PostgreSQL; the sole process leads on SQLite."""
    if database.dialect == "postgresql":
        return AdvisoryLockLeader(database, follower)
    return SoleLeader(follower)
