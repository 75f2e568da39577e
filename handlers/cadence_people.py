"""Who takes part in a cadence: the people named, plus everyone in its participant channel."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.core.conversation import Platform
from handlers.context import Services
from handlers.identity import IDENTITY_COLUMNS
from storage import cadences, people
from storage.cadence_models import Cadence
from storage.models import Person

log = logging.getLogger(__name__)


def platform_user_id(person: Person, platform: Platform) -> str | None:
    """The person's user id on `platform`, where the bot can message them."""
    return getattr(person, IDENTITY_COLUMNS[platform].value)


def zone_of(person: Person, services: Services, cadence: Cadence | None = None) -> str:
    """The person's own zone, else the cadence's, else the workspace default."""
    return person.timezone or (cadence.timezone if cadence else None) \
        or services.config.default_timezone


async def participants_of(services: Services, cadence: Cadence) -> list[Person]:
    """Named participants and current members of the participant channel, each once."""
    async with services.db.session() as session:
        named = list(await cadences.participants(session, cadence.id or 0))
    channel_people: Sequence[Person] = ()
    platform = Platform(cadence.platform)
    directory = services.channels.get(platform)
    if cadence.participant_channel_id and directory is not None:
        member_ids = await directory.members(cadence.participant_channel_id)
        async with services.db.session() as session:
            channel_people = [
                (await people.get_or_create(session, IDENTITY_COLUMNS[platform], user_id,
                                            now=services.clock.now()))[0]
                for user_id in member_ids
            ]
    everyone = {person.id: person for person in [*named, *channel_people]}
    return [person for person in everyone.values()
            if platform_user_id(person, platform) is not None]
