"""`partnerops db upgrade` next to processes still serving, on PostgreSQL.

The process that serves here is the previous version of PartnerOps itself: this
repository's code just before the newest migration was added (from git), run from a
folder of its own against the same installed dependencies. It starts on a database at the
previous revision; the new version's `db upgrade` then migrates that database under it.

What this proves: the newest migration applies while an old process serves, that process
keeps answering /healthz throughout and files a command afterwards, and an old process
started after the upgrade refuses to start, as docs/DEPLOY.md says. What it does not:
that every future migration is as harmless (tests/storage/test_migration_policy.py holds
new migrations to additive steps), or anything about SQLite (one process, upgraded by its
own `run` on start).
"""

from __future__ import annotations

import asyncio
import io
import shutil
import subprocess
import tarfile
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from storage.engine import Database
from storage.migrate import HEAD_REVISION, MIGRATIONS, downgrade, stamped_revision
from tests.cli.invoke import as_process
from tests.cli.test_run import _free_port, start_server
from tests.conftest import cloned_postgres_url
from tests.fakes import FakeSlackApi
from tests.fakes.slack_requests import sign, slash_command

SECRET = "upgrade-signing-secret"
REPOSITORY = Path(__file__).resolve().parents[2]


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(REPOSITORY), *args], capture_output=True,
                          check=True, timeout=60).stdout.decode()


def _previous_version(into: Path) -> tuple[Path, str]:
    """The code as it was just before the newest migration was added, and its revision."""
    [newest] = (MIGRATIONS / "versions").glob(f"{HEAD_REVISION}_*.py")
    if shutil.which("git") is None:
        pytest.skip("git is not installed: the previous version cannot be checked out")
    try:
        added = _git("log", "--diff-filter=A", "--format=%H", "-1", "--",
                     str(newest.relative_to(REPOSITORY))).strip()
        archive = subprocess.run(["git", "-C", str(REPOSITORY), "archive", "--format=tar",
                                  f"{added}^"], capture_output=True, check=True,
                                 timeout=60).stdout
    except (subprocess.CalledProcessError, ValueError) as error:
        pytest.skip(f"no git history to take the previous version from: {error}")
    if not added:
        pytest.skip("the newest migration is not committed yet: no previous version in git")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
            tar.extractall(into, filter="data")
        else:  # our own repository's archive
            tar.extractall(into)
    old_head = next(line.split('"')[1] for line in
                    (into / "storage" / "migrate.py").read_text().splitlines()
                    if line.startswith("HEAD_REVISION ="))
    return into, old_head


@pytest.fixture
async def database_url(postgres_template: str | None) -> AsyncIterator[str]:
    async with cloned_postgres_url(postgres_template) as url:
        yield url


async def _keep_asking(url: str, answers: list[int], stop: asyncio.Event) -> None:
    async with aiohttp.ClientSession() as session:
        while not stop.is_set():
            async with session.get(f"{url}/healthz") as answer:
                answers.append(answer.status)
            await asyncio.sleep(0.05)


@pytest.mark.heavy
async def test_db_upgrade_while_the_previous_version_serves(tmp_path: Path, database_url: str):
    old_code, old_head = _previous_version(tmp_path / "previous")
    assert old_head != HEAD_REVISION
    database = Database.from_url(database_url)
    await downgrade(database, old_head)  # the database as the previous version left it
    await database.dispose()
    env = {"DATABASE_URL": database_url, "SLACK_BOT_TOKEN": "xoxb-old",
           "SLACK_SIGNING_SECRET": SECRET}
    async with FakeSlackApi() as slack:
        slack.add_user("U0001", name="ana", email="ana@acme.test")
        # The current code would refuse this database; the previous version serves it.
        old = await start_server(old_code, SLACK_API_URL=slack.url, **env)
        try:
            stop, answers = asyncio.Event(), []
            asking = asyncio.create_task(_keep_asking(old.url, answers, stop))
            upgraded = await asyncio.to_thread(as_process, tmp_path, "unused.db", "db",
                                               "upgrade", DATABASE_URL=database_url)
            await asyncio.sleep(0.3)  # a few more health checks after the upgrade
            stop.set()
            await asyncio.wait_for(asking, 10)
            assert upgraded.returncode == 0, upgraded.stderr
            assert upgraded.stdout.strip() == \
                f"database at revision {HEAD_REVISION} (was {old_head})"
            assert len(answers) > 3 and set(answers) == {200}  # throughout, never a 503

            body = slash_command("/elephant", "Renewals skip the partner",
                                 response_url=slack.response_url())
            async with aiohttp.ClientSession() as session, session.post(
                    f"{old.url}/slack/events", data=body, headers=sign(body, SECRET)) as answer:
                assert answer.status == 200
            [posted] = await slack.wait_for("chat.postMessage", timeout=15)
            assert "E-1" in posted.args["text"]
        finally:
            old_log = await old.stop()
    assert old.process.returncode == 0, old_log

    # The previous version started after the upgrade refuses the newer database (exit 1
    # from versions before it was made a usage error like the other commands', 2 after).
    restarted = as_process(old_code, "unused.db", "run", PORT=str(_free_port()), **env)
    assert restarted.returncode in (1, 2)
    assert f"this version needs {old_head}" in restarted.stderr
    assert "run `partnerops db upgrade` first" in restarted.stderr
    database = Database.from_url(database_url)
    assert await stamped_revision(database) == HEAD_REVISION
    await database.dispose()
