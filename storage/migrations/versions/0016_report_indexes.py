"""reports: an index holding every column the dashboard's partners page counts of a
workspace's objectives, in partner order (judged and met per partner, grouped without a
sort or a row read on SQLite); two on elephants whose ranges the herd digest counts
(filings by anonymity and time; closed ones by status change)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 08:00:00
"""
from collections.abc import Sequence

from alembic import op


revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('objective', schema=None) as batch_op:
        batch_op.create_index('ix_objective_partner_scores', ['workspace_id', 'partner_id', 'status', 'due_on', 'closed_at'], unique=False)
    with op.batch_alter_table('elephant', schema=None) as batch_op:
        batch_op.create_index('ix_elephant_filed', ['workspace_id', 'anonymous', 'created_at', 'hours_lost_per_week'], unique=False)
        batch_op.create_index('ix_elephant_closed', ['workspace_id', 'status', 'status_changed_at', 'hours_lost_per_week', 'created_at', 'anonymous'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('elephant', schema=None) as batch_op:
        batch_op.drop_index('ix_elephant_closed')
        batch_op.drop_index('ix_elephant_filed')
    with op.batch_alter_table('objective', schema=None) as batch_op:
        batch_op.drop_index('ix_objective_partner_scores')
