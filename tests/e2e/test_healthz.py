"""GET /healthz tells a load balancer whether this process can serve."""

from __future__ import annotations

import time

from aiohttp.test_utils import TestClient, TestServer

from bot.app import build_application
from bot.core.clock import SimulatedClock
from bot.settings import Settings
from bot.web import create_web_app
from storage.engine import Database, create_engine
from storage.migrate import upgrade
from tests.conftest import (
    postgres_address,
    postgres_database,
    postgres_schema,
    postgres_url_via,
)
from tests.e2e.conftest import RunningBot, bot_settings
from tests.fakes import FakeSlackApi
from tests.fakes.slack_requests import slash_command
from tests.fakes.tcp_proxy import TcpProxy


async def test_healthy_process_reports_ok(bot: RunningBot):
    response = await bot.client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok", "db": "ok", "scheduler": "leader"}


async def test_503_while_postgres_is_unreachable(clock: SimulatedClock):
    async with postgres_schema() as schema, TcpProxy(*postgres_address()) as proxy:
        url = postgres_url_via("127.0.0.1", proxy.port)
        database = postgres_database(schema, url)
        await upgrade(database)
        settings = Settings(_env_file=None, database_url=url)
        application = build_application(settings, clock=clock, database=database)
        async with TestClient(TestServer(create_web_app(application),
                                         host="127.0.0.1")) as client:
            assert (await client.get("/healthz")).status == 200

            await proxy.cut()
            response = await client.get("/healthz")

            assert response.status == 503
            assert (await response.json())["db"] == "unreachable"


async def test_while_postgres_is_away_a_command_hears_try_again_within_three_seconds(
        clock: SimulatedClock, fake_slack: FakeSlackApi, tmp_path):
    """Slack still gets its ack at once; the person is told, fast, to try again; nothing is
    half-written; once the database is back, the same command works."""
    async with postgres_schema() as schema, TcpProxy(*postgres_address()) as proxy:
        url = postgres_url_via("127.0.0.1", proxy.port)
        database = Database(create_engine(url, {"server_settings": {"search_path": schema}}))
        await upgrade(database)
        settings = bot_settings(tmp_path, fake_slack, database_url=url)
        application = build_application(settings, clock=clock, database=database)
        async with TestClient(TestServer(create_web_app(application),
                                         host="127.0.0.1")) as client:
            bot = RunningBot(client, application, fake_slack, None)  # type: ignore[arg-type]
            await bot.slack_post(slash_command("/partnerops", "whoami",
                                               response_url=fake_slack.response_url("r0")))
            await fake_slack.wait_for("response_url")  # the workspace is known
            await proxy.cut()
            started = time.monotonic()
            acked = await bot.slack_post(slash_command(
                "/elephant", "Deal registration takes three weeks",
                response_url=fake_slack.response_url("r1")))
            assert acked.status == 200
            answers = await fake_slack.wait_for("response_url", count=2)
            assert time.monotonic() - started < 3.0
            assert "can't reach my database just now" in answers[-1].args["text"]
            await proxy.start()  # the database is back
            await bot.slack_post(slash_command(
                "/elephant", "Deal registration takes three weeks",
                response_url=fake_slack.response_url("r2")))
            answers = await fake_slack.wait_for("response_url", count=3)
            assert "Filed *E-1*" in answers[-1].args["text"]  # E-1: nothing half-written
