"""Scheduler leadership: exactly one `partnerops run` process sends what is due.

PostgreSQL: the leader holds a session-level advisory lock on a dedicated connection that
stays open for as long as it leads. Other processes are standbys and try again every
RETRY; when the leader stops, dies or loses its connection, PostgreSQL drops the lock and
the next standby to try takes over. The delivery ledger keeps sends exactly-once even in
the moment two processes might both believe they lead.

SQLite is one process by design (the embedded default): the process holding an exclusive
`flock` on `<database>.lock`, beside the file, leads. The kernel drops it when that process
ends, however it ends; a second process on the same file stays standby (and says so) and
takes over, as on PostgreSQL, once the first is gone. An in-memory database is its one
process's own: that process leads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from pathlib import Path
from typing import Literal, Protocol

from storage.engine import Database
from storage.locks import AdvisoryLock, FileLock

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


class HeldLock(Protocol):
    """A lock that dies with the process holding it: what a LockLeader leads by."""

    @property
    def held(self) -> bool: ...

    async def acquire(self) -> bool: ...

    async def still_held(self) -> bool: ...

    async def lose(self) -> None: ...

    async def release(self) -> None: ...


class LeaderFile:
    """An exclusive flock on `<database>.lock`, as a HeldLock. The file stays when released:
    removing it could let two processes each lock a file of that name at once."""

    def __init__(self, path: Path) -> None:
        self._lock = FileLock(path)

    @property
    def path(self) -> Path:
        return self._lock.path

    @property
    def held(self) -> bool:
        return self._lock.held

    async def acquire(self) -> bool:
        try:
            return self._lock.acquire()
        except OSError as error:  # a folder we may not write: never lead, say why
            log.warning("cannot lock %s (%s): this process will not send what is due",
                        self._lock.path, error.strerror or error)
            return False

    async def still_held(self) -> bool:
        return self._lock.held  # the kernel holds it for as long as the file is open

    async def lose(self) -> None:
        self._lock.release(remove=False)

    async def release(self) -> None:
        self._lock.release(remove=False)


class LockLeader:
    """Leader while holding `lock`; otherwise standby, trying again every `retry`."""

    def __init__(self, lock: HeldLock, follower: Follower, *, retry: timedelta = RETRY,
                 standby_note: str = "another process leads the scheduler",
                 standby_level: int = logging.WARNING) -> None:
        self._lock, self._follower = lock, follower
        self._retry, self._standby_note = retry, standby_note
        self._standby_level = standby_level
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
        if not await self.attempt():
            log.log(self._standby_level, "scheduler standby: %s; this process serves "
                    "requests but sends nothing due, and takes over within %d s if that one "
                    "stops", self._standby_note, self._retry.total_seconds())
        self._loop = asyncio.get_running_loop().create_task(self._keep_trying())

    async def attempt(self) -> bool:
        """One round: a leader checks it still holds the lock, a standby tries to take it."""
        if self._state == "off":
            return False
        if self._lock.held:
            if await self._lock.still_held():
                return True
            await self._lose("its lock stopped answering: for PostgreSQL, its connection")
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


class AdvisoryLockLeader(LockLeader):
    """PostgreSQL: leader while holding `pg_try_advisory_lock(key)` on its own connection."""

    def __init__(self, database: Database, follower: Follower, *, key: int = LOCK_KEY,
                 retry: timedelta = RETRY) -> None:
        # Several processes on PostgreSQL is the design: standing by is news, not a fault.
        super().__init__(AdvisoryLock(database.engine, key), follower, retry=retry,
                         standby_note="another process holds the scheduler's advisory lock "
                                      "on this PostgreSQL database (or it is unreachable)",
                         standby_level=logging.INFO)


class FileLockLeader(LockLeader):
    """SQLite on a file: leader while holding an flock on `<database>.lock` beside it."""

    def __init__(self, database_file: Path, follower: Follower, *,
                 retry: timedelta = RETRY) -> None:
        lock = LeaderFile(lock_file_of(database_file))
        super().__init__(lock, follower, retry=retry,
                         standby_note=f"another process runs the scheduler on this SQLite "
                                      f"file (it holds {lock.path}); run one process per "
                                      "SQLite file, or use PostgreSQL for several")


def lock_file_of(database_file: Path) -> Path:
    """`<database>.lock`, beside the SQLite file: who leads the scheduler on it."""
    return database_file.with_name(database_file.name + ".lock")


def leadership_for(database: Database, follower: Follower, *,
                   retry: timedelta = RETRY) -> Leadership:
    """Advisory-lock leadership on PostgreSQL, a lock file beside a SQLite file; the one
    process of an in-memory database leads alone. A standby tries again every `retry`."""
    if database.dialect == "postgresql":
        return AdvisoryLockLeader(database, follower, retry=retry)
    if database.sqlite_file is not None:
        return FileLockLeader(database.sqlite_file, follower, retry=retry)
    return SoleLeader(follower)
