"""A database `partnerops` cannot use: one line saying why, blaming where the URL came from,
the same exit code from every command (2: the setup is wrong; 1: the database is away), and
read-only commands never create the database they were to read."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from storage.engine import Database
from storage.migrate import HEAD_REVISION, stamped_revision, upgrade
from tests.cli.invoke import Result, as_process, in_process, in_process_async
from tests.cli.test_run import _free_port
from tests.conftest import POSTGRES_URL, require_postgres

UPGRADE_HINT = "run `partnerops db upgrade` first"


def _url(database: str) -> str:
    return make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)


@pytest.fixture
async def empty_postgres() -> AsyncIterator[str]:
    """The URL of a PostgreSQL database that exists and was never upgraded."""
    await require_postgres()
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield _url(name)
    finally:
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.dispose()


def _one_line(result: Result) -> str:
    assert result.stdout == "" or result.stdout.startswith("running everything due")
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and "sqlalche.me" not in result.stderr
    return lines[0]


async def test_a_postgres_database_not_upgraded_exits_2_from_run_export_and_jobs(
        tmp_path: Path, empty_postgres: str):
    """Real processes: `run` said so with exit 1 and `export` with 2; now all say 2."""
    run = as_process(tmp_path, "unused.db", "run", DATABASE_URL=empty_postgres,
                     PORT=str(_free_port()))
    export = as_process(tmp_path, "unused.db", "export", "people",
                        DATABASE_URL=empty_postgres)
    jobs = await in_process_async(tmp_path, "unused.db", "jobs", "run-due",
                                  DATABASE_URL=empty_postgres)
    for result in (run, export, jobs):
        assert result.returncode == 2, result.stderr
        assert UPGRADE_HINT in result.stderr.strip().splitlines()[-1]
    assert "revision none" in run.stderr and "Traceback" not in run.stderr
    assert "listening" not in run.stderr  # refused before serving


async def test_a_postgres_database_that_does_not_exist_is_one_line_and_exit_2(tmp_path: Path):
    await require_postgres()
    missing = _url(f"nope_{uuid.uuid4().hex[:8]}")
    name = make_url(missing).database
    run = as_process(tmp_path, "unused.db", "run", DATABASE_URL=missing,
                     PORT=str(_free_port()))
    assert run.returncode == 2, run.stderr
    # `run` logs its start-up (Slack, Teams) at INFO: its last line is the reason.
    assert run.stderr.strip().splitlines()[-1].startswith(f"partnerops: there is no database "
                                                          f"'{name}'")
    for args in (("db", "current"), ("db", "upgrade"), ("export", "people")):
        result = await in_process_async(tmp_path, "unused.db", *args, DATABASE_URL=missing)
        assert result.returncode == 2, (args, result.stderr)
        line = _one_line(result)
        assert f"there is no database '{name}' on the PostgreSQL server" in line
        assert line.endswith("(check DATABASE_URL)")


def test_an_unreachable_database_server_is_one_line_and_exit_1(tmp_path: Path):
    """Nothing listens there: perhaps for a moment (a restart), so 1, not a usage error."""
    port = _free_port()
    result = in_process(tmp_path, "unused.db", "db", "current",
                        DATABASE_URL=f"postgresql+asyncpg://postgres@127.0.0.1:{port}/x")
    assert result.returncode == 1
    assert _one_line(result).startswith(f"partnerops: cannot reach the database server at "
                                        f"127.0.0.1:{port}")


def test_a_bad_db_flag_is_blamed_on_the_flag(tmp_path: Path):
    result = in_process(tmp_path, "unused.db", "console", "--db", "postgres://x")
    assert result.returncode == 2
    line = _one_line(result)
    assert line.startswith("partnerops: invalid configuration: --db: ")
    assert "DATABASE_URL" not in line


async def test_a_db_flag_naming_no_database_is_blamed_on_the_flag(tmp_path: Path):
    await require_postgres()
    result = await in_process_async(tmp_path, "unused.db", "console", "--db",
                                    _url(f"nope_{uuid.uuid4().hex[:8]}"))
    assert result.returncode == 2
    assert _one_line(result).endswith("(check --db)")


@pytest.mark.parametrize("args", [("db", "current"), ("export", "people"),
                                  ("jobs", "run-due")])
def test_read_only_commands_never_create_a_sqlite_database(tmp_path: Path,
                                                           args: tuple[str, ...]):
    result = in_process(tmp_path, "missing.db", *args)
    assert result.returncode == 2
    assert f"there is no database at {tmp_path / 'missing.db'}" in _one_line(result)
    assert not (tmp_path / "missing.db").exists()


def test_db_current_on_a_missing_sqlite_file_as_a_real_process(tmp_path: Path):
    result = as_process(tmp_path, "missing.db", "db", "current")
    assert result.returncode == 2 and "no database at" in result.stderr
    assert not (tmp_path / "missing.db").exists()


def test_a_sqlite_file_in_a_folder_that_is_not_there(tmp_path: Path):
    result = in_process(tmp_path, "unused.db", "db", "upgrade",
                        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'nowhere' / 'x.db'}")
    assert result.returncode == 2
    assert "cannot open the SQLite database" in _one_line(result)


async def test_a_database_a_later_version_upgraded_is_used_with_a_warning(
        tmp_path: Path, empty_postgres: str):
    """Rolled back: the database is at a revision this version does not know. Migrations
    only add, so it runs on it (and says so) instead of refusing or failing in Alembic."""
    newer = f"{int(HEAD_REVISION) + 1:04d}"
    sqlite = tmp_path / "rolled-back.db"
    assert (await in_process_async(tmp_path, sqlite.name, "db", "upgrade")).returncode == 0
    for url in (f"sqlite+aiosqlite:///{sqlite}", empty_postgres):
        database = Database.from_url(url)
        try:
            await upgrade(database)
            async with database.engine.begin() as connection:
                await connection.exec_driver_sql(
                    f"UPDATE alembic_version SET version_num = '{newer}'")
        finally:
            await database.dispose()
        for command in (("jobs", "run-due"), ("export", "people"), ("db", "upgrade")):
            result = await in_process_async(tmp_path, "unused.db", *command, DATABASE_URL=url)
            assert result.returncode == 0, (command, url, result.stderr)
        database = Database.from_url(url)
        try:
            assert await stamped_revision(database) == newer  # left as it was
        finally:
            await database.dispose()
