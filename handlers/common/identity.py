"""From a platform's Actor to our Workspace and Person: created on first sight, profile
filled from the platform's directory now and then."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime

from bot.core.conversation import Actor, Profile
from bot.core.dates import known_zone
from handlers.common.context import Services
from storage.common import people, workspaces
from storage.common.models import Person, Role, Workspace
from storage.common.people import PersonRow


def zone_of(person: Person | PersonRow, services: Services, fallback: str | None = None
            ) -> str:
    """The zone a person's day runs in: the one they chose, else their profile's, else
    `fallback` (a cadence's), else the workspace default. A zone Python does not know (a
    typo in a profile) is passed over: one bad profile cannot stop a cadence for everyone."""
    for zone in (person.chosen_timezone, person.timezone, fallback):
        if zone and known_zone(zone):
            return zone
    return services.config.default_timezone


async def workspace_of(services: Services, actor: Actor) -> Workspace:
    """The installation the request came through, created on its first request."""
    async with services.db.session() as session:
        return await workspaces.for_external_id(session, actor.platform.value, actor.workspace,
                                                now=services.clock.now())


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


def _apply(person: Person, profile: Profile) -> None:
    person.display_name = profile.display_name or person.display_name
    person.email = profile.email or person.email
    person.timezone = profile.timezone or person.timezone
    person.is_external = profile.is_external


def _needs_sync(services: Services, known: Person | None, now: datetime) -> bool:
    """Never synced, or long enough ago that a move to another time zone may be missed."""
    if known is None or known.profile_synced_at is None:
        return True
    return now - known.profile_synced_at > services.config.profile_refresh


async def _fetch(services: Services, actor: Actor, known: Person | None
                 ) -> tuple[Profile | None, bool]:
    """The directory's profile (if it is due and answers quickly), and whether that counts
    as synced: without an answer from an existing directory, ask again next time."""
    source = services.profiles.get(actor.platform)
    if source is None:
        return None, True
    if not _needs_sync(services, known, services.clock.now()):
        return None, False
    # Ask outside any transaction, and not for long: a form's trigger expires 3 s after the
    # click, and the profile can be filled in next time.
    try:
        fetched = await asyncio.wait_for(source.profile(actor.user_id, actor.workspace),
                                         services.config.profile_lookup.total_seconds())
    except TimeoutError:
        fetched = None
    return fetched, fetched is not None


async def person_leaving_no_trace(services: Services, workspace: Workspace, actor: Actor
                                  ) -> Person:
    """The person behind `actor` as already stored, or a stand-in (a member, never saved)
    for someone not seen before: nothing is written and no directory is asked, so no row
    and no outgoing call marks the moment they acted (an anonymous report)."""
    async with services.db.session() as session:
        known = await people.by_identity(session, workspace.id or 0, actor.platform.value,
                                         actor.user_id)
    if known is not None:
        return known
    outside = actor.is_external or bool(actor.team_id and actor.workspace
                                        and actor.team_id != actor.workspace)
    return Person(workspace_id=workspace.id or 0, role=Role.MEMBER, is_external=outside,
                  created_at=services.clock.now())


async def resolve_person(services: Services, workspace: Workspace, actor: Actor) -> Person:
    """The Person behind `actor` in `workspace`, with the directory asked at most once."""
    platform, workspace_id = actor.platform.value, workspace.id or 0
    async with services.db.session() as session:
        known = await people.by_identity(session, workspace_id, platform, actor.user_id)
    fetched, synced = await _fetch(services, actor, known)
    now = services.clock.now()
    async with services.db.session() as session:
        person, created = await people.get_or_create(
            session, workspace_id, platform, actor.user_id, now=now,
            display_name=actor.display_name)
        profile = _merge(actor, fetched)
        if fetched is not None or person.profile_synced_at is None:
            _apply(person, profile)
            person.profile_synced_at = now if synced else person.profile_synced_at
        elif actor.timezone and actor.timezone != person.timezone:
            person.timezone = actor.timezone  # Teams reports the client's zone on every message.
        # A people picker may name them by their directory id; a Slack Connect guest's
        # home team is another organisation's.
        await people.remember_account(session, person, platform, actor.user_id,
                                      directory_id=actor.directory_id,
                                      home_team_id=profile.team_id)
        if actor.user_id in services.config.admins:
            person.role = Role.ADMIN
        elif created and not services.config.admins and not person.is_external \
                and await people.count_admins(session, workspace_id) == 0 \
                and await workspaces.claim_first_admin(session, workspace_id, person.id or 0):
            person.role = Role.ADMIN  # The first person to use a new install runs it.
        session.add(person)
        await session.flush()
        # An email a partner named as its contact before this person was seen links now.
        await people.claim_invite(session, person)
        return person
