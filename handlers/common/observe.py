"""The dispatcher's outermost middleware: every call is counted and logged in one line.

The line says the platform, the workspace, the kind of call, what it routed to (a command's
subcommand, a form or button id: never what was typed), how it ended and how long it took,
under the request's id. It never names the person, so an anonymous report's line is like any
other. Each line written while the call runs carries the same context.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bot.core.responses import Response
from bot.core.telemetry import RequestContext, current_request, handling, request_id

if TYPE_CHECKING:
    from handlers.common.context import Services
    from handlers.common.dispatch import Call, Next, Target

log = logging.getLogger("partnerops.requests")

# What a call that did not route (an unknown command, a stale button) is counted as: what
# was typed must not become a label (it is text people wrote, and unbounded).
UNKNOWN = "unknown"


def label_of(call: Call) -> str:
    """What the call routed to, or UNKNOWN."""
    if call.target is None:
        return UNKNOWN
    return call.target.label or call.name


def observed(services: Services) -> Callable[[Call, Next], Awaitable[Response]]:
    async def observe(call: Call, next_step: Next) -> Response:
        outer = current_request()
        platform, workspace = call.actor.platform.value, call.actor.workspace
        mine = RequestContext(outer.request_id if outer else request_id(), platform, workspace)
        routing = call.route

        def route() -> Target:
            target = routing()
            call.target = target
            mine.command = label_of(call)
            if outer is not None:  # the HTTP request's own line names the command too
                outer.fill(platform=platform, workspace=workspace, command=mine.command)
            return target

        call.route = route
        started = time.perf_counter()
        with handling(mine):
            try:
                response = await next_step(call)
            except BaseException:
                call.status = "error"
                raise
            finally:
                seconds = time.perf_counter() - started
                command = mine.command = label_of(call)
                services.telemetry.handled(platform, call.kind.value, command, call.status,
                                           seconds)
                log.info("%s %s %r: %s in %.1f ms", platform, call.kind.value, command,
                         call.status, seconds * 1000,
                         extra={"kind": call.kind.value, "status": call.status,
                                "latency_ms": round(seconds * 1000, 1)})
        return response

    return observe
