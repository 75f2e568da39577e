"""Shared call recording, fault injection and loopback server lifecycle for the fakes."""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from aiohttp import web

MAX_ARGS_REPR = 160


@dataclass(frozen=True)
class RecordedCall:
    """One request received by a fake, under a logical name such as "chat.postMessage"."""

    method: str
    path: str
    args: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)
    verb: str = "POST"
    # The client's end of the TCP connection the call came on ("host:port").
    peer: str = ""

    def __str__(self) -> str:
        """Render the call compactly for assertion messages."""
        args = repr(self.args)
        if len(args) > MAX_ARGS_REPR:
            args = args[: MAX_ARGS_REPR - 3] + "..."
        return f"{self.method} ({self.verb} {self.path}) {args}"


class CallLog:
    """Ordered, awaitable log of the calls a fake received."""

    def __init__(self) -> None:
        """Start with an empty log."""
        self._calls: list[RecordedCall] = []
        self._changed = asyncio.Event()

    @property
    def calls(self) -> list[RecordedCall]:
        """Return a snapshot of every recorded call, oldest first."""
        return list(self._calls)

    def of(self, name: str) -> list[RecordedCall]:
        """Return the recorded calls with the given logical name."""
        return [call for call in self._calls if call.method == name]

    def record(self, call: RecordedCall) -> RecordedCall:
        """Append a call and wake every waiter."""
        self._calls.append(call)
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()
        return call

    def clear(self) -> None:
        """Forget every recorded call."""
        self._calls.clear()

    async def wait_for(
        self,
        name: str,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - timeouts become descriptive assertions
    ) -> list[RecordedCall]:
        """Wait for `count` calls named `name`; return them all, or fail listing what came."""
        try:
            async with asyncio.timeout(timeout):
                while len(self.of(name)) < count:
                    await self._changed.wait()
        except TimeoutError:
            got = len(self.of(name))
            raise AssertionError(self._timeout_message(name, count, got, timeout)) from None
        return self.of(name)

    def _timeout_message(self, name: str, count: int, got: int, timeout: float) -> str:
        """Explain a wait_for timeout, listing what was recorded instead."""
        recorded = "\n".join(f"  - {call}" for call in self._calls) or "  (nothing)"
        return (
            f"expected {count} call(s) to {name!r} within {timeout}s, got {got}.\n"
            f"Recorded calls:\n{recorded}"
        )


@dataclass(frozen=True)
class Fault:
    """One injected misbehaviour for the next call of a given name."""

    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    delay: float = 0.0


