"""Who may do what with an occurrence: take part, answer while open, see internal reports."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.core.dates import known_zone
from bot.core.errors import UserError
from handlers.cadences.cards import occurrence_label
from handlers.cadences.participants import participants_of, zone_of
from handlers.common.context import Services
from storage.cadences import repository as cadences
from storage.cadences.models import Cadence, Occurrence
from storage.common.models import Person, Role, Workspace


def zone_for(services: Services, person: Person, cadence: Cadence | None = None) -> ZoneInfo:
    """The person's time zone, else the cadence's, else the workspace default, else UTC."""
    zone = zone_of(person, services, cadence)
    return ZoneInfo(zone if known_zone(zone) else "UTC")


def local_today(services: Services, person: Person) -> date:
    """Today where the person is."""
    return services.clock.now().astimezone(zone_for(services, person)).date()


def local_clock(services: Services, person: Person, instant: datetime,
                cadence: Cadence | None = None) -> str:
    return f"{instant.astimezone(zone_for(services, person, cadence)):%H:%M}"


def is_open(occurrence: Occurrence, now: datetime) -> bool:
    return occurrence.closed_at is None and now < occurrence.close_at


def refuse_partner_contact(person: Person, what: str) -> None:
    """Partner contacts (and guests from other organisations) never see internal data."""
    if person.role is Role.PARTNER_CONTACT or person.is_external:
        raise UserError(f"{what} are internal to the vendor team, so partner contacts can't "
                        "see them. You can still answer the check-ins sent to you.")


async def load_occurrence(services: Services, workspace: Workspace, occurrence_id: int
                          ) -> tuple[Cadence, Occurrence]:
    """The occurrence and its cadence; a UserError if either is gone (deleted meanwhile),
    or belongs to another workspace (a button's value comes back from the client)."""
    async with services.db.session() as session:
        occurrence = await cadences.occurrence_in(session, workspace.id or 0, occurrence_id)
        cadence = await cadences.get_in(session, workspace.id or 0, occurrence.cadence_id) \
            if occurrence else None
    if occurrence is None or cadence is None:
        raise UserError("That cadence or day no longer exists; it may have been deleted.")
    return cadence, occurrence


async def takes_part(services: Services, cadence: Cadence, person: Person) -> bool:
    return person.id in {member.person.id for member in await participants_of(services, cadence)}


async def require_participant(services: Services, cadence: Cadence, person: Person) -> None:
    if not await takes_part(services, cadence, person):
        raise UserError(f"You don't take part in {cadence.name}, so there is nothing for you "
                        "to answer there. An admin can add you by editing it.")


def require_open(services: Services, cadence: Cadence, occurrence: Occurrence,
                 person: Person) -> None:
    if not is_open(occurrence, services.clock.now()):
        closed = local_clock(services, person, occurrence.closed_at or occurrence.close_at,
                             cadence)
        raise UserError(f"{cadence.name} for {occurrence_label(occurrence)} closed at {closed} "
                        "(your time), so answers can no longer be given or changed. "
                        "Nothing was changed.")
