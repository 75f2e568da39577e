"""Who takes part in a cadence: the people named, plus everyone in its participant channel."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from bot.core.conversation import Actor, ConversationKind, ConversationRef, Platform
from handlers.cadences.ids import CadenceMessage, person_of_key
from handlers.common.channels import named
from handlers.common.context import Services
from handlers.common.identity import resolve_person
from handlers.common.identity import zone_of as person_zone
from storage.cadences import repository as cadences
from storage.cadences.models import Answer, Cadence, Occurrence
from storage.common import people, workspaces
from storage.common.models import Person, Role, Workspace
from storage.common.people import Member, PersonRow
from storage.ledger import repository as ledger

log = logging.getLogger(__name__)

PROFILE_LOOKUPS_AT_ONCE = 8


def zone_of(person: Person | PersonRow, services: Services, cadence: Cadence | None = None
            ) -> str:
    """The zone the person's cadence days run in (theirs, else the cadence's, else the
    workspace default)."""
    return person_zone(person, services, cadence.timezone if cadence else None)


async def participant_channel_label(services: Services, cadence: Cadence,
                                    workspace: Workspace) -> str:
    """The participant channel as people name it ("" when the cadence has none)."""
    if not cadence.participant_channel_id:
        return ""
    channel = ConversationRef(Platform(cadence.platform), cadence.participant_channel_id,
                              ConversationKind.CHANNEL, workspace=workspace.external_id or "")
    return (await named(services, channel)).label


def _internal(person: Person | PersonRow) -> bool:
    """Channel membership alone never makes a partner (or a guest) a participant."""
    return person.role is not Role.PARTNER_CONTACT and not person.is_external


async def _learn_profiles(services: Services, workspace: Workspace, platform: Platform,
                          newcomers: list[Member]) -> dict[int, Person]:
    """Names and zones of channel members seen for the first time, from the directory."""
    if platform not in services.profiles or not newcomers:
        return {}
    gate = asyncio.Semaphore(PROFILE_LOOKUPS_AT_ONCE)

    async def learn(member: Member) -> Person:
        async with gate:
            return await resolve_person(services, workspace, Actor(
                platform, member.user_id, workspace=workspace.external_id or ""))

    learned = await asyncio.gather(*(learn(member) for member in newcomers))
    return {person.id or 0: person for person in learned}


async def _channel_members(services: Services, cadence: Cadence,
                           platform: Platform) -> list[Member]:
    directory = services.channels.get(platform)
    if not cadence.participant_channel_id or directory is None:
        return []
    async with services.db.session() as session:
        workspace = await workspaces.get(session, cadence.workspace_id)
    if workspace is None:
        return []
    member_ids = await directory.members(cadence.participant_channel_id,
                                         workspace.external_id or "")
    async with services.db.session() as session:
        found = await people.get_or_create_many(session, cadence.workspace_id, platform.value,
                                                member_ids, now=services.clock.now())
    accounts = list(zip(found, dict.fromkeys(member_ids), strict=True))
    fresh = [Member(person, user_id) for person, user_id in accounts
             if person.profile_synced_at is None]
    learned = await _learn_profiles(services, workspace, platform, fresh)
    members = [Member(learned.get(person.id or 0, person), user_id)
               for person, user_id in accounts]
    return [member for member in members if _internal(member.person)]


def members_of_day(members: Sequence[Member], occurrence: Occurrence) -> list[Member]:
    """The participants who had joined before the day closed."""
    return [member for member in members
            if member.joined_at is None or member.joined_at < occurrence.close_at]


async def people_of_day(services: Services, cadence: Cadence, occurrence: Occurrence,
                        given: Sequence[Answer], members: Sequence[Member] | None = None
                        ) -> list[Person | PersonRow]:
    """Who belonged to that day, as it was: participants who had joined before it closed,
    then anyone who answered, skipped or was prompted that day and has left since.
    `members` are the cadence's participants when the caller has them already."""
    if members is None:
        members = await participants_of(services, cadence)
    members = members_of_day(members, occurrence)
    everyone: dict[int, Person | PersonRow] = {member.person.id or 0: member.person
                                                for member in members}
    async with services.db.session() as session:
        prompted = await ledger.of_scope(session, f"occurrence:{occurrence.id}",
                                         (CadenceMessage.PROMPT,))
        for person_id in [answer.person_id for answer in given] + [
                found for key in prompted if (found := person_of_key(key)) is not None]:
            if person_id not in everyone and (gone := await people.get(session, person_id)):
                everyone[person_id] = gone
    return list(everyone.values())


async def participants_of(services: Services, cadence: Cadence) -> list[Member]:
    """Named participants and current internal members of the participant channel, once,
    each with the user id the bot reaches them by on the cadence's platform."""
    platform = Platform(cadence.platform)
    async with services.db.session() as session:
        named = await cadences.participant_members(session, cadence.id or 0, platform.value)
    channel_people = await _channel_members(services, cadence, platform)
    everyone: dict[int, Member] = {}
    for member in [*named, *channel_people]:
        everyone.setdefault(member.person.id or 0, member)
    return list(everyone.values())


async def cadence_zones(services: Services, person: Person,
                        own: str) -> tuple[tuple[str, str], ...]:
    """The active cadences that ask `person` at another zone's time than `own`: theirs is
    unset, so the cadence's zone for people without one applies (as it does for prompts)."""
    async with services.db.session() as session:
        found = await cadences.all_cadences(session, person.workspace_id)
    elsewhere: list[tuple[str, str]] = []
    for cadence in found:
        zone = zone_of(person, services, cadence)
        if cadence.paused or zone == own:
            continue  # checked first: listing participants may ask the platform
        if person.id in {member.person.id for member in await participants_of(services, cadence)}:
            elsewhere.append((cadence.name, zone))
    return tuple(elsewhere)
