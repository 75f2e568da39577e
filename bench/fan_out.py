"""A 10,000-person cadence through fake Slack, against a raw slack_sdk send loop; then the
same fan-out with some posts refused with 429 Retry-After, against the least time those
Retry-After values impose.

Both send the same Block Kit prompt to the same loopback fake with the same concurrency
(run_due's FAN_OUT) through slack_sdk's AsyncWebClient over kept-alive connections (as the
bot's poster does; a connection per call left 10,000 sockets in TIME_WAIT a run, which
slowed the next run's connects); the floor has no database, no ledger and no rendering.
run_due runs in an application started as `partnerops run` starts one (the schema,
Slack's sessions, what start-up built frozen out of the garbage collector), without
taking a port.
The ratio is what exactly-once delivery costs on top of the sends. BENCH_FAKE=process
serves the fake from a process of its own (bench/fake_slack.py): then only the senders'
side is measured; by default ("inline") it serves from this one, as the goal was set.

With 429s: one post in every LIMIT_EVERY the fake accepts is refused, 429 with Retry-After
RETRY_AFTER seconds. The model of the minimum: Slack limits each method per workspace and
app, and its Retry-After is the time until that method may be called again, so a 429
closes chat.postMessage as a whole, not the one call (the fake does so: `close_on_429`;
a post arriving while it is closed is refused too, with the seconds left). During a wait
nothing can be sent; the next refusal can only come from a post accepted after it, so the
waits never overlap and add up: minimum = the raw loop's time + the sum of the Retry-After
values. (chat.postMessage also has a limit per channel, which strictly closes one channel;
a 429 does not say which limit it is, so it is taken as closing the method.) A sender
that waits only its own refusal's Retry-After while its fifteen peers
carry on would be refused again and again while the method is closed; one that adds
slack_sdk's random second to each wait loses up to a second a refusal. The second ratio
printed, against run_due's own time plus the waits, is what the refusals cost beyond the
waits themselves.

Every run checks, from what the fake posted, that each person got exactly one DM.

This machine's speed wanders (a virtual machine whose neighbours take its CPU), so one run
of each proves nothing. The
three runs are interleaved and repeated BENCH_ROUNDS times (3); every round is printed,
and the ratios are of each run's best time, as timeit takes the least of its repeats:
slowness added from outside shows in the spread, not in the figure.
BENCH_PEOPLE sets the size (1000 to iterate). BENCH_LATENCY_MS makes the fake take that
long over every answer, as Slack across the internet does (about 100 ms); by default it
answers at once, so the runs are CPU-bound and the ratio is what our CPU costs.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient

from bench.fake_slack import KINDS, FakeSlack, Limits, Served
from bench.team import REPORT, slack_standup, user_id
from bot.app import build_application
from bot.collector import SERVING
from bot.core.clock import SimulatedClock
from bot.settings import Settings
from bot.web import create_web_app
from handlers.cadences.due import FAN_OUT
from schedules.run_due import run_due

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "10000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
LATENCY = float(os.environ.get("BENCH_LATENCY_MS", "0")) / 1000
# Where the fake serves from: "inline" (this process, as the goal was set) or "process".
FAKE_KIND = os.environ.get("BENCH_FAKE", "inline")
FAKE = KINDS[FAKE_KIND]
# With 429s: the 300th post accepted is refused, and every 1000th after it (in the middle
# of the ledger's claim chunks (up to 250), with 16 posts in flight) ...
FIRST_LIMITED, LIMIT_EVERY = 300, 1000
RETRY_AFTER = 1  # ... for this many seconds (what Slack answers chat.postMessage bursts)
BERLIN_0900 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


class Stopwatch:
    """Seconds spent inside it (bench/instructions.py counts instructions instead)."""

    elapsed = 0.0

    def __enter__(self) -> Stopwatch:
        self._started = time.perf_counter()
        return self

    def __exit__(self, *_: object) -> None:
        self.elapsed = time.perf_counter() - self._started


Measure = Callable[[], AbstractContextManager[object]]


async def floor_loop(slack: FakeSlack, blocks: list[dict], measure: Measure,
                     people: int = PEOPLE, *, debug_lines: bool = True) -> None:
    """The raw slack_sdk send loop to `people`, measured by `measure`. As slack_sdk comes
    its client's logger has no level of its own, so each call builds its debug lines and
    drops them (bot/logs.py); `debug_lines=False`: with the level set, as the bot's are."""
    logger = logging.getLogger(f"bench.raw_loop.{'as_it_comes' if debug_lines else 'quiet'}")
    logger.setLevel(logging.NOTSET if debug_lines else logging.WARNING)
    client = AsyncWebClient(token="xoxb-bench", base_url=slack.url, logger=logger)
    gate = asyncio.Semaphore(FAN_OUT)

    async def send(n: int) -> None:
        async with gate:
            await client.chat_postMessage(channel=user_id(n), text="Time for your standup",
                                          blocks=blocks)

    # Kept-alive connections, as run_due's poster has them (KeptAlive): the same transport.
    # The collector as in a serving process (bot/collector.py), as run_due has it: neither
    # side's garbage, nor the inline fake's, is collected more often than the other's.
    SERVING.start()
    try:
        async with aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=client.timeout)) as session:
            client.session = session
            with measure():
                await asyncio.gather(*(send(n) for n in range(people)))
    finally:
        SERVING.stop()


