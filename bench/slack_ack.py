"""How long Slack waits for our ack, against a bolt app that only acks the same command, on
the same machine, under the concurrency of a busy workspace (p50 and p99).

bolt itself polls for the ack every 10 ms, so the floor is bolt's own: the ratio shows what
PartnerOps adds before the ack (it should add nothing: the database, the directory and the
Web API all come after it).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import build_application
from bot.core.clock import SystemClock
from bot.settings import Settings
from bot.web import create_web_app
from tests.fakes import FakeSlackApi
from tests.fakes.slack_requests import sign, slash_command

SECRET = "bench-signing-secret"
REQUESTS = 300
# Requests in flight at once, as a busy workspace sends them (BENCH_CONCURRENCY=1: one by one).
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
COMMANDS = ("help", "file")  # `/elephant help`, and `/elephant <text>` which files a report
WORDS = ("pricing", "renewal", "forecast", "pipeline", "margin", "quote", "deal", "region",
         "webinar", "rebate", "discount", "territory", "onboarding", "training", "support")


def _text(kind: str, index: int) -> str:
    """`help`, or a report unlike the others (no two share two words: none is held back)."""
    if kind == "help":
        return "help"
    return f"{WORDS[index % len(WORDS)]} {index} {WORDS[(index * 7 + 3) % len(WORDS)]}{index}"


async def _timings(url: str, slack: FakeSlackApi, kind: str) -> list[float]:
    """REQUESTS signed `/elephant` commands, CONCURRENCY at a time; each one's time to ack."""
    timings: list[float] = []
    numbers = iter(range(REQUESTS))

    async def client(session: ClientSession) -> None:
        for index in numbers:
            body = slash_command("/elephant", _text(kind, index), trigger_id=f"t{kind}{index}",
                                 response_url=slack.response_url(f"r{kind}{index}"))
            headers = sign(body, SECRET)
            started = time.perf_counter()
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
                assert response.status == 200, response.status
            timings.append(time.perf_counter() - started)

    async with ClientSession() as session:
        await asyncio.gather(*(client(session) for _ in range(CONCURRENCY)))
    return timings


async def _floor(slack: FakeSlackApi) -> dict[str, list[float]]:
    bolt = AsyncApp(client=AsyncWebClient(base_url=slack.url), signing_secret=SECRET,
                    authorize=_authorize)

    @bolt.command("/elephant")
    async def only_ack(ack: AsyncAck) -> None:
        await ack()

    async def serve(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(
            await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post("/slack/events", serve)
    async with TestServer(app, host="127.0.0.1") as server:
        return {kind: await _timings(str(server.make_url("/slack/events")), slack, kind)
                for kind in COMMANDS}


async def _ours(slack: FakeSlackApi, folder: Path) -> dict[str, list[float]]:
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{folder / 'b.db'}",
                        slack_bot_token="xoxb-bench", slack_signing_secret=SECRET,
                        slack_api_url=slack.url)
    application = build_application(settings, clock=SystemClock())
    async with TestServer(create_web_app(application), host="127.0.0.1") as server:
        url = str(server.make_url("/slack/events"))
        timings = {kind: await _timings(url, slack, kind) for kind in COMMANDS}
        # The work after each ack: every report filed and posted before the server stops.
        await slack.wait_for("chat.postMessage", count=REQUESTS, timeout=300)
        return timings


async def _authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
    return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token="xoxb-bench")


def _percentiles(timings: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(timings, n=100)
    return statistics.median(timings), cuts[98]


async def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        async with FakeSlackApi() as slack:
            slack.add_user("U0001", name="ana")
            floor = await _floor(slack)
            ours = await _ours(slack, Path(folder))
    print(f"{REQUESTS} signed /elephant requests per command, {CONCURRENCY} at once")
    for kind, goal in (("help", "/elephant help"), ("file", "/elephant <text> (files one)")):
        (f50, f99), (o50, o99) = _percentiles(floor[kind]), _percentiles(ours[kind])
        print(f"{goal:>28}: floor p50 {f50 * 1000:6.2f} ms p99 {f99 * 1000:6.2f} ms | ours "
              f"p50 {o50 * 1000:6.2f} ms p99 {o99 * 1000:6.2f} ms | ratio p50 "
              f"{o50 / f50:.2f} (goal <= 1.25) p99 {o99 / f99:.2f} (goal <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
