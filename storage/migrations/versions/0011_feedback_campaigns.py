"""feedback campaigns: F-numbered per workspace, their audience's partners as resolved at
start, and every reply (a thread message, or one question of a form answer) with its
person, partner, platform and source

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 10:51:57

A thread message is one reply however often it is delivered; a form answers each question
once per person. Both are held by partial unique indexes.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('audience', sa.Enum('all', 'tier', 'type', 'chosen', name='audiencekind', native_enum=False, length=20), nullable=False),
    sa.Column('audience_value', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.JSON(), nullable=False),
    sa.Column('parent_message_id', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=True),
    sa.Column('closes_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('remind_before_hours', sa.Integer(), nullable=False),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workspace_id', 'number', name='uq_campaign_workspace_number')
    )
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_parent_message_id'), ['parent_message_id'], unique=False)

    op.create_table('campaignpartner',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.PrimaryKeyConstraint('campaign_id', 'partner_id')
    )
    op.create_table('feedbackreply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('question_index', sa.Integer(), nullable=True),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('internal', sa.Boolean(), nullable=False),
    sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('source', sa.Enum('thread', 'form', name='replysource', native_enum=False, length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('edited_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('withdrawn_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('feedbackreply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedbackreply_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedbackreply_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedbackreply_person_id'), ['person_id'], unique=False)
        batch_op.create_index('uq_feedbackreply_form', ['campaign_id', 'person_id', 'question_index'], unique=True, sqlite_where=sa.text("source = 'form'"), postgresql_where=sa.text("source = 'form'"))
        batch_op.create_index('uq_feedbackreply_message', ['campaign_id', 'platform', 'message_id'], unique=True, sqlite_where=sa.text('message_id IS NOT NULL'), postgresql_where=sa.text('message_id IS NOT NULL'))



def downgrade() -> None:
    with op.batch_alter_table('feedbackreply', schema=None) as batch_op:
        batch_op.drop_index('uq_feedbackreply_message', sqlite_where=sa.text('message_id IS NOT NULL'), postgresql_where=sa.text('message_id IS NOT NULL'))
        batch_op.drop_index('uq_feedbackreply_form', sqlite_where=sa.text("source = 'form'"), postgresql_where=sa.text("source = 'form'"))
        batch_op.drop_index(batch_op.f('ix_feedbackreply_person_id'))
        batch_op.drop_index(batch_op.f('ix_feedbackreply_partner_id'))
        batch_op.drop_index(batch_op.f('ix_feedbackreply_campaign_id'))

    op.drop_table('feedbackreply')
    op.drop_table('campaignpartner')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_parent_message_id'))

    op.drop_table('campaign')
