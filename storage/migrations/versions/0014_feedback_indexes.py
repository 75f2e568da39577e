"""feedback: indexes for a campaign's summary counted by the database (its replies per
partner, source and question in one pass over an index; a question's answers in order)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 16:30:00
"""
from collections.abc import Sequence

from alembic import op


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('feedbackreply', schema=None) as batch_op:
        batch_op.create_index('ix_feedbackreply_tally', ['campaign_id', 'partner_id', 'source', 'question_index', 'internal', 'withdrawn_at'], unique=False)
        batch_op.create_index('ix_feedbackreply_question', ['campaign_id', 'question_index', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('feedbackreply', schema=None) as batch_op:
        batch_op.drop_index('ix_feedbackreply_question')
        batch_op.drop_index('ix_feedbackreply_tally')
