"""A serving process spaces its young garbage collections, and puts them back on stop."""

from __future__ import annotations

import gc

from aiohttp.test_utils import TestClient, TestServer

from bot.app import build_application
from bot.collector import YOUNG_EVERY
from bot.core.clock import SimulatedClock
from bot.settings import Settings
from bot.web import create_web_app


async def test_serving_spaces_young_collections_and_stopping_puts_them_back(
        clock: SimulatedClock, tmp_path):
    before = gc.get_threshold()
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path / 'a.db'}")
    application = build_application(settings, clock=clock)
    async with TestClient(TestServer(create_web_app(application), host="127.0.0.1")) as client:
        assert (await client.get("/healthz")).status == 200
        assert gc.get_threshold() == (YOUNG_EVERY, *before[1:])
        assert gc.get_freeze_count() > 0  # what start-up built is out of the collector's way
    assert gc.get_threshold() == before
