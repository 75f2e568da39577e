"""how often a cadence repeats: weekly, every N weeks, monthly, quarterly

Existing cadences repeat weekly on their days, as they always did.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 03:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('cadence') as batch:
        batch.add_column(sa.Column('schedule', sqlmodel.sql.sqltypes.AutoString(length=80),
                                   nullable=False, server_default='weekly'))


def downgrade() -> None:
    with op.batch_alter_table('cadence') as batch:
        batch.drop_column('schedule')
