"""chat.postMessage exactly once. A 5xx, a timeout or a dropped connection leaves it unknown
whether Slack posted the message; slack_sdk's own retry would then post it twice. So every
post carries a key in its metadata, and before trying again the poster asks Slack whether a
message with that key landed (the channel's history, or the thread's replies)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

ATTEMPTS = 3
FIRST_WAIT_SECONDS = 0.5
# Slack's clock and ours may differ: look a little before the first attempt.
CLOCK_SKEW = timedelta(minutes=1)
Found = Callable[[str, str, datetime], Awaitable[str | None]]


def uncertain(error: BaseException) -> bool:
    """Whether a failed post may have landed all the same."""
    if isinstance(error, SlackApiError):  # a 429 that outlasted its retries: unknown too
        return error.response.status_code >= 500 or error.response.status_code == 429
    return isinstance(error, (TimeoutError, aiohttp.ClientError)) or (
        isinstance(error, SlackClientError) and not isinstance(error, SlackApiError))


class Poster:
    def __init__(self, client: AsyncWebClient, sleep: Callable[[float], Awaitable[None]]
                 = asyncio.sleep) -> None:
        self._client = client
        self._sleep = sleep

    async def post(self, token: str, channel: str, thread_ts: str | None, key: str,
                   found: Found, **payload: Any) -> dict[str, Any]:
        """The posted message's (channel, ts) as Slack answered, or as history found it after
        an uncertain failure; the last error when it surely did not land."""
        started = datetime.now().astimezone() - CLOCK_SKEW
        wait = FIRST_WAIT_SECONDS
        for attempt in range(1, ATTEMPTS + 1):
            try:
                response = await self._client.chat_postMessage(
                    token=token, channel=channel, thread_ts=thread_ts, **payload)
                return {"channel": response.get("channel") or channel, "ts": response["ts"]}
            except (TimeoutError, SlackClientError, aiohttp.ClientError) as error:
                if not uncertain(error) or attempt == ATTEMPTS:
                    raise
                landed = await found(channel, key, started)
                if landed is not None:
                    log.info("a post whose answer was lost had landed: not posted again")
                    return {"channel": channel, "ts": landed}
                log.warning("Slack post failed (%s); retry %d/%d in %.0fs",
                            type(error).__name__, attempt, ATTEMPTS - 1, wait)
                await self._sleep(wait)
                wait *= 2
        raise AssertionError("unreachable")
