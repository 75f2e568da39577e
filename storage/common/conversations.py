"""Stored conversation references, so proactive messages work after a restart."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.common.models import ConversationReference
from storage.upsert import insert_or_find


async def find(session: AsyncSession, platform: str, conversation_id: str
               ) -> ConversationReference | None:
    statement = select(ConversationReference).where(
        ConversationReference.platform == platform,
        ConversationReference.conversation_id == conversation_id,
    )
    return (await session.exec(statement)).first()


async def save(session: AsyncSession, *, workspace_id: int, platform: str, conversation_id: str,
               reference: dict[str, Any], now: datetime, conversation_type: str = "",
               tenant_id: str | None = None, service_url: str | None = None,
               person_id: int | None = None) -> ConversationReference:
    """Insert or refresh the reference for this conversation.

    Teams sends conversationUpdate and the first message at the same moment: whichever
    insert loses finds the winner's row and refreshes it.
    """
    row = await find(session, platform, conversation_id)
    if row is not None and row.reference == reference \
            and (service_url is None or row.service_url == service_url):
        # Unchanged: nothing written, so no row marks the moment someone wrote (an
        # anonymous report's submission must leave no trace).
        return row
    if row is None:
        created = ConversationReference(workspace_id=workspace_id, platform=platform,
                                        conversation_id=conversation_id, reference=reference,
                                        updated_at=now)
        row, _ = await insert_or_find(session, created,
                                      lambda: find(session, platform, conversation_id))
    row.reference, row.updated_at = reference, now
    row.conversation_type = conversation_type or row.conversation_type
    row.tenant_id = tenant_id or row.tenant_id
    row.service_url = service_url or row.service_url
    row.person_id = person_id or row.person_id
    session.add(row)
    await session.flush()
    return row
