"""Slack OAuth installs: the tables of slack_sdk's SQLAlchemy installation and OAuth-state
stores, declared here so that our migrations create them and Alembic compares them, and the
one lookup the bot needs that those stores lack (a workspace's bot by its team id alone).

slack_sdk's `AsyncSQLAlchemyInstallationStore` and `AsyncSQLAlchemyOAuthStateStore` write
and delete these rows (bolt's install flow, uninstall events); they build their own copy of
the same tables and never create them (a test holds both definitions equal). Storage does
not import slack_sdk: the columns below are its, copied as they are, naive UTC timestamps
included (slack_sdk strips the zone before writing).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

INSTALLATIONS = "slack_installations"
BOTS = "slack_bots"
OAUTH_STATES = "slack_oauth_states"

slack_installations = sa.Table(
    INSTALLATIONS, SQLModel.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("client_id", sa.String(32), nullable=False),
    sa.Column("app_id", sa.String(32), nullable=False),
    sa.Column("enterprise_id", sa.String(32)),
    sa.Column("enterprise_name", sa.String(200)),
    sa.Column("enterprise_url", sa.String(200)),
    sa.Column("team_id", sa.String(32)),
    sa.Column("team_name", sa.String(200)),
    sa.Column("bot_token", sa.String(200)),
    sa.Column("bot_id", sa.String(32)),
    sa.Column("bot_user_id", sa.String(32)),
    sa.Column("bot_scopes", sa.String(1000)),
    sa.Column("bot_refresh_token", sa.String(200)),
    sa.Column("bot_token_expires_at", sa.DateTime),
    sa.Column("user_id", sa.String(32), nullable=False),
    sa.Column("user_token", sa.String(200)),
    sa.Column("user_scopes", sa.String(1000)),
    sa.Column("user_refresh_token", sa.String(200)),
    sa.Column("user_token_expires_at", sa.DateTime),
    sa.Column("incoming_webhook_url", sa.String(200)),
    sa.Column("incoming_webhook_channel", sa.String(200)),
    sa.Column("incoming_webhook_channel_id", sa.String(200)),
    sa.Column("incoming_webhook_configuration_url", sa.String(200)),
    sa.Column("is_enterprise_install", sa.Boolean, default=False, nullable=False),
    sa.Column("token_type", sa.String(32)),
    sa.Column("installed_at", sa.DateTime, nullable=False, default=sa.func.now()),
    sa.Index(f"{INSTALLATIONS}_idx", "client_id", "enterprise_id", "team_id", "user_id",
             "installed_at"),
)

slack_bots = sa.Table(
    BOTS, SQLModel.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("client_id", sa.String(32), nullable=False),
    sa.Column("app_id", sa.String(32), nullable=False),
    sa.Column("enterprise_id", sa.String(32)),
    sa.Column("enterprise_name", sa.String(200)),
    sa.Column("team_id", sa.String(32)),
    sa.Column("team_name", sa.String(200)),
    sa.Column("bot_token", sa.String(200)),
    sa.Column("bot_id", sa.String(32)),
    sa.Column("bot_user_id", sa.String(32)),
    sa.Column("bot_scopes", sa.String(1000)),
    sa.Column("bot_refresh_token", sa.String(200)),
    sa.Column("bot_token_expires_at", sa.DateTime),
    sa.Column("is_enterprise_install", sa.Boolean, default=False, nullable=False),
    sa.Column("installed_at", sa.DateTime, nullable=False, default=sa.func.now()),
    sa.Index(f"{BOTS}_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)

slack_oauth_states = sa.Table(
    OAUTH_STATES, SQLModel.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("state", sa.String(200), nullable=False),
    sa.Column("expire_at", sa.DateTime, nullable=False),
)

TABLES = (slack_installations, slack_bots, slack_oauth_states)


@dataclass(frozen=True)
class InstalledSlackBot:
    """The newest bot token an install left for a workspace (or a whole org)."""

    token: str
    bot_id: str | None
    bot_user_id: str | None
    team_id: str | None
    enterprise_id: str | None


async def find_bot(session: AsyncSession, client_id: str, team_id: str,
                   enterprise_id: str | None = None) -> InstalledSlackBot | None:
    """The bot the app `client_id` has in `team_id`: the team's own install, found by its id
    alone (a Grid workspace's row carries its enterprise id too, which a scheduled send does
    not know); else, given `enterprise_id`, an org-wide install's (its row has no team)."""
    bots = slack_bots.c
    newest = (sa.select(bots.bot_token, bots.bot_id, bots.bot_user_id, bots.team_id,
                        bots.enterprise_id)
              .where(bots.client_id == client_id, bots.bot_token.is_not(None))
              .order_by(bots.installed_at.desc(), bots.id.desc()).limit(1))
    row = (await session.exec(newest.where(bots.team_id == team_id))).first() \
        if team_id else None
    if row is None and enterprise_id:
        row = (await session.exec(newest.where(
            bots.enterprise_id == enterprise_id, bots.team_id.is_(None),
            bots.is_enterprise_install == sa.true()))).first()
    if row is None:
        return None
    return InstalledSlackBot(token=row.bot_token, bot_id=row.bot_id,
                             bot_user_id=row.bot_user_id, team_id=row.team_id,
                             enterprise_id=row.enterprise_id)
