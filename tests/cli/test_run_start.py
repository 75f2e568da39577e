"""How `partnerops run` starts, as a real process: the port first, then the database, then
serving, then the scheduler; a configuration it cannot use is refused before any of it."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import socket
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, time
from pathlib import Path

import aiohttp
import pytest

from storage.engine import Database
from storage.migrate import downgrade, stamped_revision
from tests.cli.invoke import environment
from tests.cli.test_run import _due_now, _free_port
from tests.fakes import FakeSlackApi

STARTUP_SECONDS = 30
PREVIOUS_REVISION = "0013"  # one before the head: a database `run` would have to migrate


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port another process listens on (here: this one, on every IPv4 interface)."""
    with socket.socket() as taken:
        taken.bind(("", 0))
        taken.listen()
        yield taken.getsockname()[1]


def _fingerprint(folder: Path) -> dict[str, str]:
    """Every file of the database (journal, lock files included), by name and content."""
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.glob("run.db*")) if path.is_file()}


async def _run(tmp_path: Path, **env: str) -> tuple[int, str, str]:
    """`partnerops run` that is expected to stop by itself: exit code, stdout, stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path,
        env=environment(tmp_path, "run.db", **env),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout=STARTUP_SECONDS)
    except TimeoutError:
        process.kill()
        await process.communicate()
        pytest.fail("`partnerops run` kept running: it should have refused to start")
    return process.returncode or 0, out.decode(), err.decode()


async def test_a_busy_port_stops_it_before_the_database_is_touched_or_anything_sent(
        tmp_path: Path, busy_port: int, sqlite_template: Path):
    """A database one migration behind, with a standup due now for 5 people: with the port
    taken, `run` exits 2 with one line saying so; the file is neither migrated nor changed,
    and Slack hears nothing (the scheduler's catch-up never ran)."""
    if datetime.now(UTC).time() >= time(23, 58):
        pytest.skip("the day's standup closes at 23:59 UTC: too close to run it now")
    shutil.copyfile(sqlite_template, tmp_path / "run.db")
    await _due_now(tmp_path / "run.db", 5)
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'run.db'}")
    await downgrade(database, PREVIOUS_REVISION)
    await database.dispose()
    before = _fingerprint(tmp_path)
    async with FakeSlackApi() as slack:
        code, out, err = await _run(tmp_path, PORT=str(busy_port), SLACK_BOT_TOKEN="xoxb-busy",
                                    SLACK_SIGNING_SECRET="secret", SLACK_API_URL=slack.url)
        assert slack.calls == []
    assert code == 2
    assert err == (f"partnerops: port {busy_port} is already in use (another partnerops run?): "
                   "stop that process or set PORT to a free port\n")
    assert "listening" not in out + err
    assert _fingerprint(tmp_path) == before
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'run.db'}")
    assert await stamped_revision(database) == PREVIOUS_REVISION
    await database.dispose()


async def test_a_busy_port_creates_no_database(tmp_path: Path, busy_port: int):
    code, _, err = await _run(tmp_path, PORT=str(busy_port))
    assert code == 2 and "already in use" in err
    assert _fingerprint(tmp_path) == {} and not (tmp_path / "run.db").exists()


async def test_listening_is_logged_once_it_answers_and_the_scheduler_starts_after(
        tmp_path: Path):
    """On a new database (migrations take a while): the moment the log says "listening",
    /healthz answers; the scheduler's catch-up starts after that line. PORT alone gives the
    public URL; a signing secret without a bot token is a warning naming the one missing."""
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path,
        env=environment(tmp_path, "run.db", PORT=str(port), SLACK_SIGNING_SECRET="only-this"),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    lines: list[str] = []
    try:
        assert process.stdout is not None
        while not any("listening on port" in line for line in lines):
            line = await asyncio.wait_for(process.stdout.readline(), STARTUP_SECONDS)
            assert line, "the process ended: " + "".join(lines)
            lines.append(line.decode())
        async with aiohttp.ClientSession() as session, session.get(
                f"http://127.0.0.1:{port}/healthz") as answer:
            assert answer.status == 200  # no retry: it must answer the moment it says so
            assert (await answer.json())["scheduler"] in ("leader", "off")
    finally:
        process.terminate()
        rest, _ = await asyncio.wait_for(process.communicate(), timeout=20)
    log = "".join(lines) + rest.decode()
    assert process.returncode == 0, log
    assert f"listening on port {port} (public URL http://localhost:{port})" in log
    migrated, listening = log.index("Running upgrade"), log.index("listening on port")
    assert migrated < listening < log.index("scheduler started")
    assert "setup plugin" not in log  # Alembic's chatter about itself stays out
    [warning] = [line for line in log.splitlines() if "Slack is disabled" in line]
    assert " WARNING " in warning and "SLACK_BOT_TOKEN is not set" in warning
    assert "only-this" not in log
