"""elephant reports: sides involved, category, hours lost, deals affected, related partner,
whether it was filed anonymously, its owner and the note of its last resolution; and
"I see it too" votes, counted, never named

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 07:00:00

Reports filed before have no reporter exactly when they were filed anonymously.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'elephantdraft',
        sa.Column('token', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('workspace_id', sa.Integer(), nullable=False),
        sa.Column('report', sa.JSON(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id']),
        sa.PrimaryKeyConstraint('token'),
    )
    op.create_table(
        'elephantvote',
        sa.Column('elephant_id', sa.Integer(), nullable=False),
        sa.Column('voter_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['elephant_id'], ['elephant.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['person.id']),
        sa.PrimaryKeyConstraint('elephant_id', 'voter_key'),
    )
    op.create_table(
        'elephantfollower',
        sa.Column('elephant_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['elephant_id'], ['elephant.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['person.id']),
        sa.PrimaryKeyConstraint('elephant_id', 'person_id'),
    )
    with op.batch_alter_table('elephant') as batch:
        batch.add_column(sa.Column('sides', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('category', sa.Enum(
            'withheld-information', 'deal-conflict', 'channel-conflict', 'compensation',
            'process-tooling', 'excluded', 'other',
            name='elephantcategory', native_enum=False, length=20), nullable=True))
        batch.add_column(sa.Column('hours_lost_per_week', sa.Numeric(8, 1), nullable=True))
        batch.add_column(sa.Column('deals_affected', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('partner_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('anonymous', sa.Boolean(), nullable=True))
        batch.add_column(sa.Column('owner_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('note', sa.Text(), nullable=True))
        batch.add_column(sa.Column('status_changed_at', sqlmodel.sql.sqltypes.UTCDateTime(),
                                   nullable=True))
    op.execute("UPDATE elephant SET sides = '[]', note = ''")
    op.execute(sa.text("UPDATE elephant SET anonymous = (reporter_id IS NULL)"))
    with op.batch_alter_table('elephant') as batch:
        batch.alter_column('sides', existing_type=sa.JSON(), nullable=False)
        batch.alter_column('anonymous', existing_type=sa.Boolean(), nullable=False)
        batch.alter_column('note', existing_type=sa.Text(), nullable=False)
        batch.create_foreign_key('fk_elephant_owner_id_person', 'person', ['owner_id'], ['id'])
        batch.create_foreign_key('fk_elephant_partner_id_partner', 'partner', ['partner_id'],
                                 ['id'])
        batch.create_index('ix_elephant_partner_id', ['partner_id'], unique=False)


def downgrade() -> None:
    op.drop_table('elephantdraft')
    op.drop_table('elephantfollower')
    op.drop_table('elephantvote')
    with op.batch_alter_table('elephant') as batch:
        batch.drop_index('ix_elephant_partner_id')
        batch.drop_constraint('fk_elephant_partner_id_partner', type_='foreignkey')
        batch.drop_constraint('fk_elephant_owner_id_person', type_='foreignkey')
        for column in ('status_changed_at', 'note', 'owner_id', 'anonymous', 'partner_id', 'deals_affected', 'hours_lost_per_week',
                       'category', 'sides'):
            batch.drop_column(column)
