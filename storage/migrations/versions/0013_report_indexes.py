"""reports on big histories: each answer keeps its day (backfilled from its occurrence) so a
partner's latest check-ins come from one index; indexes for the reports' grouped reads

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 17:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('answer', sa.Column('local_date', sa.Date(), nullable=True))
    op.execute("UPDATE answer SET local_date = (SELECT occurrence.local_date FROM occurrence "
               "WHERE occurrence.id = answer.occurrence_id)")
    op.create_index('ix_answer_partner_latest', 'answer',
                    ['partner_id', 'local_date', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_answer_partner_latest', table_name='answer')
    with op.batch_alter_table('answer') as batch:
        batch.drop_column('local_date')
