"""workspaces, person identities, per-workspace names, the generic ledger and run leases

Every row that belongs to an installation gets its workspace. Existing rows move into one
workspace per platform that has data: a single-token Slack install is one workspace (its
team id taken from its people, or learned from the first request), Teams the tenant its
conversation references name, the console its own. Person's per-platform id columns become
PersonIdentity rows; settings become per-workspace documents; the ledger keeps every key
(so nothing is sent again after the upgrade) and gains a feature, scope, target kind and
lease.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 23:30:00
"""
import json
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Names for the constraints earlier revisions left unnamed, so SQLite's batch mode can drop
# them (PostgreSQL named them itself: <table>_<column>_key, <table>_<column>_fkey).
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s",
          "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}
PLATFORMS = ("slack", "teams", "console")
IDENTITY_COLUMNS = {"slack": "slack_user_id", "teams": "teams_user_id",
                    "console": "console_user_id"}
DIRECT_KINDS = ("prompt", "reminder")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _rows(sql: str, **params: Any) -> list[Any]:
    return list(op.get_bind().execute(sa.text(sql), params).all())


def _run(sql: str, **params: Any) -> None:
    op.get_bind().execute(sa.text(sql), params)


def _unique_name(table: str, column: str) -> str:
    return f"uq_{table}_{column}" if _sqlite() else f"{table}_{column}_key"


def _fk_name(table: str, column: str, referred: str) -> str:
    return f"fk_{table}_{column}_{referred}" if _sqlite() else f"{table}_{column}_fkey"


def _workspace_column(table: str) -> None:
    with op.batch_alter_table(table) as batch:
        batch.add_column(sa.Column('workspace_id', sa.Integer(), nullable=True))


