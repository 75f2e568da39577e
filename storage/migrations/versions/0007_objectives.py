"""objectives: a partner's own goals (O-1, ...) and every progress update

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 04:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
STATUS = sa.Enum('open', 'met', 'missed', 'dropped', name='objectivestatus',
                 native_enum=False, length=20)


def upgrade() -> None:
    op.create_table(
        'objective',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workspace_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('text', TEXT(length=300), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=True),
        sa.Column('target', sa.Numeric(14, 2), nullable=True),
        sa.Column('unit', TEXT(length=40), nullable=True),
        sa.Column('percent', sa.Integer(), nullable=True),
        sa.Column('value', sa.Numeric(14, 2), nullable=True),
        sa.Column('status', STATUS, nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['person.id']),
        sa.ForeignKeyConstraint(['partner_id'], ['partner.id']),
        sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('workspace_id', 'number', name='uq_objective_workspace_number'),
    )
    op.create_index('ix_objective_partner_id', 'objective', ['partner_id'])
    op.create_table(
        'objectiveupdate',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('objective_id', sa.Integer(), nullable=False),
        sa.Column('percent', sa.Integer(), nullable=True),
        sa.Column('value', sa.Numeric(14, 2), nullable=True),
        sa.Column('status', STATUS, nullable=False),
        sa.Column('note', TEXT(length=500), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['objective_id'], ['objective.id']),
        sa.ForeignKeyConstraint(['person_id'], ['person.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_objectiveupdate_objective_id', 'objectiveupdate', ['objective_id'])


def downgrade() -> None:
    op.drop_table('objectiveupdate')
    op.drop_table('objective')
