"""The fake Slack of tests/fakes for a benchmark: in the measured process, or in its own.

In the measured process ("inline", as the fan-out goal was first measured), the fake's
work and the calls it keeps (10,000 messages with their blocks) count against both sides
alike: its CPU, and a heap that makes every full garbage collection longer. In a process
of its own ("process"), on the other core, only the sender's side is measured, as when
Slack is another machine.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from tests.fakes import FakeSlackApi, Fault


@dataclass(frozen=True)
class Limits:
    """Refuse the `first`-th accepted post and every `every`-th after it, `refusals` in
    all, with a 429 that closes chat.postMessage for `retry_after` seconds."""

    first: int
    every: int
    refusals: int
    retry_after: int

    @property
    def waits(self) -> int:
        """The seconds of waiting the refusals impose."""
        return self.refusals * self.retry_after


@dataclass(frozen=True)
class Served:
    """What the fake saw: messages per channel, refusals, and the first DM's blocks."""

    posted: Counter[str]
    refusals: int = 0
    closed: int = 0  # posts refused while chat.postMessage was closed
    prompt_blocks: list[dict[str, Any]] = field(default_factory=list)


def _limit(slack: FakeSlackApi, limits: Limits | None) -> None:
    if limits is None:
        return
    slack.close_on_429("chat.postMessage")
    for n in range(limits.refusals):
        through = (limits.first if n == 0 else limits.every) - 1
        slack.inject("chat.postMessage", Fault(), through)  # these go through
        slack.fail_next("chat.postMessage", status=429, retry_after=limits.retry_after)


def _served(slack: FakeSlackApi) -> Served:
    posts = slack.of("chat.postMessage")
    refused = [call for call in posts if call.args.get("_injected_status") == 429]
    closed = sum(1 for call in refused if call.args.get("_closed"))
    prompt = next((call.args.get("blocks") or [] for call in posts
                   if str(call.args.get("channel", "")).startswith("U")), [])
    return Served(Counter({channel: len(messages) for channel, messages in slack.history.items()}),
                  len(refused) - closed, closed, prompt)


def _serve(connection: Connection, latency: float, limits: Limits | None) -> None:
    async def serve() -> None:
        async with FakeSlackApi() as slack:
            slack.latency = latency
            _limit(slack, limits)
            connection.send(slack.url)
            await asyncio.to_thread(connection.recv)  # until the run is over
            connection.send(_served(slack))

    asyncio.run(serve())


class InlineFakeSlack:
    """`async with InlineFakeSlack(...) as slack`: its `url` while serving from this
    process; `served()` once the measured run is over."""

    def __init__(self, *, latency: float = 0.0, limits: Limits | None = None) -> None:
        self._slack = FakeSlackApi()
        self._slack.latency = latency
        _limit(self._slack, limits)
        self.url = ""

    async def __aenter__(self) -> InlineFakeSlack:
        await self._slack.__aenter__()
        self.url = self._slack.url
        return self

    async def served(self) -> Served:
        return _served(self._slack)

    async def __aexit__(self, *exc: object) -> None:
        await self._slack.__aexit__(*exc)


class ProcessFakeSlack:
    """As InlineFakeSlack, the fake serving from a process of its own."""

    def __init__(self, *, latency: float = 0.0, limits: Limits | None = None) -> None:
        self._ours, theirs = multiprocessing.get_context("spawn").Pipe()
        self._process = multiprocessing.get_context("spawn").Process(
            target=_serve, args=(theirs, latency, limits), daemon=True)
        self.url = ""

    async def __aenter__(self) -> ProcessFakeSlack:
        self._process.start()
        self.url = await asyncio.to_thread(self._ours.recv)
        return self

    async def served(self) -> Served:
        self._ours.send("done")
        return await asyncio.to_thread(self._ours.recv)

    async def __aexit__(self, *_: object) -> None:
        await asyncio.to_thread(self._process.join, 10)
        if self._process.is_alive():
            self._process.kill()


FakeSlack = InlineFakeSlack | ProcessFakeSlack
KINDS: dict[str, type[InlineFakeSlack] | type[ProcessFakeSlack]] = {
    "inline": InlineFakeSlack, "process": ProcessFakeSlack}
