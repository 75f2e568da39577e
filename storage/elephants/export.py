"""Flat rows of elephant reports, for `partnerops export elephants`."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.common.models import Person, Workspace
from storage.elephants.models import Elephant
from storage.rows import Row, flat, in_workspace

ELEPHANT_COLUMNS = ("id", "workspace", "title", "description", "status", "reporter",
                    "anonymous", "platform", "channel", "message_id", "reported_at")


async def elephant_rows(session: AsyncSession, workspace_id: int | None = None) -> list[Row]:
    statement = in_workspace(
        select(Elephant, Person, Workspace.external_id)
        .join(Person, col(Person.id) == Elephant.reporter_id, isouter=True)
        .join(Workspace, col(Workspace.id) == Elephant.workspace_id)
        .order_by(col(Elephant.workspace_id), col(Elephant.number)), Elephant, workspace_id)
    return [
        {
            "id": elephant.short_id,
            "workspace": workspace or "",
            "title": elephant.title,
            "description": elephant.description,
            "status": flat(elephant.status),
            "reporter": reporter.display_name if reporter else "",
            "anonymous": reporter is None,
            "platform": elephant.platform,
            "channel": elephant.posted_conversation_id or "",
            "message_id": elephant.posted_message_id or "",
            "reported_at": flat(elephant.created_at),
        }
        for elephant, reporter, workspace in (await session.exec(statement)).all()
    ]
