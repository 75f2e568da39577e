"""Workspace-wide settings that admins change from chat."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.common.models import AppSetting


async def get(session: AsyncSession, key: str) -> str | None:
    setting = await session.get(AppSetting, key)
    return setting.value if setting else None


async def put(session: AsyncSession, key: str, value: str, *, now: datetime) -> None:
    setting = await session.get(AppSetting, key)
    if setting is None:
        setting = AppSetting(key=key, value=value, updated_at=now)
    else:
        setting.value, setting.updated_at = value, now
    session.add(setting)
    await session.flush()
