"""A fan-out's outcomes, written to the ledger in batches by a task of their own.

Each send holds a ticket from before it starts until its outcome is committed, so at most
UNCONFIRMED_MAX sends of a fan-out are ever unconfirmed: a crash leaves at most that many
claims whose message may have gone out (the next run asks the platform about each).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from datetime import datetime

from bot.core.conversation import MessageRef
from bot.core.errors import DeliveryError, Undeliverable
from handlers.common.context import Services
from handlers.common.deliveries import Failure, Outcome, Pending
from storage.common.fan_out_writes import FanOutWrites
from storage.ledger import repository as ledger
from storage.ledger.models import DeliveryStatus

log = logging.getLogger(__name__)

# Outcomes written in one transaction once this many wait ...
SETTLE_EVERY = 50
# ... or once the oldest has waited this long (sends paused by a 429, a slow platform).
FLUSH_SECONDS = 0.1
# Sends started and not yet recorded, at most: four batches, so sends go on while one is
# written. A write takes about as long as 50 sends when the fake Slack answers at once (each
# of its trips to aiosqlite's thread waits for the busy event loop); with twice a batch the
# sends waited for tickets about 0.6 s of a 10,000-person fan-out, with four 0.15 s. A crash
# leaves at most this many sends for recovery to ask the platform about.
UNCONFIRMED_MAX = 4 * SETTLE_EVERY


class Confirmations:
    """Outcomes waiting to be recorded, and the tickets that bound them."""

    def __init__(self, services: Services, writes: FanOutWrites, now: datetime,
                 outcome: Outcome) -> None:
        self._services, self._writes, self._now, self._outcome = services, writes, now, outcome
        self._tickets = asyncio.Semaphore(UNCONFIRMED_MAX)
        self._sent: list[tuple[int, str, str]] = []
        self._failed: list[tuple[int, str]] = []
        self._never: list[tuple[int, str]] = []  # undeliverable: recorded with why, never retried
        self._tally: Counter[tuple[str, str, str]] = Counter()  # (feature, kind, status) -> rows
        self._waiting = 0
        self._ready = asyncio.Event()
        self._closed = False

    async def ticket(self) -> None:
        """Return once one more send may start unconfirmed."""
        if self._tickets.locked():
            self._ready.set()  # every ticket waits on a write: write now, not on a timer
        await self._tickets.acquire()

    def record(self, item: Pending, ident: int, result: MessageRef | DeliveryError) -> None:
        """Keep a send's outcome for the next write (the run's Outcome counts it at once)."""
        if isinstance(result, MessageRef):
            self._sent.append((ident, result.conversation.id, result.id))
            self._outcome.count(item.kind)
            status = DeliveryStatus.SENT
        elif isinstance(result, Undeliverable):
            log.warning("a %s/%s send can never be delivered (not retried): %s",
                        item.kind.feature, item.kind.kind.value, result)
            self._never.append((ident, str(result)))
            self._outcome.failures.append(Failure(item.kind, item.key, str(result)))
            status = DeliveryStatus.UNDELIVERABLE
        else:
            log.warning("a %s/%s send failed (a later run retries it): %s",
                        item.kind.feature, item.kind.kind.value, result)
            self._failed.append((ident, str(result)))
            self._outcome.failures.append(Failure(item.kind, item.key, str(result)))
            status = DeliveryStatus.FAILED
        self._tally[item.kind.feature, item.kind.kind.value, status.value] += 1
        self._waiting += 1
        if self._waiting >= SETTLE_EVERY:
            self._ready.set()

    def close(self) -> None:
        """No more outcomes will come: write what waits, then stop."""
        self._closed = True
        self._ready.set()

    async def run(self) -> None:
        """Write outcomes as batches fill (or time passes) until closed and all written."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._ready.wait(), FLUSH_SECONDS)
            self._ready.clear()
            if self._waiting:
                await self._write()
            if self._closed and not self._waiting:
                return

    async def _write(self) -> None:
        sent, failed, never, tally = self._sent, self._failed, self._never, self._tally
        written = self._waiting
        self._sent, self._failed, self._never, self._tally = [], [], [], Counter()
        self._waiting = 0
        async with self._writes.write() as statements:
            await ledger.settle_many(statements, sent=sent, failed=failed, undeliverable=never,
                                     now=self._now)
        for (feature, kind, status), count in tally.items():  # counted once recorded
            self._services.telemetry.settled(feature, kind, status, count)
        for _ in range(written):
            self._tickets.release()
