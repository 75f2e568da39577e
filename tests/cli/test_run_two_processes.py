"""Two `partnerops run` on one SQLite file: one leads the scheduler, the other says it
stands by (log and /healthz) and takes over once the leader's process is gone, however it
went: the lock is an flock on `<database>.lock`, which the kernel drops with its process.
The standby tries again every PARTNEROPS_LEADER_RETRY_SECONDS (1 here, 15 by default)."""

from __future__ import annotations

import asyncio
import signal

import aiohttp
import pytest

from tests.cli.test_run import Server, start_server

RETRY_SECONDS = 1
TAKEOVER_SECONDS = RETRY_SECONDS + 10


async def _scheduler(server: Server) -> str:
    async with aiohttp.ClientSession() as session, session.get(
            f"{server.url}/healthz") as answer:
        assert answer.status == 200
        return (await answer.json())["scheduler"]


@pytest.mark.heavy
async def test_the_second_process_on_a_sqlite_file_stands_by_and_takes_over_after_a_kill(
        tmp_path):
    first = await start_server(tmp_path)
    second = None
    try:
        assert await _scheduler(first) == "leader"
        second = await start_server(  # the same file: tmp_path/run.db
            tmp_path, PARTNEROPS_LEADER_RETRY_SECONDS=str(RETRY_SECONDS))
        assert await _scheduler(second) == "standby"
        assert await _scheduler(first) == "leader"

        first.process.send_signal(signal.SIGKILL)  # no clean-up: only the kernel lets go
        await first.process.wait()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TAKEOVER_SECONDS
        while await _scheduler(second) != "leader":
            assert loop.time() < deadline, "the standby never took over"
            await asyncio.sleep(0.2)  # waiting for its retry, a real timer
    finally:
        await first.stop()
        second_log = await second.stop() if second is not None else ""
    assert second is not None and second.process.returncode == 0, second_log
    [standby] = [line for line in second_log.splitlines() if "scheduler standby" in line]
    assert " WARNING " in standby and "run.db.lock" in standby
    assert "run one process per SQLite file, or use PostgreSQL for several" in standby
    assert f"takes over within {RETRY_SECONDS} s" in standby  # the setting, as logged
    assert "scheduler leadership acquired" in second_log.split(standby)[1]
