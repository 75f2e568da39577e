"""A serving process spaces its young garbage collections, and puts them back on stop."""

from __future__ import annotations

import gc
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from bot.app import build_application
from bot.collector import YOUNG_EVERY
from bot.core.clock import SimulatedClock
from bot.settings import Settings
from bot.web import create_web_app


def _served(clock: SimulatedClock, database: Path) -> TestClient:
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{database}")
    return TestClient(TestServer(create_web_app(build_application(settings, clock=clock)),
                                 host="127.0.0.1"))


async def test_serving_spaces_young_collections_and_stopping_puts_them_back(
        clock: SimulatedClock, tmp_path: Path):
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    built_before = [object()]  # a new object: not yet out of the collector's way
    async with _served(clock, tmp_path / "a.db") as client:
        assert (await client.get("/healthz")).status == 200
        assert gc.get_threshold() == (YOUNG_EVERY, *before[1:])
        # What was built before serving is out of the collector's way (frozen).
        assert gc.get_freeze_count() > frozen
        assert not any(found is built_before for found in gc.get_objects())
    assert gc.get_threshold() == before


async def test_two_applications_in_one_process_share_them_until_the_last_stops(
        clock: SimulatedClock, tmp_path: Path):
    before = gc.get_threshold()
    first = _served(clock, tmp_path / "a.db")
    await first.start_server()
    async with _served(clock, tmp_path / "b.db"):
        await first.close()  # the first stops while the second still serves
        assert gc.get_threshold() == (YOUNG_EVERY, *before[1:])
    assert gc.get_threshold() == before