async def run_due_once(slack: FakeSlack, database: Path, measure: Measure,
                       people: int = PEOPLE) -> None:
    """One run_due of a `people`-person standup, measured by `measure` (not its set-up)."""
    clock = SimulatedClock(BERLIN_0900)
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{database}",
                        slack_bot_token="xoxb-bench", slack_signing_secret="s",
                        slack_api_url=slack.url)
    application = build_application(settings, clock=clock)
    # Started as `partnerops run` starts it (bot/serve.py), without taking a port: the
    # schema, Slack's kept-alive sessions, what start-up built frozen out of the collector.
    runner = web.AppRunner(create_web_app(application, scheduler_on_startup=False),
                           access_log=None, handle_signals=False)
    await runner.setup()
    try:
        await slack_standup(application.database, people, now=clock.now())
        gc.collect()  # the set-up's garbage is not the run's
        with measure():
            report = await run_due(application.services, BERLIN_0900)
    finally:
        await runner.cleanup()
    assert report.count("cadences", "prompt") == people and not report.failures, report


async def _floor(slack: FakeSlack, blocks: list[dict], *, debug_lines: bool = True) -> float:
    watch = Stopwatch()
    await floor_loop(slack, blocks, lambda: watch, debug_lines=debug_lines)
    return watch.elapsed


async def _ours(slack: FakeSlack, database: Path) -> float:
    watch = Stopwatch()
    await run_due_once(slack, database, lambda: watch)
    return watch.elapsed


