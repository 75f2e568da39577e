"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from storage.engine import Database
from storage.migrate import current_revision, head_revision, upgrade
from storage.tables import METADATA


async def test_upgrade_from_empty_reaches_head_and_matches_models(empty_database: Database):
    assert await current_revision(empty_database) is None

    await upgrade(empty_database)

    assert await current_revision(empty_database) == head_revision()

    def differences(connection: Connection) -> list:
        return compare_metadata(MigrationContext.configure(connection), METADATA)

    async with empty_database.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_upgrade_twice_changes_nothing(empty_database: Database):
    await upgrade(empty_database)
    await upgrade(empty_database)

    def tables(connection: Connection) -> set[str]:
        return set(inspect(connection).get_table_names())

    async with empty_database.engine.connect() as connection:
        names = await connection.run_sync(tables)
    assert {"person", "partner", "elephant", "appsetting", "conversationreference",
            "alembic_version"} <= names
