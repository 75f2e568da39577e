"""Slack delivers an event or an interaction again, with `X-Slack-Retry-Num`, when it thinks
its ack came late (or never came). The redelivery is acknowledged and dropped: the first
one is being handled. Remembered in this process, by `event_id` (events) or `trigger_id`
(commands, buttons, forms); storage's unique keys hold the line across processes."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

log = logging.getLogger(__name__)

REMEMBERED = 10_000
RETRY_HEADER = "x-slack-retry-num"


def delivery_key(body: dict[str, Any]) -> str:
    """What names one delivery whatever its attempt: the event's id, or the trigger's."""
    return str(body.get("event_id") or body.get("trigger_id") or "")


class Redeliveries:
    def __init__(self, remembered: int = REMEMBERED) -> None:
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._remembered = remembered

    def _first(self, key: str) -> bool:
        if key in self._seen:
            return False
        self._seen[key] = None
        while len(self._seen) > self._remembered:
            self._seen.popitem(last=False)
        return True

    def middleware(self) -> Callable[..., Awaitable[BoltResponse]]:
        """A bolt middleware (it runs after the signature check): a redelivery of something
        already taken is answered 200 and goes no further. A plain function, as bolt passes
        arguments by their names."""

        async def drop_redeliveries(req: AsyncBoltRequest, resp: BoltResponse,
                                    next: Callable[[], Awaitable[BoltResponse]]
                                    ) -> BoltResponse:
            key = delivery_key(req.body)
            first = self._first(key) if key else True
            retried = req.headers.get(RETRY_HEADER)
            if not first and retried:
                log.info("dropped a Slack redelivery (retry %s)", retried[0])
                return BoltResponse(status=200, body="")
            return await next()

        return drop_redeliveries
