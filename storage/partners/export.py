"""Flat rows of partners, their leads and objectives, for `partnerops export
partners|leads|objectives`."""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.common.models import ContactInvite, Partner, Person, Workspace
from storage.partners.models import Lead, Objective
from storage.rows import Row, flat, in_workspace

PARTNER_COLUMNS = ("id", "workspace", "name", "type", "tier", "owner", "contacts",
                   "invited_emails", "archived_at", "created_at")
LEAD_COLUMNS = ("id", "workspace", "partner", "deal", "outcome", "engineer_hours", "value",
                "recorded_by", "created_at")


async def _names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    found = await session.exec(select(Person).where(col(Person.id).in_(ids)))
    return {person.id or 0: person.display_name for person in found.all()}


async def partner_rows(session: AsyncSession, workspace_id: int | None = None) -> list[Row]:
    statement = in_workspace(
        select(Partner, Workspace.external_id)
        .join(Workspace, col(Workspace.id) == Partner.workspace_id)
        .order_by(col(Partner.id)), Partner, workspace_id)
    found = (await session.exec(statement)).all()
    ids = [partner.id for partner, _ in found]
    contacts: dict[int, list[str]] = defaultdict(list)
    for person in (await session.exec(select(Person).where(
            col(Person.partner_id).in_(ids)).order_by(col(Person.display_name)))).all():
        contacts[person.partner_id or 0].append(person.display_name)
    invited: dict[int, list[str]] = defaultdict(list)
    for invite in (await session.exec(select(ContactInvite).where(
            col(ContactInvite.partner_id).in_(ids)))).all():
        invited[invite.partner_id].append(invite.email_key)
    owners = await _names(session, {partner.owner_id for partner, _ in found
                                    if partner.owner_id})
    return [{"id": partner.id, "workspace": workspace or "", "name": partner.name,
             "type": flat(partner.type) or "", "tier": partner.tier or "",
             "owner": owners.get(partner.owner_id or 0, ""),
             "contacts": contacts[partner.id or 0], "invited_emails": invited[partner.id or 0],
             "archived_at": flat(partner.archived_at) or "",
             "created_at": flat(partner.created_at)}
            for partner, workspace in found]


async def lead_rows(session: AsyncSession, workspace_id: int | None = None) -> list[Row]:
    statement = in_workspace(
        select(Lead, Partner, Workspace.external_id)
        .join(Partner, col(Partner.id) == Lead.partner_id)
        .join(Workspace, col(Workspace.id) == Lead.workspace_id)
        .order_by(col(Lead.id)), Lead, workspace_id)
    found = (await session.exec(statement)).all()
    names = await _names(session, {lead.recorded_by_id for lead, _, _ in found
                                   if lead.recorded_by_id})
    return [{"id": lead.id, "workspace": workspace or "", "partner": partner.name,
             "deal": lead.deal, "outcome": flat(lead.outcome),
             "engineer_hours": float(lead.engineer_hours)
             if lead.engineer_hours is not None else None,
             "value": float(lead.value) if lead.value is not None else None,
             "recorded_by": names.get(lead.recorded_by_id or 0, ""),
             "created_at": flat(lead.created_at)}
            for lead, partner, workspace in found]


OBJECTIVE_COLUMNS = ("id", "workspace", "partner", "text", "due_on", "target", "unit",
                     "percent", "value", "status", "closed_at", "created_at")


async def objective_rows(session: AsyncSession, workspace_id: int | None = None) -> list[Row]:
    statement = in_workspace(
        select(Objective, Partner, Workspace.external_id)
        .join(Partner, col(Partner.id) == Objective.partner_id)
        .join(Workspace, col(Workspace.id) == Objective.workspace_id)
        .order_by(col(Objective.workspace_id), col(Objective.number)), Objective, workspace_id)
    return [{"id": objective.short_id, "workspace": workspace or "", "partner": partner.name,
             "text": objective.text,
             "due_on": objective.due_on.isoformat() if objective.due_on else None,
             "target": float(objective.target) if objective.target is not None else None,
             "unit": objective.unit or "", "percent": objective.percent,
             "value": float(objective.value) if objective.value is not None else None,
             "status": flat(objective.status), "closed_at": flat(objective.closed_at),
             "created_at": flat(objective.created_at)}
            for objective, partner, workspace in (await session.exec(statement)).all()]