def _limits() -> Limits:
    """The FIRST_LIMITED-th accepted post refused, and every LIMIT_EVERY-th after it, with
    a 429 that closes the method for RETRY_AFTER seconds."""
    return Limits(FIRST_LIMITED, LIMIT_EVERY, PEOPLE // LIMIT_EVERY, RETRY_AFTER)


def exactly_once(served: Served, *, report: bool = True, people: int = PEOPLE) -> str:
    """Each person's DM and (for run_due) the report channel's message, once each, as
    posted in the fake; a line saying so, or AssertionError."""
    posted = served.posted
    wanted = Counter({f"D{user_id(n)}": 1 for n in range(people)} | ({REPORT: 1} if report else {}))
    doubled = sum(1 for channel, count in posted.items() if count > 1)
    missing = sum(1 for channel in wanted if channel not in posted)
    assert posted == wanted, f"{doubled} doubled, {missing} missing, " \
                             f"{len(posted.keys() - wanted.keys())} unexpected"
    return f"{people}/{people} people got exactly one DM (0 doubled, 0 missing)"


@dataclass
class Round:
    """One round's times, in seconds."""

    floor: float
    quiet_floor: float  # the raw loop without slack_sdk's debug lines, as the bot runs it
    ours: float
    limited: float
    waits: int  # seconds of Retry-After the refusals imposed
    refusals: int
    closed: int


async def _round(folder: Path, number: int) -> Round:
    """run_due, the raw loop, then run_due with 429s; each checked for exactly-once."""
    async with FAKE(latency=LATENCY) as slack:
        ours = await _ours(slack, folder / f"plain-{number}.db")
        served = await slack.served()
    exactly_once(served)
    floors = []
    for debug_lines in (True, False):
        async with FAKE(latency=LATENCY) as slack:
            gc.collect()
            floors.append(await _floor(slack, served.prompt_blocks, debug_lines=debug_lines))
            exactly_once(await slack.served(), report=False)
    limits = _limits()
    async with FAKE(latency=LATENCY, limits=limits) as slack:
        limited = await _ours(slack, folder / f"limited-{number}.db")
        served = await slack.served()
    exactly_once(served)
    return Round(*floors, ours, limited, limits.waits, served.refusals, served.closed)


async def main() -> int:
    rounds: list[Round] = []
    print(f"{PEOPLE} DMs at concurrency {FAN_OUT}, {ROUNDS} rounds, the fake ({FAKE_KIND}) "
          f"answering after {LATENCY * 1000:.0f} ms; each run checked: every person got "
          f"exactly one DM (0 doubled, 0 missing)")
    with tempfile.TemporaryDirectory() as folder:
        for number in range(1, ROUNDS + 1):
            done = await _round(Path(folder), number)
            rounds.append(done)
            print(f"round {number}: raw loop {done.floor:6.2f} s (quiet {done.quiet_floor:.2f}"
                  f" s), run_due {done.ours:6.2f} s ({done.ours / done.floor:.2f}x; "
                  f"{done.ours / done.quiet_floor:.2f}x the quiet one), with 429s "
                  f"{done.limited:6.2f} s "
                  f"({done.limited / (done.floor + done.waits):.2f}x the minimum; "
                  f"{done.refusals} refusals, {done.closed} more posts refused while closed)",
                  flush=True)
    floor = min(done.floor for done in rounds)
    quiet = min(done.quiet_floor for done in rounds)
    ours = min(done.ours for done in rounds)
    limited = min(done.limited for done in rounds)
    waits = rounds[0].waits  # the same in every round
    minimum = floor + waits
    print(f"best of {ROUNDS}: raw slack_sdk loop {floor:6.2f} s ({PEOPLE / floor:5.0f}/s), "
          f"run_due {ours:6.2f} s ({PEOPLE / ours:5.0f}/s)")
    print(f"run_due / raw ratio: {ours / floor:.2f} (goal <= 1.3) at concurrency {FAN_OUT}")
    print(f"against the raw loop without slack_sdk's debug lines ({quiet:.2f} s), as the "
          f"bot's clients run: {ours / quiet:.2f}")
    print(f"with 429s: a post in every {LIMIT_EVERY} refused, Retry-After {RETRY_AFTER} s, "
          f"each refusal closing chat.postMessage; best run_due {limited:6.2f} s")
    print(f"minimum the Retry-After values impose: {minimum:.2f} s (the raw loop's "
          f"{floor:.2f} s + {waits} s of waits that cannot overlap)")
    print(f"run_due with 429s / minimum: {limited / minimum:.2f} (goal <= 1.1; against the "
          f"quiet loop's {quiet + waits:.2f} s: {limited / (quiet + waits):.2f}); the waits "
          f"cost run_due {limited - ours:.2f} s for {waits} s of Retry-After "
          f"({limited / (ours + waits):.2f} x its own time plus the waits)")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
