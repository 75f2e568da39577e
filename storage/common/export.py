"""Flat rows of people and their platform accounts, for `partnerops export people`."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.common.models import Partner, Person, PersonIdentity, Workspace
from storage.rows import Row, flat, in_workspace

PEOPLE_COLUMNS = ("id", "workspace", "display_name", "email", "role", "partner",
                  "slack_user_id", "teams_user_id", "console_user_id", "timezone", "is_external",
                  "created_at")


async def people_rows(session: AsyncSession, workspace_id: int | None = None) -> list[Row]:
    statement = in_workspace(
        select(Person, Partner, Workspace.external_id)
        .join(Partner, col(Partner.id) == Person.partner_id, isouter=True)
        .join(Workspace, col(Workspace.id) == Person.workspace_id)
        .order_by(col(Person.id)), Person, workspace_id)
    found = (await session.exec(statement)).all()
    accounts: dict[int, dict[str, str]] = {}
    ids = [person.id for person, _, _ in found]
    if ids:
        for account in (await session.exec(select(PersonIdentity).where(
                col(PersonIdentity.person_id).in_(ids)).order_by(col(PersonIdentity.id)))).all():
            accounts.setdefault(account.person_id, {}).setdefault(account.platform,
                                                                  account.user_id)
    return [
        {
            "id": person.id,
            "workspace": workspace or "",
            "display_name": person.display_name,
            "email": person.email or "",
            "role": flat(person.role),
            "partner": partner.name if partner else "",
            "slack_user_id": accounts.get(person.id or 0, {}).get("slack", ""),
            "teams_user_id": accounts.get(person.id or 0, {}).get("teams", ""),
            "console_user_id": accounts.get(person.id or 0, {}).get("console", ""),
            "timezone": person.timezone or "",
            "is_external": person.is_external,
            "created_at": flat(person.created_at),
        }
        for person, partner, workspace in found
    ]
