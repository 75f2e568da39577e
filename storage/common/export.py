"""Flat rows of every exportable entity, for CSV and JSON exports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.cadences.export import answer_rows, cadence_rows
from storage.common.models import Person
from storage.elephants.models import Elephant
from storage.partners.models import Partner
from storage.rows import Row, flat


async def elephant_rows(session: AsyncSession) -> list[Row]:
    statement = (
        select(Elephant, Person)
        .join(Person, Person.id == Elephant.reporter_id, isouter=True)
        .order_by(Elephant.id)
    )
    return [
        {
            "id": elephant.short_id,
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
        for elephant, reporter in (await session.exec(statement)).all()
    ]


async def partner_rows(session: AsyncSession) -> list[Row]:
    partners = (await session.exec(select(Partner).order_by(Partner.id))).all()
    return [
        {"id": p.id, "name": p.name, "created_at": flat(p.created_at)} for p in partners
    ]


async def people_rows(session: AsyncSession) -> list[Row]:
    statement = (
        select(Person, Partner)
        .join(Partner, Partner.id == Person.partner_id, isouter=True)
        .order_by(Person.id)
    )
    return [
        {
            "id": person.id,
            "display_name": person.display_name,
            "email": person.email or "",
            "role": flat(person.role),
            "partner": partner.name if partner else "",
            "slack_user_id": person.slack_user_id or "",
            "teams_user_id": person.teams_user_id or "",
            "console_user_id": person.console_user_id or "",
            "timezone": person.timezone or "",
            "is_external": person.is_external,
            "created_at": flat(person.created_at),
        }
        for person, partner in (await session.exec(statement)).all()
    ]


# Later features add their entities here (objectives, campaigns, feedback).
EXPORTERS: dict[str, Callable[[AsyncSession], Awaitable[list[Row]]]] = {
    "answers": answer_rows,
    "cadences": cadence_rows,
    "elephants": elephant_rows,
    "partners": partner_rows,
    "people": people_rows,
}
