"""Flat rows of elephant reports, for `partnerops export elephants`."""

from __future__ import annotations

from sqlalchemy.orm import aliased
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.common.models import Partner, Person, Workspace
from storage.elephants.models import Elephant, ElephantVote
from storage.rows import Row, flat, in_workspace

ELEPHANT_COLUMNS = ("id", "workspace", "title", "description", "status", "sides",
                    "category", "hours_lost_per_week", "deals_affected", "partner", "reporter",
                    "anonymous", "herd", "owner", "note", "status_changed_at", "platform",
                    "channel", "message_id", "reported_at")


async def elephant_rows(session: AsyncSession, workspace_id: int | None = None) -> list[Row]:
    owner = aliased(Person)
    herd = (select(func.count()).where(col(ElephantVote.elephant_id) == Elephant.id)
            .scalar_subquery())
    statement = in_workspace(
        select(Elephant, Person, Partner.name, Workspace.external_id, owner.display_name, herd)
        .join(Person, col(Person.id) == Elephant.reporter_id, isouter=True)
        .join(owner, col(owner.id) == Elephant.owner_id, isouter=True)
        .join(Partner, col(Partner.id) == Elephant.partner_id, isouter=True)
        .join(Workspace, col(Workspace.id) == Elephant.workspace_id)
        .order_by(col(Elephant.workspace_id), col(Elephant.number)), Elephant, workspace_id)
    return [
        {
            "id": elephant.short_id,
            "workspace": workspace or "",
            "title": elephant.title,
            "description": elephant.description,
            "status": flat(elephant.status),
            "sides": list(elephant.sides),
            "category": flat(elephant.category) if elephant.category else "",
            "hours_lost_per_week": f"{elephant.hours_lost_per_week.normalize():f}"
            if elephant.hours_lost_per_week is not None else "",
            "deals_affected": elephant.deals_affected
            if elephant.deals_affected is not None else "",
            "partner": partner or "",
            # Never a name for an anonymous report: it stores none to give.
            "reporter": reporter.display_name if reporter and not elephant.anonymous else "",
            "anonymous": elephant.anonymous,
            "herd": votes,
            "owner": owner_name or "",
            "note": elephant.note or "",
            "status_changed_at": flat(elephant.status_changed_at)
            if elephant.status_changed_at else "",
            "platform": elephant.platform,
            "channel": elephant.posted_conversation_id or "",
            "message_id": elephant.posted_message_id or "",
            "reported_at": flat(elephant.created_at),
        }
        for elephant, reporter, partner, workspace, owner_name, votes
        in (await session.exec(statement)).all()
    ]
