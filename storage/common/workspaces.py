"""Installations: found by the platform's own id (created on first sight), one first admin.

A Slack OAuth install's bot token lives in slack_sdk's installation store
(slack_installs.py), not here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.common.models import Workspace
from storage.upsert import insert_or_find


async def get(session: AsyncSession, workspace_id: int) -> Workspace | None:
    return await session.get(Workspace, workspace_id)


async def by_external_id(session: AsyncSession, platform: str, external_id: str
                         ) -> Workspace | None:
    statement = select(Workspace).where(Workspace.platform == platform,
                                        Workspace.external_id == external_id)
    return (await session.exec(statement)).first()


async def _adopt_unnamed(session: AsyncSession, platform: str, external_id: str
                         ) -> Workspace | None:
    """A workspace a migration made without knowing its id takes the first id seen for it."""
    statement = (update(Workspace)
                 .where(col(Workspace.id) == select(Workspace.id).where(
                     Workspace.platform == platform, col(Workspace.external_id).is_(None))
                        .order_by(col(Workspace.id)).limit(1).scalar_subquery(),
                        col(Workspace.external_id).is_(None))
                 .values(external_id=external_id))
    if (await session.exec(statement)).rowcount != 1:  # type: ignore[attr-defined]
        return None
    return await by_external_id(session, platform, external_id)


async def for_external_id(session: AsyncSession, platform: str, external_id: str, *,
                          now: datetime, enterprise_id: str | None = None) -> Workspace:
    """The workspace the platform calls `external_id`, created on its first request."""
    found = await by_external_id(session, platform, external_id)
    if found is not None:
        return found
    adopted = await _adopt_unnamed(session, platform, external_id)
    if adopted is not None:
        return adopted
    created = Workspace(platform=platform, external_id=external_id, enterprise_id=enterprise_id,
                        created_at=now)
    row, _ = await insert_or_find(session, created,
                                  lambda: by_external_id(session, platform, external_id))
    return row


async def claim_first_admin(session: AsyncSession, workspace_id: int, person_id: int) -> bool:
    """True for exactly one caller per workspace: a conditional update settles a race."""
    statement = (update(Workspace)
                 .where(col(Workspace.id) == workspace_id, col(Workspace.first_admin_id).is_(None))
                 .values(first_admin_id=person_id))
    return (await session.exec(statement)).rowcount == 1  # type: ignore[attr-defined]


async def by_ids(session: AsyncSession, workspace_ids: Sequence[int]) -> dict[int, Workspace]:
    if not workspace_ids:
        return {}
    statement = select(Workspace).where(col(Workspace.id).in_(set(workspace_ids)))
    return {row.id or 0: row for row in (await session.exec(statement)).all()}


async def with_external_id(session: AsyncSession, external_id: str) -> int | None:
    """The id of the workspace a platform calls `external_id` (any platform)."""
    statement = select(Workspace.id).where(Workspace.external_id == external_id).order_by(
        col(Workspace.id))
    return (await session.exec(statement)).first()
