"""Several processes upgrading one database at once (every `partnerops run` of a deployment
migrates at start): one migrates, the others wait for it and find nothing left to do."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from storage.engine import Database
from storage.migrate import HEAD_REVISION, stamped_revision
from tests.cli.invoke import environment
from tests.conftest import cloned_postgres_url

PROCESSES = 2


async def _upgrade_at_once(tmp_path: Path, database_url: str) -> list[tuple[int, str]]:
    env = environment(tmp_path, "unused.db", DATABASE_URL=database_url)
    processes = [await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "db", "upgrade", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        for _ in range(PROCESSES)]
    outputs = await asyncio.wait_for(
        asyncio.gather(*(process.communicate() for process in processes)), timeout=90)
    return [(process.returncode or 0, out.decode()) for process, (out, _) in
            zip(processes, outputs, strict=True)]


async def _head_once(database_url: str) -> None:
    database = Database.from_url(database_url)
    try:
        assert await stamped_revision(database) == HEAD_REVISION
    finally:
        await database.dispose()


@pytest.mark.heavy
async def test_upgrades_at_once_on_postgresql_all_succeed(tmp_path: Path):
    async with cloned_postgres_url("template0") as url:  # an empty database
        results = await _upgrade_at_once(tmp_path, url)
        assert [code for code, _ in results] == [0] * PROCESSES, results
        await _head_once(url)


@pytest.mark.heavy
async def test_upgrades_at_once_on_sqlite_all_succeed(tmp_path: Path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    results = await _upgrade_at_once(tmp_path, url)
    assert [code for code, _ in results] == [0] * PROCESSES, results
    await _head_once(url)
