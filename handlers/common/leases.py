"""The leases that ledger claims are made under (see storage.ledger.leases)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime

from storage.engine import Database
from storage.ledger import leases


class LeaseKeeper:
    """The leases claims are made under: one per run, and one for the process's own sends
    made while answering people (held from first use until `close`)."""

    def __init__(self, database: Database, wall_clock: Callable[[], datetime]) -> None:
        self._database, self._now = database, wall_clock
        self._process: AbstractAsyncContextManager[leases.Lease] | None = None
        self._process_lease: leases.Lease | None = None
        self._lock = asyncio.Lock()

    def run_lease(self) -> AbstractAsyncContextManager[leases.Lease]:
        return leases.holding_lease(self._database, now=self._now())

    async def process_lease(self) -> int:
        async with self._lock:
            if self._process_lease is None:
                self._process = leases.holding_lease(self._database, now=self._now())
                self._process_lease = await self._process.__aenter__()
            return self._process_lease.id

    async def close(self) -> None:
        async with self._lock:
            holder, self._process, self._process_lease = self._process, None, None
            if holder is not None:
                await holder.__aexit__(None, None, None)
