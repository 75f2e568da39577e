"""GET /healthz tells a load balancer whether this process can serve."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer

from bot.app import build_application
from bot.core.clock import SimulatedClock
from bot.settings import Settings
from bot.web import create_web_app
from storage.migrate import upgrade
from tests.conftest import (
    postgres_address,
    postgres_database,
    postgres_schema,
    postgres_url_via,
)
from tests.e2e.conftest import RunningBot
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
