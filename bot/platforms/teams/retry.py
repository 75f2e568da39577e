"""Bounded retries of Bot Framework connector calls, honouring Retry-After on 429 and 503."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from msrest.exceptions import HttpOperationError

from bot.core.telemetry import Telemetry

log = logging.getLogger(__name__)

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
# Throttled or briefly unavailable: the message did not go out, so sending again is safe.
RETRYABLE = frozenset({429, 502, 503, 504})


def status_of(error: BaseException) -> int | None:
    """The HTTP status of a failed connector call (msrest HttpOperationError), if any."""
    if not isinstance(error, HttpOperationError):
        return None
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    return int(status) if isinstance(status, int) else None


def retry_after(error: BaseException) -> float | None:
    """The Retry-After of a failed connector call, in seconds (dates are not honoured)."""
    headers = getattr(getattr(error, "response", None), "headers", None) or {}
    value = headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


@dataclass(frozen=True)
class RetryPolicy:
    """Up to `attempts` tries; waits Retry-After, else `base_delay` doubled each time. A try
    without an answer within `timeout` seconds counts as a 503 (TEAMS_API_TIMEOUT_SECONDS)."""

    attempts: int = 4
    timeout: float = 30.0
    base_delay: float = 1.0
    max_delay: float = 30.0
    sleep: Sleep = field(default=asyncio.sleep)
    telemetry: Telemetry = field(default_factory=Telemetry)  # counts each retry

    def delay(self, attempt: int, error: BaseException) -> float:
        """How long to wait after failed attempt number `attempt` (1-based)."""
        wanted = retry_after(error)
        if wanted is None:
            wanted = self.base_delay * 2 ** (attempt - 1)
        return min(wanted, self.max_delay)

    async def run(self, operation: Callable[[], Awaitable[T]], what: str) -> T:
        """Run `operation`, retrying throttling and brief outages; re-raise the last error."""
        attempt = 1
        while True:
            try:
                async with asyncio.timeout(self.timeout):
                    return await operation()
            except (HttpOperationError, TimeoutError) as error:
                # No answer: like a 503, taken as not sent (Bot Framework has nothing to
                # look a delivery up by, so this is the same bet a 503's retry makes).
                status = 503 if isinstance(error, TimeoutError) else status_of(error)
                if status not in RETRYABLE or attempt >= self.attempts:
                    raise
                wait = self.delay(attempt, error)
                log.warning("Teams %s to %s; retry %d/%d in %.1fs",
                            "gave no answer in time" if isinstance(error, TimeoutError)
                            else f"answered {status}", what, attempt, self.attempts - 1, wait)
                self.telemetry.retried("teams", "connection" if isinstance(error, TimeoutError)
                                       else "rate_limited" if status == 429 else "server_error")
                await self.sleep(wait)
                attempt += 1
