"""partners: type, tier, owner and archiving; their leads; contacts invited by email

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 04:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table('partner') as batch:
        batch.add_column(sa.Column('type', sa.Enum(
            'VAR', 'MSP', 'SI', 'distributor', 'reseller', 'referral', 'technology',
            name='partnertype', native_enum=False, length=20), nullable=True))
        batch.add_column(sa.Column('tier', TEXT(length=40), nullable=True))
        batch.add_column(sa.Column('owner_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('archived_at', sqlmodel.sql.sqltypes.UTCDateTime(),
                                   nullable=True))
        batch.create_index('ix_partner_owner_id', ['owner_id'])
    op.create_table(
        'lead',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workspace_id', sa.Integer(), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('deal', TEXT(length=200), nullable=False),
        sa.Column('outcome', sa.Enum('won', 'lost', 'lost-to-competitor', 'unqualified',
                                     name='leadoutcome', native_enum=False, length=20),
                  nullable=False),
        sa.Column('engineer_hours', sa.Numeric(10, 2), nullable=True),
        sa.Column('value', sa.Numeric(14, 2), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['partner_id'], ['partner.id']),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['person.id']),
        sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_lead_workspace_id', 'lead', ['workspace_id'])
    op.create_index('ix_lead_partner_id', 'lead', ['partner_id'])
    op.create_table(
        'contactinvite',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workspace_id', sa.Integer(), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('email_key', TEXT(length=320), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['partner_id'], ['partner.id']),
        sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('workspace_id', 'email_key'),
    )
    op.create_index('ix_contactinvite_partner_id', 'contactinvite', ['partner_id'])


def downgrade() -> None:
    op.drop_table('contactinvite')
    op.drop_table('lead')
    with op.batch_alter_table('partner') as batch:
        batch.drop_index('ix_partner_owner_id')
        batch.drop_column('archived_at')
        batch.drop_column('owner_id')
        batch.drop_column('tier')
        batch.drop_column('type')
