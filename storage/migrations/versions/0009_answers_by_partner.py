"""check-ins keyed by partner rows: cadence partners as a table, answers by partner id

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 09:00:00

A check-in's partners were names in `cadence.subjects` and answers named theirs in
`answer.subject`. Each name becomes its partner row (found by its folded name in the same
workspace, or added to the partner list when the list never had it); `answer.subject`
stays as the name the answer was given about.
"""
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 0002 left the answer's unique constraint unnamed: SQLite's batch mode finds it by this
# name; PostgreSQL named it itself.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
STRAIGHT_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'",
                                 "\u2019": "'"})


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _rows(sql: str, **params: Any) -> list[Any]:
    return list(op.get_bind().execute(sa.text(sql), params).all())


def _run(sql: str, **params: Any) -> None:
    op.get_bind().execute(sa.text(sql), params)


def _name_key(name: str) -> str:
    """storage.common.names.name_key as of this revision (a migration never imports app code
    that may change after it)."""
    return " ".join(name.translate(STRAIGHT_QUOTES).split()).casefold()


def _names(stored: Any) -> list[str]:
    found = json.loads(stored) if isinstance(stored, str) else stored
    return [str(item) for item in found or [] if str(item).strip()]


class _Partners:
    """Partner ids by (workspace, folded name), adding a partner for a name never listed."""

    def __init__(self) -> None:
        self.known = {(workspace_id, key): partner_id for partner_id, workspace_id, key in
                      _rows("SELECT id, workspace_id, name_key FROM partner")}
        self.now = datetime.now(UTC)

    def id_of(self, workspace_id: int, name: str, *, in_use: bool = True) -> int:
        """The partner's id; a name not on the list joins it, archived unless a check-in
        still asks about it (an answer's old name, say from before a rename)."""
        key = (workspace_id, _name_key(name))
        if key not in self.known:
            _run("INSERT INTO partner (workspace_id, name, name_key, created_at, archived_at) "
                 "VALUES (:workspace, :name, :key, :now, :archived)",
                 workspace=workspace_id, name=" ".join(name.split())[:200], key=key[1][:200],
                 now=self.now, archived=None if in_use else self.now)
            [(found,)] = _rows("SELECT id FROM partner WHERE workspace_id = :workspace "
                               "AND name_key = :key", workspace=workspace_id, key=key[1][:200])
            self.known[key] = found
        return self.known[key]


def upgrade() -> None:
    op.create_table(
        'cadencepartner',
        sa.Column('cadence_id', sa.Integer(), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['cadence_id'], ['cadence.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['partner_id'], ['partner.id']),
        sa.PrimaryKeyConstraint('cadence_id', 'partner_id'),
    )
    op.create_table(
        'askedpartner',
        sa.Column('occurrence_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['occurrence_id'], ['occurrence.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['partner_id'], ['partner.id']),
        sa.ForeignKeyConstraint(['person_id'], ['person.id']),
        sa.PrimaryKeyConstraint('occurrence_id', 'person_id', 'partner_id'),
    )
    with op.batch_alter_table('answer') as batch:
        batch.add_column(sa.Column('partner_id', sa.Integer(), nullable=True))
    partners = _Partners()
    for cadence_id, workspace_id, subjects in _rows(
            "SELECT id, workspace_id, subjects FROM cadence"):
        listed: list[int] = []
        for name in _names(subjects):
            partner_id = partners.id_of(workspace_id, name)
            if partner_id not in listed:
                listed.append(partner_id)
        for position, partner_id in enumerate(listed):
            _run("INSERT INTO cadencepartner (cadence_id, partner_id, position) "
                 "VALUES (:cadence, :partner, :position)",
                 cadence=cadence_id, partner=partner_id, position=position)
    for answer_id, workspace_id, subject in _rows(
            "SELECT id, workspace_id, subject FROM answer WHERE subject <> ''"):
        _run("UPDATE answer SET partner_id = :partner WHERE id = :id",
             partner=partners.id_of(workspace_id, subject, in_use=False), id=answer_id)
    with op.batch_alter_table('answer', naming_convention=NAMING) as batch:
        batch.drop_constraint('uq_answer_occurrence_id' if _sqlite()
                              else 'answer_occurrence_id_person_id_subject_key', type_='unique')
        batch.create_foreign_key('fk_answer_partner_id_partner', 'partner', ['partner_id'],
                                 ['id'])
        batch.create_index('ix_answer_partner_id', ['partner_id'], unique=False)
    _answer_indexes()
    with op.batch_alter_table('cadence') as batch:
        batch.drop_column('subjects')


def _answer_indexes() -> None:
    for name, columns, where in (
            ('uq_answer_day_person', ['occurrence_id', 'person_id'], 'partner_id IS NULL'),
            ('uq_answer_day_person_partner', ['occurrence_id', 'person_id', 'partner_id'],
             'partner_id IS NOT NULL')):
        op.create_index(name, 'answer', columns, unique=True, sqlite_where=sa.text(where),
                        postgresql_where=sa.text(where))


def downgrade() -> None:
    with op.batch_alter_table('cadence') as batch:
        batch.add_column(sa.Column('subjects', sa.JSON(), nullable=True))
    listed: dict[int, list[str]] = {}
    for cadence_id, name in _rows(
            "SELECT cadencepartner.cadence_id, partner.name FROM cadencepartner "
            "JOIN partner ON partner.id = cadencepartner.partner_id "
            "ORDER BY cadencepartner.cadence_id, cadencepartner.position"):
        listed.setdefault(cadence_id, []).append(name)
    for (cadence_id,) in _rows("SELECT id FROM cadence"):
        _run("UPDATE cadence SET subjects = :names WHERE id = :id",
             names=json.dumps(listed.get(cadence_id, [])), id=cadence_id)
    with op.batch_alter_table('cadence') as batch:
        batch.alter_column('subjects', existing_type=sa.JSON(), nullable=False)
    op.drop_index('uq_answer_day_person_partner', 'answer')
    op.drop_index('uq_answer_day_person', 'answer')
    # Two partners answered about under one name (one renamed, another given its old name):
    # the older rule keeps one answer per name, so the later ones say which partner.
    seen: set[tuple[int, int, str]] = set()
    for answer_id, occurrence_id, person_id, subject, partner_id in _rows(
            "SELECT id, occurrence_id, person_id, subject, partner_id FROM answer "
            "ORDER BY id"):
        key = (occurrence_id, person_id, subject)
        if key in seen:
            _run("UPDATE answer SET subject = :subject WHERE id = :id",
                 subject=f"{subject} (partner {partner_id})"[:200], id=answer_id)
        seen.add(key)
    with op.batch_alter_table('answer') as batch:
        batch.drop_index('ix_answer_partner_id')
        batch.drop_constraint('fk_answer_partner_id_partner', type_='foreignkey')
        batch.drop_column('partner_id')
        # The name 0009's upgrade drops it by, on each backend.
        batch.create_unique_constraint(
            'uq_answer_occurrence_id' if _sqlite()
            else 'answer_occurrence_id_person_id_subject_key',
            ['occurrence_id', 'person_id', 'subject'])
    op.drop_table('askedpartner')
    op.drop_table('cadencepartner')

