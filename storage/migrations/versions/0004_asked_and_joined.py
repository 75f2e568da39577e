"""what each day asked, when each participant joined, the time zone a person chose

Occurrences keep the questions they were asked with (editing a cadence never rewrites a
past day); participants keep when they joined (nothing is owed for days before). Existing
days take their cadence's questions (or its kind's usual ones); existing participants
joined when their cadence was made.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 01:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The questions a cadence of each kind asked when it named none, at this revision.
USUAL_QUESTIONS = {
    "standup": ["What did you get done since last time?", "What are you working on today?",
                "Anything blocking you?"],
    "checkin": ["Health (green / amber / red)?", "When did you last talk to them?",
                "What is the next step?", "Any blockers?", "Progress on their objectives?"],
    "objective_review": ["Progress on your partners' objectives since last time?",
                         "Which objective is at risk, and why?"],
}


def upgrade() -> None:
    with op.batch_alter_table('person') as batch:
        batch.add_column(sa.Column('chosen_timezone', sqlmodel.sql.sqltypes.AutoString(
            length=64), nullable=True))
    with op.batch_alter_table('occurrence') as batch:
        batch.add_column(sa.Column('questions', sa.JSON(), nullable=True))
    with op.batch_alter_table('cadenceparticipant') as batch:
        batch.add_column(sa.Column('joined_at', sqlmodel.sql.sqltypes.UTCDateTime(),
                                   nullable=True))
    bind = op.get_bind()
    cadence = sa.table('cadence', sa.column('id', sa.Integer()), sa.column('kind', sa.String()),
                       sa.column('questions', sa.JSON()))
    occurrence = sa.table('occurrence', sa.column('cadence_id', sa.Integer()),
                          sa.column('questions', sa.JSON()))
    for cadence_id, kind, questions in bind.execute(sa.select(
            cadence.c.id, cadence.c.kind, cadence.c.questions)).all():
        bind.execute(sa.update(occurrence).where(occurrence.c.cadence_id == cadence_id)
                     .values(questions=list(questions or USUAL_QUESTIONS.get(kind, []))))
    bind.execute(sa.text(
        "UPDATE cadenceparticipant SET joined_at = (SELECT created_at FROM cadence "
        "WHERE cadence.id = cadenceparticipant.cadence_id)"))
    with op.batch_alter_table('occurrence') as batch:
        batch.alter_column('questions', existing_type=sa.JSON(), nullable=False)
    with op.batch_alter_table('cadenceparticipant') as batch:
        batch.alter_column('joined_at', existing_type=sqlmodel.sql.sqltypes.UTCDateTime(),
                           nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('person') as batch:
        batch.drop_column('chosen_timezone')
    with op.batch_alter_table('cadenceparticipant') as batch:
        batch.drop_column('joined_at')
    with op.batch_alter_table('occurrence') as batch:
        batch.drop_column('questions')
