"""Partners, their contacts (people, or emails not yet seen) and their leads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.common.models import ContactInvite, Partner, PartnerType, Person, Role
from storage.common.names import name_key
from storage.partners.models import Lead, LeadOutcome


class NameTaken(Exception):
    """Another partner of the workspace has that name (whatever its case)."""


async def by_name(session: AsyncSession, workspace_id: int, name: str) -> Partner | None:
    statement = select(Partner).where(Partner.workspace_id == workspace_id,
                                      Partner.name_key == name_key(name))
    return (await session.exec(statement)).first()


async def get_in(session: AsyncSession, workspace_id: int, partner_id: int) -> Partner | None:
    statement = select(Partner).where(Partner.id == partner_id,
                                      Partner.workspace_id == workspace_id)
    return (await session.exec(statement)).first()


async def owned_by(session: AsyncSession, workspace_id: int, person_id: int) -> bool:
    """Whether the person owns any partner of the workspace."""
    statement = select(Partner.id).where(Partner.workspace_id == workspace_id,
                                         Partner.owner_id == person_id)
    return (await session.exec(statement)).first() is not None


async def owned_by_each(session: AsyncSession, workspace_id: int, person_ids: Sequence[int]
                        ) -> dict[int, list[Partner]]:
    """The partners each person owns (not archived), by name; owners of none are absent."""
    if not person_ids:
        return {}
    statement = (select(Partner).where(Partner.workspace_id == workspace_id,
                                       col(Partner.owner_id).in_(person_ids),
                                       col(Partner.archived_at).is_(None))
                 .order_by(col(Partner.name_key)))
    found: dict[int, list[Partner]] = {}
    for partner in (await session.exec(statement)).all():
        found.setdefault(partner.owner_id or 0, []).append(partner)
    return found


async def by_ids(session: AsyncSession, ids: set[int]) -> Sequence[Partner]:
    """Partners by id, in any workspace: for run-due, with ids from its own rows."""
    if not ids:
        return []
    return (await session.exec(select(Partner).where(col(Partner.id).in_(ids)))).all()


async def all_partners(session: AsyncSession, workspace_id: int, *,
                       archived: bool = False) -> Sequence[Partner]:
    """The workspace's partners by name; archived ones only when asked for."""
    statement = select(Partner).where(Partner.workspace_id == workspace_id)
    if not archived:
        statement = statement.where(col(Partner.archived_at).is_(None))
    return (await session.exec(statement.order_by(col(Partner.name_key)))).all()


async def save(session: AsyncSession, partner: Partner, **changes: object) -> Partner:
    """Insert, or update with `changes`; NameTaken when another partner of the workspace has
    the name. The changes are made inside the savepoint: made before it, the flush that
    opens it would raise outside it."""
    wanted = str(changes.get("name", partner.name))  # the row expires if the savepoint rolls back
    try:
        async with session.begin_nested():
            for column, value in changes.items():
                setattr(partner, column, value)
            partner.name_key = name_key(partner.name)
            session.add(partner)
            await session.flush()
    except IntegrityError as error:
        raise NameTaken(wanted) from error
    return partner


async def add(session: AsyncSession, *, workspace_id: int, name: str,
              type: PartnerType | None, tier: str | None, owner_id: int | None,
              now: datetime) -> Partner:
    return await save(session, Partner(workspace_id=workspace_id, name=name, type=type,
                                       tier=tier, owner_id=owner_id, created_at=now))


async def contacts(session: AsyncSession, partner_id: int) -> Sequence[Person]:
    statement = select(Person).where(Person.partner_id == partner_id).order_by(
        col(Person.display_name))
    return (await session.exec(statement)).all()


async def invites(session: AsyncSession, partner_id: int) -> Sequence[ContactInvite]:
    statement = select(ContactInvite).where(ContactInvite.partner_id == partner_id).order_by(
        col(ContactInvite.email_key))
    return (await session.exec(statement)).all()


async def make_contact(session: AsyncSession, person: Person, partner: Partner) -> None:
    """`person` speaks for `partner` from now on, and sees only its shared data."""
    person.partner_id, person.role = partner.id, Role.PARTNER_CONTACT
    session.add(person)
    await session.flush()


async def end_contact(session: AsyncSession, person: Person) -> None:
    """No longer a partner's contact, and still no vendor member: they see nothing."""
    person.partner_id, person.role = None, Role.PARTNER_CONTACT
    session.add(person)
    await session.flush()


async def invite(session: AsyncSession, partner: Partner, email: str,
                 now: datetime) -> ContactInvite:
    """The first person seen with `email` becomes the partner's contact (an email names
    one contact: naming it again for another partner moves it)."""
    key = email.strip().lower()
    statement = select(ContactInvite).where(ContactInvite.workspace_id == partner.workspace_id,
                                            ContactInvite.email_key == key)
    found = (await session.exec(statement)).first()
    if found is None:
        found = ContactInvite(workspace_id=partner.workspace_id, partner_id=partner.id or 0,
                              email_key=key, created_at=now)
    found.partner_id = partner.id or 0
    session.add(found)
    await session.flush()
    return found


async def withdraw_invite(session: AsyncSession, partner_id: int, email: str) -> bool:
    statement = select(ContactInvite).where(ContactInvite.partner_id == partner_id,
                                            ContactInvite.email_key == email.strip().lower())
    found = (await session.exec(statement)).first()
    if found is None:
        return False
    await session.delete(found)
    await session.flush()
    return True


async def add_lead(session: AsyncSession, *, partner: Partner, deal: str,
                   outcome: LeadOutcome, hours: Decimal | None, value: Decimal | None,
                   recorded_by: int | None, now: datetime) -> Lead:
    lead = Lead(workspace_id=partner.workspace_id, partner_id=partner.id or 0, deal=deal,
                outcome=outcome, engineer_hours=hours, value=value,
                recorded_by_id=recorded_by, created_at=now)
    session.add(lead)
    await session.flush()
    return lead


async def leads(session: AsyncSession, partner_id: int) -> Sequence[Lead]:
    return (await leads_of(session, [partner_id])).get(partner_id, [])


async def leads_of(session: AsyncSession, partner_ids: Sequence[int]
                   ) -> dict[int, list[Lead]]:
    """Each partner's leads, oldest first, in one query."""
    found: dict[int, list[Lead]] = {}
    if not partner_ids:
        return found
    statement = select(Lead).where(col(Lead.partner_id).in_(list(partner_ids))).order_by(
        col(Lead.created_at), col(Lead.id))
    for lead in (await session.exec(statement)).all():
        found.setdefault(lead.partner_id, []).append(lead)
    return found


async def won_leads_of(session: AsyncSession, partner_ids: Sequence[int]) -> dict[int, int]:
    """Partner -> how many of its leads were won, counted by the database."""
    if not partner_ids:
        return {}
    statement = (select(Lead.partner_id, func.count())
                 .where(col(Lead.partner_id).in_(list(partner_ids)),
                        Lead.outcome == LeadOutcome.WON)
                 .group_by(col(Lead.partner_id)))
    return dict((await session.exec(statement)).all())
