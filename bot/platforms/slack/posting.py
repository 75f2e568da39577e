"""chat.postMessage exactly once. A 5xx, a timeout or a dropped connection leaves it unknown
whether Slack posted the message; slack_sdk's own retry would then post it twice. So every
post carries a key in its metadata, and before trying again the poster asks Slack whether a
message with that key landed (the channel's history, or the thread's replies).

A 429 is different: nothing was done, and Slack limits a method per workspace and app, its
Retry-After the time until the method may be called again. So a 429 pauses every post with
that token, not just the refused one: posts in flight at once (a fan-out's sixteen) wait
out the same pause instead of each being refused in turn, and no random second is added
to each wait as slack_sdk's rate-limit handler does (the fan-out's own bound caps what
goes out when a pause ends)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.telemetry import Telemetry
from bot.platforms.slack.client import KeptAlive

log = logging.getLogger(__name__)

ATTEMPTS = 3
FIRST_WAIT_SECONDS = 0.5
# Refusals (429) one post waits out before it gives up (a later run-due tries again).
RATE_LIMIT_RETRIES = 4
# A 429 without a readable Retry-After waits this long.
DEFAULT_RETRY_AFTER = 1.0
# Slack's clock and ours may differ: look a little before the first attempt.
CLOCK_SKEW = timedelta(minutes=1)
Found = Callable[[str, str, datetime], Awaitable[str | None]]


def uncertain(error: BaseException) -> bool:
    """Whether a failed post may have landed all the same."""
    if isinstance(error, SlackApiError):  # a lookup's 429 that outlasted its retries: unknown
        return error.response.status_code >= 500 or error.response.status_code == 429
    return isinstance(error, (TimeoutError, aiohttp.ClientError)) or (
        isinstance(error, SlackClientError) and not isinstance(error, SlackApiError))


def retry_after(error: SlackApiError) -> float:
    """A 429's Retry-After in seconds (Slack sends whole seconds); DEFAULT_RETRY_AFTER when
    it is missing or unreadable."""
    headers = error.response.headers or {}
    value = next((v for k, v in headers.items() if str(k).lower() == "retry-after"), None)
    value = value[0] if isinstance(value, list) and value else value
    try:
        return max(0.0, float(value)) if value is not None else DEFAULT_RETRY_AFTER
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER


class Pauses:
    """When chat.postMessage may next be called, per token (one workspace's install).

    Every refusal is waited out in full from when it came, so no call ever goes before a
    Retry-After has passed. Posts in flight when the method closed come back refused by
    the same closing, each a moment later with its own Retry-After (Slack rounds the time
    left up to whole seconds): each lengthens the pause by that moment only.
    """

    def __init__(self, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._sleep = sleep
        self._clock = clock
        self._until: dict[str, float] = {}

    def pause(self, token: str, seconds: float) -> None:
        """No post with `token` for `seconds` from now (a pause already longer stays)."""
        self._until[token] = max(self._until.get(token, 0.0), self._clock() + seconds)

    async def wait(self, token: str) -> None:
        """Return once `token` is not paused (a pause may grow while waiting)."""
        while (left := self._until.get(token, 0.0) - self._clock()) > 0:
            await self._sleep(left)
        self._until.pop(token, None)


def retry_reason(error: BaseException) -> str:
    """How Telemetry.retried names why a post is tried again."""
    if isinstance(error, SlackApiError):
        return "rate_limited" if error.response.status_code == 429 else "server_error"
    return "connection"


class Poster:
    def __init__(self, client: AsyncWebClient, sleep: Callable[[float], Awaitable[None]]
                 = asyncio.sleep, pauses: Pauses | None = None,
                 telemetry: Telemetry | None = None) -> None:
        self._client = client
        self._connections = KeptAlive(client)
        self._sleep = sleep
        self._pauses = pauses or Pauses(sleep)
        self._telemetry = telemetry or Telemetry()

    async def close(self) -> None:
        """Close the kept-alive connections (the poster opens them again if used)."""
        await self._connections.close()

    async def post(self, token: str, channel: str, thread_ts: str | None, key: str,
                   found: Found, **payload: Any) -> dict[str, Any]:
        """The posted message's (channel, ts) as Slack answered, or as history found it after
        an uncertain failure; the last error when it surely did not land."""
        started = datetime.now(UTC) - CLOCK_SKEW  # (astimezone() reads the local zone: slow)
        wait = FIRST_WAIT_SECONDS
        refused = 0
        attempt = 1
        while True:
            await self._pauses.wait(token)
            self._connections.ensure()
            try:
                # api_call, not chat_postMessage: the payload is already the method's JSON
                # (blocks as dicts, text given, nothing None), and that wrapper's per-call
                # rework of it only copied it (3% of a fan-out's instructions).
                response = await self._client.api_call("chat.postMessage", json={
                    "token": token, "channel": channel, **payload,
                    **({"thread_ts": thread_ts} if thread_ts else {})})
                return {"channel": response.get("channel") or channel, "ts": response["ts"]}
            except (TimeoutError, SlackClientError, aiohttp.ClientError) as error:
                if isinstance(error, SlackApiError) and error.response.status_code == 429:
                    # Nothing was done: wait with every other post, then send again.
                    refused += 1
                    if refused > RATE_LIMIT_RETRIES:
                        raise
                    seconds = retry_after(error)
                    log.info("Slack is rate-limiting posts: all wait %.0fs (%d/%d)",
                             seconds, refused, RATE_LIMIT_RETRIES)
                    self._pauses.pause(token, seconds)
                    self._telemetry.retried("slack", retry_reason(error))
                    continue
                if not uncertain(error) or attempt == ATTEMPTS:
                    raise
                landed = await found(channel, key, started)
                if landed is not None:
                    log.info("a post whose answer was lost had landed: not posted again")
                    return {"channel": channel, "ts": landed}
                log.warning("Slack post failed (%s); retry %d/%d in %.0fs",
                            type(error).__name__, attempt, ATTEMPTS - 1, wait)
                self._telemetry.retried("slack", retry_reason(error))
                await self._sleep(wait)
                wait *= 2
                attempt += 1