class FakeServer:
    """Base for loopback aiohttp fakes: start/stop, call log and queued faults."""

    def __init__(self) -> None:
        """Create the (not yet started) application."""
        self.log = CallLog()
        self.app = web.Application(middlewares=[self._count_in_flight])
        self.in_flight = 0
        self.max_in_flight = 0  # the most requests it was ever answering at once
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._faults: defaultdict[str, deque[Fault]] = defaultdict(deque)
        self._chaos: tuple[float, frozenset[str], random.Random] = (0.0, frozenset(),
                                                                    random.Random(0))
        self.hang_seconds = 0.0  # how long a chaos "hung" (or "slow") call keeps its answer
        self.latency = 0.0  # seconds every answer takes, as a server across a network does
        self._closing: set[str] = set()  # names a 429 closes for its Retry-After
        self._closed_until: dict[str, float] = {}  # name -> monotonic instant it reopens

    @web.middleware
    async def _count_in_flight(self, request: web.Request,
                               handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                               ) -> web.StreamResponse:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
            return await handler(request)
        finally:
            self.in_flight -= 1

    @property
    def port(self) -> int:
        """Return the bound loopback port (only after start())."""
        if self._port is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return self._port

    @property
    def origin(self) -> str:
        """Return scheme, host and port, without a trailing slash."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def calls(self) -> list[RecordedCall]:
        """Return every recorded call."""
        return self.log.calls

    def of(self, name: str) -> list[RecordedCall]:
        """Return the recorded calls with the given name."""
        return self.log.of(name)

    async def wait_for(
        self,
        name: str,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[RecordedCall]:
        """Wait for `count` calls named `name`; see CallLog.wait_for."""
        return await self.log.wait_for(name, count, timeout)

    async def start(self) -> Self:
        """Listen on a random loopback port."""
        self._runner = web.AppRunner(
            self.app, handle_signals=False, access_log=None, shutdown_timeout=0.5
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        """Stop listening and release the port."""
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner = None
        self._port = None

    async def __aenter__(self) -> Self:
        """Start the server for an `async with` block."""
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the server at the end of an `async with` block."""
        await self.stop()

    def chaos(self, rate: float, names: Sequence[str], seed: int = 1,
              hang: float = 0.0) -> None:
        """From now on, `rate` of the calls named in `names` fail at random (seeded): a 429
        with Retry-After 1 or a 503, nothing done (a fake may add kinds of its own, see
        `CHAOS`); with `hang`, also calls that time out: no answer for `hang` seconds (set
        the client's timeout below it). `chaos(0, ())` stops it."""
        self._chaos = (rate, frozenset(names), random.Random(seed))
        self.hang_seconds = hang

    CHAOS: tuple[str, ...] = ("ratelimited", "unavailable")
    # With `hang`: besides the base's "hung" (nothing done, a 503 once the caller gave up),
    # a fake may add kinds of its own.
    TIMEOUTS: tuple[str, ...] = ("hung",)

    def roll_chaos(self, name: str) -> str | None:
        """The kind of failure chaos gives this call, if any."""
        rate, names, dice = self._chaos
        if name not in names or dice.random() >= rate:
            return None
        return dice.choice(self.CHAOS + (self.TIMEOUTS if self.hang_seconds else ()))

    def chaos_fault(self, kind: str) -> Fault:
        if kind == "ratelimited":
            return Fault(status=429, error="ratelimited", retry_after=1)
        return Fault(status=503, error=kind, delay=self.hang_seconds if kind == "hung" else 0)

    def inject(self, name: str, fault: Fault, times: int = 1) -> None:
        """Queue `fault` for the next `times` calls named `name` (FIFO per name)."""
        self._faults[name].extend([fault] * times)

    def close_on_429(self, name: str) -> None:
        """Limit `name` as a whole, as Slack limits each method (per workspace and app):
        once a call to it is answered 429 with Retry-After N (injected, or by chaos), every
        call to it in the next N seconds is refused too, with a 429 whose Retry-After is the
        time left, rounded up to whole seconds as Slack's are. Those calls are recorded
        with `_closed` (and `_injected_status` 429); they consume no queued fault."""
        self._closing.add(name)

    def delay_next(self, name: str, seconds: float, times: int = 1) -> None:
        """Make the next `times` calls named `name` answer only after `seconds`."""
        self.inject(name, Fault(delay=seconds), times)

    def record(
        self, name: str, request: web.Request, args: dict[str, Any], verb: str = ""
    ) -> RecordedCall:
        """Record a call made through `request` without applying faults."""
        address = request.transport.get_extra_info("peername") if request.transport else None
        call = RecordedCall(
            name, request.path, args, dict(request.headers), verb=verb or request.method,
            peer=f"{address[0]}:{address[1]}" if address else "",
        )
        return self.log.record(call)

    async def intercept(
        self, name: str, request: web.Request, args: dict[str, Any]
    ) -> web.StreamResponse | None:
        """Record a call, apply any queued fault (else chaos, when on) and return the
        faulty response if any; while `name` is closed by a 429 (`close_on_429`), a 429."""
        now = time.monotonic()
        left = self._closed_until.get(name, now) - now
        if left > 0:
            args["_closed"] = True
            fault: Fault | None = Fault(status=429, error="ratelimited",
                                        retry_after=math.ceil(left))
        else:
            queue = self._faults.get(name)
            fault = queue.popleft() if queue else None
            if fault is None and (kind := self.roll_chaos(name)) is not None:
                args["_chaos"] = kind
                fault = self.chaos_fault(kind)
            if fault is not None and fault.status == 429 and name in self._closing:
                self._closed_until[name] = now + (fault.retry_after or 0)
        if fault is not None and fault.status != 200:
            args["_injected_status"] = fault.status
        if fault is not None and fault.error is not None:
            args["_injected_error"] = fault.error
        if fault is not None and fault.delay:
            args["_injected_delay"] = fault.delay
        self.record(name, request, args)
        if fault is None:
            return None
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.status == 200 and fault.error is None:
            return None
        return self.fault_response(fault)

    def fault_response(self, fault: Fault) -> web.StreamResponse:
        """Render an injected fault; subclasses shape the body like the real service."""
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        return web.json_response({"error": fault.error}, status=fault.status, headers=headers)
