"""From a platform's Actor to our Person: created on first sight, profile filled once."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta

from bot.core.conversation import Actor, Platform, Profile
from handlers.common.context import Services
from storage.common import people
from storage.common.models import Person, Role
from storage.common.people import IdentityColumn

PROFILE_LOOKUP_SECONDS = 1.0
# People move and travel: their directory profile (time zone above all) is read again then.
PROFILE_REFRESH = timedelta(days=7)

IDENTITY_COLUMNS: dict[Platform, IdentityColumn] = {
    Platform.SLACK: IdentityColumn.SLACK,
    Platform.TEAMS: IdentityColumn.TEAMS,
    Platform.CONSOLE: IdentityColumn.CONSOLE,
}


def _merge(actor: Actor, fetched: Profile | None) -> Profile:
    """What the request said, completed by what the directory knows."""
    own = Profile(display_name=actor.display_name, email=actor.email, timezone=actor.timezone,
                  team_id=actor.team_id, is_external=actor.is_external)
    if fetched is None:
        return own
    return replace(
        fetched,
        display_name=fetched.display_name or own.display_name,
        email=fetched.email or own.email,
        timezone=fetched.timezone or own.timezone,
        team_id=fetched.team_id or own.team_id,
        is_external=fetched.is_external or own.is_external,
    )


def _apply(person: Person, profile: Profile, platform: Platform) -> None:
    person.display_name = profile.display_name or person.display_name
    person.email = profile.email or person.email
    person.timezone = profile.timezone or person.timezone
    person.is_external = profile.is_external
    if platform is Platform.SLACK and profile.team_id:
        person.slack_team_id = profile.team_id


def _needs_sync(known: Person | None, now: datetime) -> bool:
    """Never synced, or long enough ago that a move to another time zone may be missed."""
    if known is None or known.profile_synced_at is None:
        return True
    return now - known.profile_synced_at > PROFILE_REFRESH


async def resolve_person(services: Services, actor: Actor) -> Person:
    """The Person behind `actor`, with the directory asked at most once per person."""
    column = IDENTITY_COLUMNS[actor.platform]
    async with services.db.session() as session:
        known = await people.by_identity(session, column, actor.user_id)
    fetched: Profile | None = None
    source = services.profiles.get(actor.platform)
    if source is not None and _needs_sync(known, services.clock.now()):
        # Ask the directory outside any transaction, and not for long: a form's trigger
        # expires 3 s after the click, and the profile can be filled in next time.
        try:
            fetched = await asyncio.wait_for(source.profile(actor.user_id),
                                             PROFILE_LOOKUP_SECONDS)
        except TimeoutError:
            fetched = None
    # Without an answer from an existing directory, ask again next time.
    synced = fetched is not None or source is None
    now = services.clock.now()
    async with services.db.session() as session:
        person, created = await people.get_or_create(
            session, column, actor.user_id, now=now, display_name=actor.display_name
        )
        if fetched is not None or person.profile_synced_at is None:
            _apply(person, _merge(actor, fetched), actor.platform)
            person.profile_synced_at = now if synced else person.profile_synced_at
        elif actor.timezone and actor.timezone != person.timezone:
            person.timezone = actor.timezone  # Teams reports the client's zone on every message.
        if actor.platform is Platform.TEAMS and actor.directory_id:
            # Teams' people picker names people by it: setup forms map it back to them.
            person.teams_aad_object_id = actor.directory_id
        if actor.user_id in services.config.admins:
            person.role = Role.ADMIN
        elif created and not services.config.admins and not person.is_external \
                and await people.count_admins(session) == 0 \
                and await people.claim_first_admin(session, person, now=now):
            person.role = Role.ADMIN  # The first person to use a new install runs it.
        session.add(person)
        await session.flush()
        return person
