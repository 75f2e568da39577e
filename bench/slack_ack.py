"""How long Slack waits for our ack, against a bolt app that only acks, on the same machine.

bolt itself polls for the ack every 10 ms, so the floor is bolt's own: the ratio shows what
PartnerOps adds before the ack (it should add nothing: the database, the directory and the
Web API all come after it).
"""

from __future__ import annotations

import asyncio
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


async def _timings(url: str, slack: FakeSlackApi) -> list[float]:
    timings: list[float] = []
    async with ClientSession() as session:
        for index in range(REQUESTS):
            body = slash_command("/elephant", f"Benchmark friction number {index}",
                                 response_url=slack.response_url(f"r{index}"))
            headers = sign(body, SECRET)
            started = time.perf_counter()
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
                assert response.status == 200, response.status
            timings.append(time.perf_counter() - started)
    return timings


async def _floor(slack: FakeSlackApi) -> list[float]:
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
        return await _timings(str(server.make_url("/slack/events")), slack)


async def _ours(slack: FakeSlackApi, folder: Path) -> list[float]:
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{folder / 'b.db'}",
                        slack_bot_token="xoxb-bench", slack_signing_secret=SECRET,
                        slack_api_url=slack.url)
    application = build_application(settings, clock=SystemClock())
    async with TestServer(create_web_app(application), host="127.0.0.1") as server:
        timings = await _timings(str(server.make_url("/slack/events")), slack)
        await slack.wait_for("chat.postMessage", count=REQUESTS, timeout=120)
        return timings


async def _authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
    return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token="xoxb-bench")


def _report(name: str, timings: list[float]) -> float:
    median = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[-1]
    print(f"{name:>6}: median {median * 1000:7.2f} ms  p95 {p95 * 1000:7.2f} ms")
    return median


async def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        async with FakeSlackApi() as slack:
            slack.add_user("U0001", name="ana")
            floor = _report("floor", await _floor(slack))
            ours = _report("ack", await _ours(slack, Path(folder)))
    ratio = ours / floor
    print(f"ack / floor ratio: {ratio:.2f} (goal <= 1.5) over {REQUESTS} requests")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
