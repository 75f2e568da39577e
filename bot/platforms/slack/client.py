"""The Slack Web API client, with the retries slack_sdk leaves to us."""

from __future__ import annotations

from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

REQUEST_TIMEOUT_SECONDS = 15
RATE_LIMIT_RETRIES = 4
SERVER_ERROR_RETRIES = 2
CONNECTION_RETRIES = 1


def build_web_client(token: str | None, base_url: str) -> AsyncWebClient:
    """A client for `base_url` (SLACK_API_URL) that waits out 429s and retries 5xx briefly."""
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        timeout=REQUEST_TIMEOUT_SECONDS,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=CONNECTION_RETRIES),
            # Honours Retry-After; nothing was processed, so a retry cannot double a message.
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
            AsyncServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
        ],
    )


def build_posting_client(base_url: str) -> AsyncWebClient:
    """A client for chat.postMessage that retries nothing by itself: a 5xx or a lost answer
    retried could post twice (the poster asks Slack whether the message landed before it
    tries again), and a 429 pauses every post of the workspace, not one (posting.py)."""
    return AsyncWebClient(base_url=base_url, timeout=REQUEST_TIMEOUT_SECONDS, retry_handlers=[])
