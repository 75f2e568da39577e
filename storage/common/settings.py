"""Settings that admins change from chat, one document per workspace and name."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.common.models import Setting
from storage.upsert import insert_or_find


async def get(session: AsyncSession, workspace_id: int, key: str) -> Any | None:
    setting = await session.get(Setting, (workspace_id, key))
    return setting.value if setting else None


async def first(session: AsyncSession, workspace_id: int, key: str, value: Any, *,
                now: datetime) -> Any:
    """The setting's value, made `value` if it has none yet; never overwritten (two
    processes making it at once agree on one)."""
    setting = await session.get(Setting, (workspace_id, key))
    if setting is None:
        setting, _ = await insert_or_find(
            session, Setting(workspace_id=workspace_id, key=key, value=value, updated_at=now),
            lambda: session.get(Setting, (workspace_id, key)))
    return setting.value


async def put(session: AsyncSession, workspace_id: int, key: str, value: Any, *,
              now: datetime) -> None:
    """Set it; two admins setting it for the first time at once: the later write stays."""
    setting = await session.get(Setting, (workspace_id, key))
    if setting is None:
        setting, _ = await insert_or_find(
            session, Setting(workspace_id=workspace_id, key=key, value=value, updated_at=now),
            lambda: session.get(Setting, (workspace_id, key)))
    setting.value, setting.updated_at = value, now
    session.add(setting)
    await session.flush()


async def with_key(session: AsyncSession, key: str) -> list[tuple[int, Any]]:
    """(workspace id, value) of every workspace that has set `key` (run-due reads them)."""
    statement = select(Setting).where(Setting.key == key).order_by(col(Setting.workspace_id))
    return [(setting.workspace_id, setting.value) for setting in
            (await session.exec(statement)).all()]
