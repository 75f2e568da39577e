"""People are recognised across requests; a new install gets exactly one first admin."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.core.clock import SimulatedClock
from bot.core.conversation import Actor, Platform, Profile
from bot.core.outbox import RoutingOutbox
from handlers.common.context import BotConfig, Services
from handlers.common.identity import resolve_person, workspace_of
from storage.common import people, workspaces
from storage.common.models import Person, Role
from storage.engine import Database

SLACK_TEAM = "T0001"


class Directory:
    """A ProfileSource that answers from a dict and counts how often it was asked."""

    def __init__(self, profiles: dict[str, Profile]) -> None:
        self.profiles = profiles
        self.asked = 0
        self.workspaces: list[str] = []

    async def profile(self, user_id: str, workspace: str = "") -> Profile | None:
        self.asked += 1
        self.workspaces.append(workspace)
        return self.profiles.get(user_id)


def services(database: Database, clock: SimulatedClock, **config: object) -> Services:
    return Services(db=database, outbox=RoutingOutbox(), clock=clock,
                    config=BotConfig(**config))  # type: ignore[arg-type]


def slack_user(user_id: str, display_name: str = "") -> Actor:
    return Actor(Platform.SLACK, user_id, display_name, workspace=SLACK_TEAM)


async def resolve(services: Services, actor: Actor) -> Person:
    """As the dispatcher does: the request's workspace, then the person in it."""
    return await resolve_person(services, await workspace_of(services, actor), actor)


async def test_concurrent_first_users_make_exactly_one_admin(database: Database,
                                                             clock: SimulatedClock):
    team = services(database, clock)
    people = await asyncio.gather(*(
        resolve(team, slack_user(f"U{n}", f"user{n}")) for n in range(8)))
    assert sorted(person.role for person in people).count(Role.ADMIN) == 1


async def test_configured_admins_replace_the_first_user_rule(database: Database,
                                                             clock: SimulatedClock):
    team = services(database, clock, admins=frozenset({"U9"}))
    first = await resolve(team, slack_user("U1"))
    admin = await resolve(team, slack_user("U9"))
    assert (first.role, admin.role) == (Role.MEMBER, Role.ADMIN)


async def test_directory_is_asked_once_and_fills_the_profile(database: Database,
                                                             clock: SimulatedClock):
    directory = Directory({"U1": Profile("Ana", "ana@acme.test", "Asia/Tokyo", "T1")})
    team = services(database, clock)
    team.profiles = {Platform.SLACK: directory}
    for _ in range(3):
        ana = await resolve(team, slack_user("U1", "ana"))
    assert directory.asked == 1 and directory.workspaces == [SLACK_TEAM]
    assert (ana.display_name, ana.email, ana.timezone) == ("Ana", "ana@acme.test", "Asia/Tokyo")


async def test_a_directory_that_fails_is_asked_again_next_time(database: Database,
                                                               clock: SimulatedClock):
    directory = Directory({})
    team = services(database, clock)
    team.profiles = {Platform.SLACK: directory}
    await resolve(team, slack_user("U1", "ana"))
    directory.profiles["U1"] = Profile("Ana A.", timezone="Europe/Berlin")
    ana = await resolve(team, slack_user("U1", "ana"))
    assert directory.asked == 2 and ana.timezone == "Europe/Berlin"


async def test_external_people_never_become_the_first_admin(database: Database,
                                                            clock: SimulatedClock):
    team = services(database, clock)
    guest = await resolve(team, Actor(Platform.TEAMS, "29:guest", is_external=True,
                                         workspace="tenant-1"))
    assert guest.role is Role.MEMBER


class SlowDirectory(Directory):
    def __init__(self) -> None:
        super().__init__({"U1": Profile("Ana")})
        self.release = asyncio.Event()

    async def profile(self, user_id: str, workspace: str = "") -> Profile | None:
        self.asked += 1
        await self.release.wait()  # never released: a directory that hangs
        return await super().profile(user_id, workspace)


async def test_a_hanging_directory_does_not_hold_the_request(database: Database,
                                                             clock: SimulatedClock):
    team = services(database, clock, profile_lookup=timedelta(seconds=0.05))
    team.profiles = {Platform.SLACK: SlowDirectory()}
    ana = await resolve(team, slack_user("U1", "ana"))
    assert ana.display_name == "ana" and ana.profile_synced_at is None


async def test_the_directory_is_asked_again_after_a_week(database: Database,
                                                         clock: SimulatedClock):
    directory = Directory({"U1": Profile("Ana", timezone="Europe/Berlin")})
    team = services(database, clock)
    team.profiles = {Platform.SLACK: directory}
    await resolve(team, slack_user("U1", "ana"))
    directory.profiles["U1"] = Profile("Ana", timezone="America/Chicago")  # she moved
    clock.advance(timedelta(days=6))
    assert (await resolve(team, slack_user("U1"))).timezone == "Europe/Berlin"
    clock.advance(timedelta(days=2))
    ana = await resolve(team, slack_user("U1"))
    assert ana.timezone == "America/Chicago" and directory.asked == 2


async def test_a_slack_connect_guest_belongs_to_the_install_and_keeps_their_own_team(
        database: Database, clock: SimulatedClock):
    """A partner's rep from another organisation, typing in our shared channel: a person of
    our installation (so our cadences and campaigns can reach them), external, never its
    first admin, with their own home team remembered."""
    directory = Directory({"UEXT": Profile(display_name="Pat Partner", team_id="TPARTNER",
                                           is_external=True)})
    team = services(database, clock)
    team.profiles = {Platform.SLACK: directory}

    guest = await resolve(team, slack_user("UEXT"))
    member = await resolve(team, slack_user("U1"))

    assert guest.is_external and guest.role is Role.MEMBER
    assert member.role is Role.ADMIN  # the first of the install's own people runs it
    async with database.session() as session:
        ours = await workspaces.by_external_id(session, "slack", SLACK_TEAM)
        assert ours is not None and guest.workspace_id == ours.id
        account = await people.identity(session, ours.id or 0, "slack", "UEXT")
    assert account is not None and account.home_team_id == "TPARTNER"
    assert directory.workspaces[0] == SLACK_TEAM  # asked in the install's workspace
