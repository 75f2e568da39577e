"""Flat rows of partners, for `partnerops export partners`."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.common.models import Partner, Workspace
from storage.rows import Row, flat, in_workspace

PARTNER_COLUMNS = ("id", "workspace", "name", "created_at")


async def partner_rows(session: AsyncSession, workspace_id: int | None = None) -> list[Row]:
    statement = in_workspace(
        select(Partner, Workspace.external_id)
        .join(Workspace, col(Workspace.id) == Partner.workspace_id)
        .order_by(col(Partner.id)), Partner, workspace_id)
    return [{"id": partner.id, "workspace": workspace or "", "name": partner.name,
             "created_at": flat(partner.created_at)}
            for partner, workspace in (await session.exec(statement)).all()]
