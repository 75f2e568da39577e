"""The Slack Web API client, with the retries slack_sdk leaves to us."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.telemetry import Telemetry

REQUEST_TIMEOUT_SECONDS = 15
RATE_LIMIT_RETRIES = 4
SERVER_ERROR_RETRIES = 2
CONNECTION_RETRIES = 1


class CountedRetries(AsyncRetryHandler):
    """One of slack_sdk's retry handlers, telling `telemetry` of each retry it makes."""

    def __init__(self, inner: AsyncRetryHandler, reason: str, telemetry: Telemetry) -> None:
        super().__init__(max_retry_count=inner.max_retry_count,
                         interval_calculator=inner.interval_calculator)
        self._inner = inner
        self._reason = reason
        self._telemetry = telemetry

    async def can_retry_async(self, **kwargs: Any) -> bool:
        return await self._inner.can_retry_async(**kwargs)

    async def prepare_for_next_attempt_async(self, **kwargs: Any) -> None:
        self._telemetry.retried("slack", self._reason)
        await self._inner.prepare_for_next_attempt_async(**kwargs)


def build_web_client(token: str | None, base_url: str, telemetry: Telemetry | None = None,
                     *, timeout: float = REQUEST_TIMEOUT_SECONDS) -> AsyncWebClient:
    """A client for `base_url` (SLACK_API_URL) that waits out 429s and retries 5xx briefly;
    a call without an answer within `timeout` seconds fails (SLACK_API_TIMEOUT_SECONDS)."""
    telemetry = telemetry or Telemetry()
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,  # type: ignore[arg-type]  # typed int, used as aiohttp's float
        retry_handlers=[
            CountedRetries(AsyncConnectionErrorRetryHandler(max_retry_count=CONNECTION_RETRIES),
                           "connection", telemetry),
            # Honours Retry-After; nothing was processed, so a retry cannot double a message.
            CountedRetries(AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
                           "rate_limited", telemetry),
            CountedRetries(AsyncServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
                           "server_error", telemetry),
        ],
    )


def build_posting_client(base_url: str, timeout: float = REQUEST_TIMEOUT_SECONDS
                         ) -> AsyncWebClient:
    """A client for chat.postMessage that retries nothing by itself: a 5xx or a lost answer
    retried could post twice (the poster asks Slack whether the message landed before it
    tries again), and a 429 pauses every post of the workspace, not one (posting.py)."""
    return AsyncWebClient(base_url=base_url, timeout=timeout,  # type: ignore[arg-type]
                          retry_handlers=[])


class KeptAlive:
    """One aiohttp session for some clients, made in the event loop that first uses it, so
    their calls reuse keep-alive connections. Without one, slack_sdk opens (and closes) a
    session and a TCP (and TLS) connection for every call: a handshake per message of a
    fan-out, and per lookup or view a person waits for. bolt hands a client's session on
    to the client it makes for each request."""

    def __init__(self, *clients: AsyncWebClient) -> None:
        self._clients = clients
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def ensure(self) -> None:
        """Give the clients an open session of the running loop (from a coroutine)."""
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            # The first client's timeout, as slack_sdk gives a session it makes for a call.
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self._clients[0].timeout))
            self._loop = loop
            for client in self._clients:
                client.session = self._session

    async def close(self) -> None:
        session, self._session = self._session, None
        for client in self._clients:
            client.session = None
        if session is not None and not session.closed:
            await session.close()
