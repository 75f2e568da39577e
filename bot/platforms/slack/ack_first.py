"""Acks first: under a burst of Slack requests, the work after one ack waits until no other
request is still waiting for its ack (at most MAX_WAIT), so that every ack of the burst goes
out before the work of any.

asyncio has no priorities: the work after an ack (the database, the Web API, rendering)
shares the event loop with the next requests, and bolt only notices an ack when its 10 ms
poll gets its turn. Alone, a request's work starts as soon as its own answer has left.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

MAX_WAIT = 2.0  # seconds; Slack's response_url stays valid for 30 minutes


class AckFirst:
    def __init__(self, max_wait: float = MAX_WAIT) -> None:
        self._max_wait = max_wait
        self._waiting = 0
        self._quiet = asyncio.Event()
        self._quiet.set()

    @contextlib.asynccontextmanager
    async def answering(self) -> AsyncIterator[None]:
        """Around one HTTP request from Slack, until its answer is ready to send."""
        self._waiting += 1
        self._quiet.clear()
        try:
            yield
        finally:
            self._waiting -= 1
            if not self._waiting:
                self._quiet.set()

    async def acked(self) -> None:
        """Called after an ack: returns once no request waits for its answer (or after
        MAX_WAIT, so a steady stream of requests never starves the work)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._quiet.wait(), self._max_wait)
