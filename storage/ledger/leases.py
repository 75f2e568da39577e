"""Run leases: each run that claims ledger keys holds one, and it dies with its process.

So the next run after a crash can tell at once which claims nobody will ever settle (their
lease is dead) from claims a live run is still sending (never touched).
- PostgreSQL: a session-level advisory lock on the lease's random token.
- SQLite on a file: an flock on `<database>.leases/<token>.lock`.
- SQLite in memory: one process by definition; the leases it holds are in `Database`.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import col, delete

from storage.engine import Database
from storage.ledger.models import RunLease
from storage.locks import AdvisoryLock, FileLock, advisory_lock_free

TOKEN_BITS = 62


@dataclass(frozen=True)
class Lease:
    id: int
    token: int


def _lock_file(database: Database, token: int) -> Path | None:
    file = database.sqlite_file
    if file is None:
        return None
    return file.with_name(file.name + ".leases") / f"{token}.lock"


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@asynccontextmanager
async def holding_lease(database: Database, *, now: datetime) -> AsyncIterator[Lease]:
    """A new lease, held until the block ends (or the process dies)."""
    token = secrets.randbits(TOKEN_BITS)
    async with database.session() as session:
        row = RunLease(token=token, holder=_holder(), started_at=now)
        session.add(row)
        await session.flush()
        lease = Lease(row.id or 0, token)
    advisory = AdvisoryLock(database.engine, token) if database.dialect == "postgresql" else None
    path = _lock_file(database, token)
    file_lock = FileLock(path) if path is not None else None
    if advisory is not None and not await advisory.acquire():
        raise RuntimeError("could not take this run's lease (is PostgreSQL reachable?)")
    if file_lock is not None and not file_lock.acquire():
        raise RuntimeError(f"could not lock {path}")
    database.held_leases.add(lease.id)
    try:
        yield lease
    finally:
        # Dead first, whatever happens next: even a run stopped midway (its claims are then
        # for the next run to settle) must never look alive.
        database.held_leases.discard(lease.id)
        if advisory is not None:
            await advisory.release()
        if file_lock is not None:
            file_lock.release()
        # Settled claims keep their lease id for the record; the lease itself goes.
        await end(database, lease.id)


async def alive(database: Database, lease_id: int) -> bool:
    """Whether the run holding `lease_id` is still running (in any process)."""
    if lease_id in database.held_leases:
        return True
    async with database.session() as session:
        row = await session.get(RunLease, lease_id)
    if row is None:
        return False
    if database.dialect == "postgresql":
        return not await advisory_lock_free(database.engine, row.token)
    path = _lock_file(database, row.token)
    if path is None:  # in memory: only this process could hold it, and it does not
        return False
    return not FileLock(path).free()


async def end(database: Database, lease_id: int) -> None:
    """Forget a lease: its run ended, or a later run settled the claims it left."""
    async with database.session() as session:
        await session.exec(delete(RunLease).where(  # type: ignore[call-overload]
            col(RunLease.id) == lease_id))
