"""Who takes part in a cadence: the people named, plus everyone in its participant channel."""

from __future__ import annotations

import asyncio
import logging
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.conversation import Actor, Platform
from handlers.common.context import Services
from handlers.common.identity import IDENTITY_COLUMNS, resolve_person
from storage.cadences import repository as cadences
from storage.cadences.models import Cadence
from storage.common import people
from storage.common.models import Person, Role

log = logging.getLogger(__name__)

PROFILE_LOOKUPS_AT_ONCE = 8


def platform_user_id(person: Person, platform: Platform) -> str | None:
    """The person's user id on `platform`, where the bot can message them."""
    return getattr(person, IDENTITY_COLUMNS[platform].value)


def _usable(zone: str | None) -> bool:
    if not zone:
        return False
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def zone_of(person: Person, services: Services, cadence: Cadence | None = None) -> str:
    """The person's own zone, else the cadence's, else the workspace default.

    A zone Python does not know (a typo in a profile) is passed over, so one bad profile
    cannot stop a cadence for everyone.
    """
    for zone in (person.timezone, cadence.timezone if cadence else None):
        if _usable(zone):
            return zone  # type: ignore[return-value]
    return services.config.default_timezone


def _internal(person: Person) -> bool:
    """Channel membership alone never makes a partner (or a guest) a participant."""
    return person.role is not Role.PARTNER_CONTACT and not person.is_external


async def _learn_profiles(services: Services, platform: Platform,
                          newcomers: list[Person]) -> list[Person]:
    """Names and zones of channel members seen for the first time, from the directory."""
    if platform not in services.profiles or not newcomers:
        return newcomers
    gate = asyncio.Semaphore(PROFILE_LOOKUPS_AT_ONCE)

    async def learn(person: Person) -> Person:
        async with gate:
            return await resolve_person(services, Actor(platform, platform_user_id(person,
                                                                                  platform) or ""))

    return list(await asyncio.gather(*(learn(person) for person in newcomers)))


async def _channel_members(services: Services, cadence: Cadence,
                           platform: Platform) -> list[Person]:
    directory = services.channels.get(platform)
    if not cadence.participant_channel_id or directory is None:
        return []
    member_ids = await directory.members(cadence.participant_channel_id)
    async with services.db.session() as session:
        members = await people.get_or_create_many(session, IDENTITY_COLUMNS[platform],
                                                  member_ids, now=services.clock.now())
    fresh = [person for person in members if person.profile_synced_at is None]
    learned = {person.id: person for person in await _learn_profiles(services, platform, fresh)}
    return [learned.get(person.id, person) for person in members if _internal(
        learned.get(person.id, person))]


async def participants_of(services: Services, cadence: Cadence) -> list[Person]:
    """Named participants and current internal members of the participant channel, once."""
    async with services.db.session() as session:
        named = list(await cadences.participants(session, cadence.id or 0))
    platform = Platform(cadence.platform)
    channel_people = await _channel_members(services, cadence, platform)
    everyone = {person.id: person for person in [*named, *channel_people]}
    return [person for person in everyone.values()
            if platform_user_id(person, platform) is not None]
