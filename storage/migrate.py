"""Alembic, driven from code: `partnerops db upgrade` and the automatic upgrade on start."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from storage.engine import Database
from storage.locks import FileLock

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest migration's revision. Alembic (about 10 MB) is imported only when there is
# something to do: a process starting on an up-to-date database never loads it. A test
# holds this equal to Alembic's own head.
HEAD_REVISION = "0016"
# Every process of a deployment migrates at start, so several may try at once: one at a
# time, each inside the lock reading the revision the one before it left (Alembic does).
MIGRATION_LOCK_KEY = 0x5041_5254_4D49_4752  # PostgreSQL: a transaction-level advisory lock
MIGRATION_WAIT_SECONDS = 600.0  # SQLite: how long to wait for the file lock


def alembic_config(url: str = "") -> Config:
    """The Alembic configuration, without any alembic.ini on disk."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def is_newer(revision: str | None) -> bool:
    """Whether the database was upgraded by a later version than this one (revisions are
    numbered: 0001, 0002, ...)."""
    return bool(revision and revision.isdigit() and HEAD_REVISION.isdigit()
                and int(revision) > int(HEAD_REVISION))


async def out_of_date(database: Database) -> str | None:
    """Why this version cannot run on the database's schema, or None: at this version's
    revision, or at a later version's (said with a warning: see `is_newer`)."""
    current = await stamped_revision(database)
    if is_newer(current):  # a later version upgraded it: this one was rolled back to
        warn_newer(current or "")
        return None
    if current == HEAD_REVISION:
        return None
    return (f"the database is at revision {current or 'none'}, this version needs "
            f"{HEAD_REVISION}: run `partnerops db upgrade` first")


def warn_newer(revision: str) -> None:
    log.warning("the database is at revision %s, newer than this version's %s: running on "
                "it, as migrations only add (docs/DEPLOY.md, Going back)", revision,
                HEAD_REVISION)


async def upgrade(database: Database, revision: str = "head") -> None:
    """Bring the schema to `revision` on the database's own async engine (nothing to do,
    and Alembic not even loaded, when it is at the head already or beyond it)."""
    if revision == "head":
        stamped = await stamped_revision(database)
        if stamped == HEAD_REVISION:
            return
        if is_newer(stamped):  # a later version upgraded it: this one was rolled back to
            warn_newer(stamped or "")
            return
    from alembic import command

    await _migrate(database, command.upgrade, revision)


async def downgrade(database: Database, revision: str) -> None:
    """Take the schema back to `revision` (for operators undoing an upgrade, and tests)."""
    from alembic import command

    await _migrate(database, command.downgrade, revision)


async def stamped_revision(database: Database) -> str | None:
    """The revision Alembic's version table holds, read without Alembic (None: no table)."""
    async with database.engine.connect() as connection:
        try:
            found = (await connection.execute(text(
                "SELECT version_num FROM alembic_version"))).scalars().all()
        except DBAPIError:  # no version table: an empty database
            return None
    return found[0] if len(found) == 1 else None


async def _migrate(database: Database, step: Callable[[Config, str], None],
                   revision: str) -> None:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        step(config, revision)

    async with _one_at_a_time(database), database.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite rebuilds a table to change it: dropping the old copy with foreign keys
            # enforced would cascade into (delete) the rows that refer to it.
            await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            await connection.commit()
        try:
            async with connection.begin():
                if not sqlite:  # held until this transaction ends
                    await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                             {"key": MIGRATION_LOCK_KEY})
                await connection.run_sync(run)
                if sqlite:
                    broken = (await connection.exec_driver_sql(
                        "PRAGMA foreign_key_check")).all()
                    if broken:
                        raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                await connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                await connection.commit()


@contextlib.asynccontextmanager
async def _one_at_a_time(database: Database) -> AsyncIterator[None]:
    """On a SQLite file, hold an flock on `<database>.migrate.lock` (the kernel drops it
    with the process); PostgreSQL locks inside the migration's transaction instead."""
    if database.sqlite_file is None:
        yield
        return
    lock = FileLock(database.sqlite_file.with_name(database.sqlite_file.name + ".migrate.lock"))
    try:
        async with asyncio.timeout(MIGRATION_WAIT_SECONDS):
            await lock.wait()
    except TimeoutError:
        raise TimeoutError(f"another process has been migrating this database for "
                           f"{MIGRATION_WAIT_SECONDS:.0f} s (it holds {lock.path})") from None
    try:
        yield
    finally:
        # The file stays: removing it would let a process that opened it just before and
        # one that creates it anew both hold "the" lock.
        lock.release(remove=False)


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def current_revision(database: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with database.engine.connect() as connection:
        return await connection.run_sync(read)
