"""How long Slack waits for our ack, against a bolt app that only acks the same command, on
the same machine, under the concurrency of a busy workspace (p50 and p99).

Each server is a process of its own, as in production: the real `partnerops run`, and a bare
bolt app (`python -m bench.slack_ack floor <port> <slack url>`); this process plays Slack
(the signed requests, and the Web API the work after each ack calls). bolt itself polls for
the ack every 10 ms, so the floor is bolt's own: the ratio shows what PartnerOps adds before
the ack (it should add nothing: the database, the directory and the Web API come after it).
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aiohttp import ClientSession, web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes import FakeSlackApi
from tests.fakes.slack_requests import sign, slash_command

SECRET = "bench-signing-secret"
REQUESTS = 300
WARM_UP = 32  # requests of each command before the measured ones, not counted
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


async def _timings(url: str, slack: FakeSlackApi, kind: str, numbers: range = range(REQUESTS)
                   ) -> list[float]:
    """Signed `/elephant` commands, one per number, CONCURRENCY at a time; each one's time
    to ack."""
    timings: list[float] = []
    numbered = iter(numbers)

    async def client(session: ClientSession) -> None:
        for index in numbered:
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


def _floor_app(slack_url: str) -> web.Application:
    bolt = AsyncApp(client=AsyncWebClient(base_url=slack_url), signing_secret=SECRET,
                    authorize=_authorize)

    @bolt.command("/elephant")
    async def only_ack(ack: AsyncAck) -> None:
        await ack()

    async def serve(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(
            await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post("/slack/events", serve)
    app.router.add_get("/healthz", lambda _: web.Response(text="ok"))  # type: ignore[arg-type,return-value]
    return app


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _serving(command: list[str], env: dict[str, str], port: int
                   ) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        *command, env={**os.environ, **env}, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL)
    async with ClientSession() as session:
        for _ in range(300):
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as answer:
                    if answer.status == 200:
                        return process
            except OSError:
                await asyncio.sleep(0.1)  # waiting for the process to bind its port
    process.kill()
    raise RuntimeError(f"{command} did not come up")


async def _measured(command: list[str], env: dict[str, str], port: int, slack: FakeSlackApi,
                    settle: bool) -> dict[str, list[float]]:
    process = await _serving(command, env, port)
    try:
        url = f"http://127.0.0.1:{port}/slack/events"
        answered = 0

        async def phase(kind: str, numbers: range) -> list[float]:
            nonlocal answered
            timings = await _timings(url, slack, kind, numbers)
            if settle:
                # Its work done (each command answers once at its response_url) before the
                # next phase: one phase's backlog must not land in the next one's timings.
                answered += len(numbers)
                await slack.wait_for("response_url", count=answered, timeout=300)
            return timings

        # Warm both alike (first requests pay for imports and caches), filing first: what a
        # filing does after its answer (its Home tab) is over before help is measured.
        for kind in reversed(COMMANDS):
            await phase(kind, range(REQUESTS, REQUESTS + WARM_UP))
        return {kind: await phase(kind, range(REQUESTS)) for kind in COMMANDS}
    finally:
        process.terminate()
        await process.wait()


async def _floor(slack: FakeSlackApi) -> dict[str, list[float]]:
    port = _free_port()
    return await _measured([sys.executable, "-m", "bench.slack_ack", "floor", str(port),
                            slack.url], {}, port, slack, settle=False)


async def _ours(slack: FakeSlackApi, folder: Path) -> dict[str, list[float]]:
    port = _free_port()
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'b.db'}", "PORT": str(port),
           "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SECRET,
           "SLACK_API_URL": slack.url}
    return await _measured([sys.executable, "-m", "bot", "run"], env, port, slack,
                           settle=True)


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
    if sys.argv[1:2] == ["floor"]:  # the floor's own process
        web.run_app(_floor_app(sys.argv[3]), host="127.0.0.1", port=int(sys.argv[2]),
                    print=None)
        sys.exit(0)
    sys.exit(asyncio.run(main()))
