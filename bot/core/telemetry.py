"""What a running bot tells its operators, in neutral terms: which request a log line is
about (a context variable, so every line written while handling it carries it, in the work
after Slack's ack too), and the events an operator counts. Standard library only: the
composition root counts them with Prometheus (bot/metrics.py); the default counts nothing.

A request's context holds its id, platform, workspace (the platform's id of it) and command,
never a person: an anonymous reporter must not reach the logs, so nothing here names one.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

# What an incoming X-Request-Id may look like to be kept (else a new id is made): short,
# and nothing that could forge a log line.
_USABLE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


@dataclass
class RequestContext:
    """The request being handled. Shared (not copied) with the tasks a request starts, so
    what the work after Slack's ack learns reaches lines written about the request."""

    request_id: str
    platform: str = ""
    workspace: str = ""
    command: str = ""

    def fill(self, *, platform: str = "", workspace: str = "", command: str = "") -> None:
        """Set what is not known yet (the first to know wins)."""
        self.platform = self.platform or platform
        self.workspace = self.workspace or workspace
        self.command = self.command or command


_CURRENT: ContextVar[RequestContext | None] = ContextVar("partnerops_request", default=None)


def request_id(incoming: str | None = None) -> str:
    """`incoming` (a caller's X-Request-Id) when it is a plain short token, else a new id."""
    if incoming and _USABLE_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def current_request() -> RequestContext | None:
    return _CURRENT.get()


@contextmanager
def handling(context: RequestContext) -> Iterator[RequestContext]:
    """`context` is the current request inside the block (and in tasks started in it)."""
    token = _CURRENT.set(context)
    try:
        yield context
    finally:
        _CURRENT.reset(token)


class Telemetry:
    """The events a running bot counts. This one counts nothing (the console, jobs, tests);
    every method is cheap and never raises."""

    def handled(self, platform: str, kind: str, command: str, status: str,
                seconds: float) -> None:
        """A command, form, button or thread reply went through the dispatcher."""

    def retried(self, platform: str, reason: str) -> None:
        """A call to a platform is tried again: `rate_limited`, `server_error` or
        `connection`."""

    def settled(self, feature: str, kind: str, status: str, count: int = 1) -> None:
        """Ledger rows of a kind of message were settled: `sent`, `failed`,
        `undeliverable`."""
