"""Files handed out as links: kept for a while under a random token, then gone."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.common.models import SharedFile


async def keep(session: AsyncSession, *, workspace_id: int, name: str, data: str,
               now: datetime, lasts: timedelta) -> SharedFile:
    """Store a file under a new unguessable token (hex: nothing a chat's markdown escapes in a
    link); expired files are cleared on the way."""
    await session.exec(delete(SharedFile).where(col(SharedFile.expires_at) < now))  # type: ignore[call-overload]
    shared = SharedFile(token=secrets.token_hex(24), workspace_id=workspace_id, name=name,
                        data=data, created_at=now, expires_at=now + lasts)
    session.add(shared)
    await session.flush()
    return shared


async def fetch(session: AsyncSession, token: str, now: datetime) -> SharedFile | None:
    """The file under `token`, unless it never existed or has expired."""
    statement = select(SharedFile).where(SharedFile.token == token,
                                         col(SharedFile.expires_at) > now)
    return (await session.exec(statement)).first()
