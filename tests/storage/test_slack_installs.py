"""slack_sdk's SQLAlchemy installation and OAuth-state stores on our migrated schema, on
SQLite and PostgreSQL: the tables our migration creates are exactly those the stores define
(they never create them), and the stores save, find and delete on them; our own lookup finds
a workspace's bot by its team id alone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from storage.common import slack_installs
from storage.engine import Database
from storage.migrate import downgrade, upgrade
from storage.tables import LIBRARY_TABLES

CLIENT = "1111.2222"


def _stores(database: Database) -> tuple[AsyncSQLAlchemyInstallationStore,
                                         AsyncSQLAlchemyOAuthStateStore]:
    return (AsyncSQLAlchemyInstallationStore(client_id=CLIENT, engine=database.engine),
            AsyncSQLAlchemyOAuthStateStore(expiration_seconds=600, engine=database.engine))


def _only_theirs(obj: object, name: str | None, type_: str, reflected: bool,
                 compare_to: object) -> bool:
    """The rest of our schema is not the stores': compare their tables only."""
    return type_ != "table" or name in LIBRARY_TABLES


def _differences(metadata: MetaData):
    def compare(connection: Connection) -> list:
        context = MigrationContext.configure(connection, opts={"include_object": _only_theirs})
        return compare_metadata(context, metadata)
    return compare


async def test_the_migrated_tables_are_exactly_the_stores_own(database: Database):
    installations, states = _stores(database)
    assert set(installations.metadata.tables) | set(states.metadata.tables) == \
        set(LIBRARY_TABLES)
    theirs = MetaData()
    for table in (*installations.metadata.tables.values(), *states.metadata.tables.values()):
        table.to_metadata(theirs)
    async with database.engine.connect() as connection:
        assert await connection.run_sync(_differences(theirs)) == []


def _installation(team: str, token: str, *, enterprise: str | None = None,
                  at: datetime | None = None) -> Installation:
    return Installation(app_id="A0001", enterprise_id=enterprise, team_id=team,
                        team_name=f"Team {team}", bot_token=token, bot_id=f"B{team}",
                        bot_user_id=f"U{team}", bot_scopes="commands,chat:write",
                        user_id="UINSTALLER", installed_at=(at or datetime.now(UTC)).timestamp())


async def test_the_stores_save_find_and_delete_on_our_tables(database: Database):
    installations, states = _stores(database)
    await installations.async_save(_installation("T1", "xoxb-1"))
    await installations.async_save(_installation("T2", "xoxb-2", enterprise="E1"))

    found = await installations.async_find_bot(enterprise_id=None, team_id="T1")
    assert found is not None and found.bot_token == "xoxb-1"
    async with database.session() as session:
        # By team id alone, a Grid workspace's install too (its row names the enterprise).
        grid = await slack_installs.find_bot(session, CLIENT, "T2")
        assert grid is not None and (grid.token, grid.enterprise_id) == ("xoxb-2", "E1")
        assert await slack_installs.find_bot(session, "another-app", "T1") is None

    await installations.async_delete_bot(enterprise_id=None, team_id="T1")
    await installations.async_delete_installation(enterprise_id=None, team_id="T1")
    async with database.session() as session:
        assert await slack_installs.find_bot(session, CLIENT, "T1") is None
        assert await slack_installs.find_bot(session, CLIENT, "T2") is not None

    state = await states.async_issue()
    assert await states.async_consume(state) is True
    assert await states.async_consume(state) is False  # once only
    assert await states.async_consume("made-up") is False


async def test_the_newest_install_wins_and_an_org_install_serves_its_teams(database: Database):
    installations, _ = _stores(database)
    await installations.async_save(_installation("T1", "xoxb-old",
                                                 at=datetime(2026, 1, 1, tzinfo=UTC)))
    await installations.async_save(_installation("T1", "xoxb-new",
                                                 at=datetime(2026, 6, 1, tzinfo=UTC)))
    org = Installation(app_id="A0001", enterprise_id="E9", team_id=None, bot_token="xoxb-org",
                       bot_id="BORG", bot_user_id="UORG", user_id="UINSTALLER",
                       is_enterprise_install=True)
    await installations.async_save(org)
    async with database.session() as session:
        newest = await slack_installs.find_bot(session, CLIENT, "T1")
        assert newest is not None and newest.token == "xoxb-new"
        assert await slack_installs.find_bot(session, CLIENT, "T7") is None
        in_org = await slack_installs.find_bot(session, CLIENT, "T7", enterprise_id="E9")
        assert in_org is not None and in_org.token == "xoxb-org"


@pytest.mark.parametrize("empty_database", ["sqlite", "postgresql"], indirect=True)
async def test_the_install_tables_downgrade_and_upgrade_again(empty_database: Database):
    await upgrade(empty_database)
    await downgrade(empty_database, "0014")
    async with empty_database.engine.connect() as connection:
        names = await connection.run_sync(
            lambda sync: set(sync.dialect.get_table_names(sync)))
        columns = await connection.run_sync(
            lambda sync: {c["name"] for c in sync.dialect.get_columns(sync, "workspace")})
    assert not names & set(LIBRARY_TABLES)
    assert {"bot_token", "bot_user_id"} <= columns
    await upgrade(empty_database)
    installations, _ = _stores(empty_database)
    await installations.async_save(_installation("T1", "xoxb-1"))


def test_nothing_creates_the_stores_tables_but_the_migrations():
    """slack_sdk's stores can create their tables themselves; ours never ask them to."""
    root = Path(__file__).resolve().parents[2]
    callers = [path for folder in ("bot", "handlers", "schedules", "storage")
               for path in (root / folder).rglob("*.py") if ".create_tables(" in path.read_text()]
    assert callers == []