def _own_workspace(table: str, *, index: bool = False) -> None:
    """workspace_id NOT NULL, referring to workspace (filled in by now)."""
    with op.batch_alter_table(table) as batch:
        batch.alter_column('workspace_id', existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(f"fk_{table}_workspace_id_workspace", 'workspace',
                                 ['workspace_id'], ['id'])
        if index:
            batch.create_index(f"ix_{table}_workspace_id", ['workspace_id'], unique=False)


def _most_common(values: list[Any]) -> Any:
    counted = Counter(value for value in values if value)
    return counted.most_common(1)[0][0] if counted else None


class _Workspaces:
    """The workspaces existing rows move into: one per platform that has data."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.ids: dict[str, int] = {}

    def of(self, platform: str | None) -> int:
        platform = platform if platform in PLATFORMS else None
        if platform is None:
            return self.default()
        if platform not in self.ids:
            external = self._external_id(platform)
            _run("INSERT INTO workspace (platform, external_id, name, created_at) "
                 "VALUES (:platform, :external, '', :now)",
                 platform=platform, external=external, now=self.now)
            self.ids[platform] = _rows("SELECT id FROM workspace WHERE platform = :platform",
                                       platform=platform)[0][0]
        return self.ids[platform]

    def default(self) -> int:
        """Rows that name no platform (partners, people never seen on one)."""
        for platform in PLATFORMS:
            if platform in self.ids:
                return self.ids[platform]
        return self.of("console")

    @staticmethod
    def _external_id(platform: str) -> str | None:
        if platform == "console":
            return ""  # the console is one installation; its requests name none
        if platform == "slack":
            return _most_common([team for team, in _rows(
                "SELECT slack_team_id FROM person WHERE slack_user_id IS NOT NULL "
                "AND is_external = :no", no=False)])
        return _most_common([tenant for tenant, in _rows(
            "SELECT tenant_id FROM conversationreference WHERE platform = 'teams'")])


def _platforms_with_data() -> list[str]:
    found: set[str] = set()
    for platform, column in IDENTITY_COLUMNS.items():
        if _rows(f"SELECT 1 FROM person WHERE {column} IS NOT NULL LIMIT 1"):
            found.add(platform)
    for table in ("cadence", "elephant", "conversationreference"):
        found.update(platform for platform, in _rows(f"SELECT DISTINCT platform FROM {table}"))
    return [platform for platform in PLATFORMS if platform in found]


def _move_people(workspaces: _Workspaces) -> None:
    columns = ", ".join(IDENTITY_COLUMNS.values())
    people = _rows(f"SELECT id, {columns}, slack_team_id, teams_aad_object_id, created_at "
                   "FROM person ORDER BY id")
    for row in people:
        person_id, ids = row[0], dict(zip(PLATFORMS, row[1:4], strict=True))
        team, directory, created = row[4], row[5], row[6]
        home = next((platform for platform in PLATFORMS if ids[platform]), None)
        _run("UPDATE person SET workspace_id = :workspace WHERE id = :id",
             workspace=workspaces.of(home), id=person_id)
        for platform, user_id in ids.items():
            if user_id:
                _run("INSERT INTO personidentity (person_id, workspace_id, platform, user_id, "
                     "directory_id, home_team_id, created_at) VALUES (:person, :workspace, "
                     ":platform, :user_id, :directory, :team, :created)",
                     person=person_id, workspace=workspaces.of(platform), platform=platform,
                     user_id=user_id, created=created,
                     directory=directory if platform == "teams" else None,
                     team=team if platform == "slack" else None)


def _move_settings(workspaces: _Workspaces) -> None:
    insert = sa.text("INSERT INTO setting (workspace_id, key, value, updated_at) "
                     "VALUES (:workspace, :key, :value, :at)").bindparams(
        sa.bindparam("value", type_=sa.JSON()))
    for key, value, updated in _rows("SELECT key, value, updated_at FROM appsetting"):
        if key == "install.first_admin":
            found = _rows("SELECT workspace_id FROM person WHERE id = :id",
                          id=int(value)) if str(value).isdigit() else []
            if found:
                _run("UPDATE workspace SET first_admin_id = :person WHERE id = :workspace",
                     person=int(value), workspace=found[0][0])
            continue
        name, _, platform = key.rpartition(".")
        try:
            document = json.loads(value)
        except ValueError:
            document = value
        op.get_bind().execute(insert, {"workspace": workspaces.of(platform), "key": name or key,
                                       "value": document, "at": updated})


def _fill(workspaces: _Workspaces) -> None:
    _move_people(workspaces)
    for cadence_id, platform, name in _rows("SELECT id, platform, name FROM cadence"):
        _run("UPDATE cadence SET workspace_id = :workspace, name_key = :key WHERE id = :id",
             workspace=workspaces.of(platform), key=name.casefold(), id=cadence_id)
    _run("UPDATE occurrence SET workspace_id = (SELECT workspace_id FROM cadence "
         "WHERE cadence.id = occurrence.cadence_id)")
    _run("UPDATE answer SET workspace_id = (SELECT workspace_id FROM occurrence "
         "WHERE occurrence.id = answer.occurrence_id)")
    _run("UPDATE absence SET workspace_id = (SELECT workspace_id FROM person "
         "WHERE person.id = absence.person_id)")
    for elephant_id, platform in _rows("SELECT id, platform FROM elephant"):
        _run("UPDATE elephant SET workspace_id = :workspace, number = :id WHERE id = :id",
             workspace=workspaces.of(platform), id=elephant_id)
    for partner_id, name in _rows("SELECT id, name FROM partner"):
        _run("UPDATE partner SET workspace_id = :workspace, name_key = :key WHERE id = :id",
             workspace=workspaces.default(), key=name.casefold(), id=partner_id)
    for reference_id, platform in _rows("SELECT id, platform FROM conversationreference"):
        _run("UPDATE conversationreference SET workspace_id = :workspace WHERE id = :id",
             workspace=workspaces.of(platform), id=reference_id)
    _move_settings(workspaces)
    _move_ledger()


def _move_ledger() -> None:
    """Keys stay as they are: what was sent before the upgrade is not sent again."""
    _run("UPDATE delivery SET feature = 'cadences', "
         "scope = 'occurrence:' || CAST(occurrence_id AS TEXT), "
         "conversation_kind = CASE WHEN kind IN ('prompt', 'reminder') THEN 'direct' "
         "ELSE 'channel' END, "
         "workspace_id = (SELECT cadence.workspace_id FROM occurrence JOIN cadence "
         "ON cadence.id = occurrence.cadence_id WHERE occurrence.id = delivery.occurrence_id)")
    # A close update named no conversation: it is the cadence's report channel.
    _run("UPDATE delivery SET "
         "platform = (SELECT cadence.platform FROM occurrence JOIN cadence "
         "ON cadence.id = occurrence.cadence_id WHERE occurrence.id = delivery.occurrence_id), "
         "conversation_id = (SELECT cadence.report_channel_id FROM occurrence JOIN cadence "
         "ON cadence.id = occurrence.cadence_id WHERE occurrence.id = delivery.occurrence_id) "
         "WHERE platform IS NULL OR conversation_id IS NULL")
    # Rows of nothing (no occurrence): no run can ever look for them again.
    _run("DELETE FROM delivery WHERE workspace_id IS NULL OR platform IS NULL "
         "OR conversation_id IS NULL")


def _create_tables() -> None:
    op.create_table('workspace',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('external_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('enterprise_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('bot_token', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('bot_user_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('first_admin_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('platform', 'external_id')
    )
    op.create_table('personidentity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('directory_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('home_team_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workspace_id', 'platform', 'user_id')
    )
    with op.batch_alter_table('personidentity') as batch:
        batch.create_index('ix_personidentity_directory',
                           ['workspace_id', 'platform', 'directory_id'], unique=False)
        batch.create_index('ix_personidentity_person_id', ['person_id'], unique=False)
    op.create_table('setting',
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ),
    sa.PrimaryKeyConstraint('workspace_id', 'key')
    )
    op.create_table('runlease',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.BigInteger(), nullable=False),
    sa.Column('holder', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token'),
    sqlite_autoincrement=True
    )


def _add_columns() -> None:
    for table in ("person", "cadence", "occurrence", "answer", "absence", "elephant",
                  "partner", "conversationreference", "delivery"):
        _workspace_column(table)
    for table, length in (("cadence", 80), ("partner", 200)):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('name_key', sqlmodel.sql.sqltypes.AutoString(
                length=length), nullable=False, server_default=''))
    with op.batch_alter_table('elephant') as batch:
        batch.add_column(sa.Column('number', sa.Integer(), nullable=True))
    with op.batch_alter_table('delivery') as batch:
        batch.add_column(sa.Column('feature', sqlmodel.sql.sqltypes.AutoString(length=30),
                                   nullable=False, server_default='cadences'))
        batch.add_column(sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=200),
                                   nullable=False, server_default=''))
        batch.add_column(sa.Column('conversation_kind', sqlmodel.sql.sqltypes.AutoString(
            length=20), nullable=False, server_default='channel'))
        batch.add_column(sa.Column('lease_id', sa.Integer(), nullable=True))


def _json(table: str, column: str) -> None:
    """A JSON document kept in a text column becomes SQL JSON (PostgreSQL checks it)."""
    with op.batch_alter_table(table) as batch:
        batch.alter_column(column, existing_type=sa.Text(), type_=sa.JSON(),
                           existing_nullable=False, postgresql_using=f"{column}::json")


def _reshape_person() -> None:
    with op.batch_alter_table('person', naming_convention=NAMING) as batch:
        for column in IDENTITY_COLUMNS.values():
            batch.drop_constraint(_unique_name('person', column), type_='unique')
        for column in (*IDENTITY_COLUMNS.values(), 'slack_team_id', 'teams_aad_object_id'):
            batch.drop_column(column)
    _own_workspace('person', index=True)


def _reshape_features() -> None:
    for table in ('cadence', 'partner'):
        with op.batch_alter_table(table, naming_convention=NAMING) as batch:
            batch.drop_constraint(_unique_name(table, 'name'), type_='unique')
            batch.alter_column('name_key', existing_type=sqlmodel.sql.sqltypes.AutoString(),
                               server_default=None)
    _own_workspace('cadence', index=True)
    _own_workspace('partner')
    for table in ('cadence', 'partner'):
        with op.batch_alter_table(table) as batch:
            batch.create_unique_constraint(f"uq_{table}_workspace_name_key",
                                           ['workspace_id', 'name_key'])
    _json('cadence', 'questions')
    _json('cadence', 'subjects')
    _json('answer', 'answers')
    _json('conversationreference', 'reference')
    for table in ('occurrence', 'answer', 'absence'):
        _own_workspace(table)
    with op.batch_alter_table('elephant') as batch:
        batch.alter_column('number', existing_type=sa.Integer(), nullable=False)
    _own_workspace('elephant')
    with op.batch_alter_table('elephant') as batch:
        batch.create_unique_constraint('uq_elephant_workspace_number', ['workspace_id', 'number'])
    _own_workspace('conversationreference', index=True)


def _reshape_ledger() -> None:
    with op.batch_alter_table('delivery', naming_convention=NAMING) as batch:
        batch.drop_index('ix_delivery_status_claimed_at')
        batch.drop_index('ix_delivery_occurrence_id')
        batch.drop_constraint(_fk_name('delivery', 'occurrence_id', 'occurrence'),
                              type_='foreignkey')
        batch.drop_constraint(_fk_name('delivery', 'person_id', 'person'), type_='foreignkey')
        batch.drop_constraint(_unique_name('delivery', 'key'), type_='unique')
        batch.drop_column('occurrence_id')
        batch.drop_column('person_id')
        for column in ('feature', 'scope', 'conversation_kind'):
            batch.alter_column(column, existing_type=sqlmodel.sql.sqltypes.AutoString(),
                               server_default=None)
        batch.alter_column('kind', existing_type=sqlmodel.sql.sqltypes.AutoString(length=20),
                           type_=sqlmodel.sql.sqltypes.AutoString(length=30),
                           existing_nullable=False)
        for column, length in (('platform', 20), ('conversation_id', 400)):
            batch.alter_column(column, existing_type=sqlmodel.sql.sqltypes.AutoString(
                length=length), nullable=False)
        batch.create_unique_constraint('uq_delivery_feature_key', ['feature', 'key'])
        batch.create_index('ix_delivery_status_lease', ['status', 'lease_id'], unique=False)
        batch.create_index('ix_delivery_scope_kind', ['scope', 'kind'], unique=False)
    _own_workspace('delivery')


def upgrade() -> None:
    _create_tables()
    _add_columns()
    workspaces = _Workspaces(datetime.now(UTC))
    for platform in _platforms_with_data():
        workspaces.of(platform)
    _fill(workspaces)
    # Whatever still has no workspace (no platform named it) joins the default one.
    for table in ("person", "absence", "occurrence", "answer"):
        if _rows(f"SELECT 1 FROM {table} WHERE workspace_id IS NULL LIMIT 1"):
            _run(f"UPDATE {table} SET workspace_id = :workspace WHERE workspace_id IS NULL",
                 workspace=workspaces.default())
    _reshape_person()
    _reshape_features()
    _reshape_ledger()
    op.drop_table('appsetting')


def downgrade() -> None:
    raise NotImplementedError("0003 moves every row into a workspace and cannot be undone; "
                              "restore the backup taken before `partnerops db upgrade`")
