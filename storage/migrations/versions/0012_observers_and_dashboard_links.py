"""insight: observers of a cadence or of the whole install (once each, by partial unique
indexes), each observer's weekly digest slot, and dashboard sign-in links (a token's hash,
used once; the session it starts, until it ends)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 13:47:38
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('dashboardlink',
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ),
    sa.PrimaryKeyConstraint('token_hash')
    )
    op.create_table('digestslot',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('zone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('since', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('person_id')
    )
    op.create_table('observer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('cadence_id', sa.Integer(), nullable=True),
    sa.Column('added_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['added_by'], ['person.id'], ),
    sa.ForeignKeyConstraint(['cadence_id'], ['cadence.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('observer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_observer_workspace_id'), ['workspace_id'], unique=False)
        batch_op.create_index('uq_observer_cadence', ['person_id', 'cadence_id'], unique=True, sqlite_where=sa.text('cadence_id IS NOT NULL'), postgresql_where=sa.text('cadence_id IS NOT NULL'))
        batch_op.create_index('uq_observer_install', ['workspace_id', 'person_id'], unique=True, sqlite_where=sa.text('cadence_id IS NULL'), postgresql_where=sa.text('cadence_id IS NULL'))



def downgrade() -> None:
    with op.batch_alter_table('observer', schema=None) as batch_op:
        batch_op.drop_index('uq_observer_install', sqlite_where=sa.text('cadence_id IS NULL'), postgresql_where=sa.text('cadence_id IS NULL'))
        batch_op.drop_index('uq_observer_cadence', sqlite_where=sa.text('cadence_id IS NOT NULL'), postgresql_where=sa.text('cadence_id IS NOT NULL'))
        batch_op.drop_index(batch_op.f('ix_observer_workspace_id'))

    op.drop_table('observer')
    op.drop_table('digestslot')
    op.drop_table('dashboardlink')
