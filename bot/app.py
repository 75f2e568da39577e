"""The composition root's core: storage, services and the dispatcher, built once from Settings."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.core.clock import Clock, SystemClock
from bot.core.commands import Registry, ZoneNotes
from bot.core.conversation import Actor, CommandStyle, Platform
from bot.core.dates import known_zone
from bot.core.outbox import Outbox, RoutingOutbox
from bot.core.ports import (
    ChannelDirectory,
    InstalledBot,
    PeoplePicker,
    PersonZone,
    ProfileSource,
    ZoneSource,
)
from bot.logs import keep_request_content_out_of_logs
from bot.metrics import Metrics
from bot.settings import Settings
from handlers.common.context import BotConfig, Services
from handlers.common.dispatch import Dispatcher
from handlers.common.identity import resolve_person, zone_of
from handlers.registry import build_registry
from schedules.leader import Leadership, leadership_for
from schedules.scheduler import DueClock
from storage.common import conversations, files, people, slack_installs, workspaces
from storage.common.models import Person, Workspace
from storage.engine import Database
from storage.migrate import upgrade

# A chart served by link stays as long as the message showing it is likely to be read.
IMAGES_LAST = timedelta(days=90)


class StoredInstallations:
    """The storage behind the platforms' ports: conversation references (Teams proactive
    messaging), installs' own bot tokens (Slack OAuth: the rows slack_sdk's installation
    store keeps for the app `slack_client_id`), people by directory id (Teams' people
    picker)."""

    def __init__(self, database: Database, clock: Clock, public_url: str = "",
                 slack_client_id: str = "") -> None:
        self._database = database
        self._clock = clock
        self._public_url = public_url.rstrip("/")
        self._slack_client_id = slack_client_id

    async def host_image(self, platform: str, workspace: str, png: bytes) -> str | None:
        """Keep `png` for IMAGES_LAST under an unguessable token: `GET /charts/<token>.png`."""
        now = self._clock.now()
        async with self._database.session() as session:
            owner = await workspaces.for_external_id(session, platform, workspace, now=now)
            kept = await files.keep(session, workspace_id=owner.id or 0, name="chart.png",
                                    data=base64.b64encode(png).decode("ascii"), now=now,
                                    lasts=IMAGES_LAST)
        return f"{self._public_url}/charts/{kept.token}.png"

    async def save_reference(self, *, platform: str, workspace: str, conversation_id: str,
                             reference: dict[str, Any], conversation_type: str,
                             tenant_id: str | None, service_url: str | None) -> None:
        now = self._clock.now()
        async with self._database.session() as session:
            owner = await workspaces.for_external_id(session, platform, workspace, now=now)
            await conversations.save(
                session, workspace_id=owner.id or 0, platform=platform,
                conversation_id=conversation_id, reference=reference, now=now,
                conversation_type=conversation_type, tenant_id=tenant_id,
                service_url=service_url,
            )

    async def load_reference(self, platform: str,
                             conversation_id: str) -> dict[str, Any] | None:
        async with self._database.session() as session:
            row = await conversations.find(session, platform, conversation_id)
        return row.reference if row else None

    async def installed_bot(self, platform: str, workspace: str,
                            enterprise: str | None = None) -> InstalledBot | None:
        if platform != Platform.SLACK.value or not self._slack_client_id:
            return None
        async with self._database.session() as session:
            found = await slack_installs.find_bot(session, self._slack_client_id, workspace,
                                                  enterprise)
        if found is None:
            return None
        return InstalledBot(found.token, found.bot_user_id, found.bot_id,
                            found.enterprise_id if found.team_id is None else None)

    async def user_id_of(self, platform: str, workspace: str, picked: str) -> str | None:
        async with self._database.session() as session:
            owner = await workspaces.by_external_id(session, platform, workspace)
            if owner is None:
                return None
            return await people.user_id_picked(session, owner.id or 0, platform, picked)


def _source(person: Person, zone: str) -> ZoneSource:
    if person.chosen_timezone and zone == person.chosen_timezone:
        return ZoneSource.CHOSEN
    if person.timezone and zone == person.timezone:
        return ZoneSource.PROFILE
    return ZoneSource.DEFAULT


class KnownZones:
    """The PersonZones port: the zones the bot runs a person's days in, and their profile's
    zone learned the way a message from them teaches it."""

    def __init__(self, services: Services, notes: tuple[ZoneNotes, ...] = ()) -> None:
        self._services = services
        self._notes = notes  # each feature's "asks you at another zone's time"

    async def _known(self, actor: Actor) -> tuple[Workspace | None, Person | None]:
        async with self._services.db.session() as session:
            owner = await workspaces.by_external_id(session, actor.platform.value,
                                                    actor.workspace)
            person = await people.by_identity(session, owner.id or 0, actor.platform.value,
                                              actor.user_id) if owner else None
        return owner, person

    async def zone_of(self, actor: Actor) -> PersonZone:
        _, person = await self._known(actor)
        if person is None:  # not seen yet: what their platform says, else the default
            if actor.timezone and known_zone(actor.timezone):
                return PersonZone(actor.timezone, ZoneSource.PROFILE)
            return PersonZone(self._services.config.default_timezone)
        zone = zone_of(person, self._services)
        elsewhere = [found for notes in self._notes
                     for found in await notes(self._services, person, zone)]
        return PersonZone(zone, _source(person, zone), tuple(elsewhere))

    async def learn(self, actor: Actor) -> None:
        owner, person = await self._known(actor)
        if owner is None or person is None:
            return  # a stranger: their first message brings the profile in
        await resolve_person(self._services, owner, actor)
        self._services.schedule_changed()


@dataclass
class Application:
    """Everything platform-neutral that a running bot (server or console) is made of."""

    settings: Settings
    database: Database
    clock: Clock
    outbox: RoutingOutbox
    registry: Registry
    services: Services
    dispatcher: Dispatcher
    installations: StoredInstallations
    leadership: Leadership | None = None
    platforms: set[Platform] = field(default_factory=set)
    # This application's counters (its own registry), served at /metrics.
    metrics: Metrics = field(default_factory=Metrics)

    def add_platform(self, platform: Platform, outbox: Outbox, *,
                     profiles: ProfileSource | None = None,
                     channels: ChannelDirectory | None = None,
                     picker: PeoplePicker | None = None,
                     style: CommandStyle | None = None) -> None:
        """Register what a platform offers the core: where to send, and its directories."""
        self.outbox.register(platform, outbox)
        self.platforms.add(platform)
        services = self.services
        if profiles is not None:
            services.profiles = {**services.profiles, platform: profiles}
        if channels is not None:
            services.channels = {**services.channels, platform: channels}
        if picker is not None:
            services.pickers = {**services.pickers, platform: picker}
        if style is not None:
            services.styles = {**services.styles, platform: style}

    @property
    def scheduler_state(self) -> str:
        """"leader" (sends what is due), "standby" (another process does) or "off"."""
        return self.leadership.state if self.leadership is not None else "off"

    async def start_scheduler(self) -> None:
        """Send what is due from this process whenever it holds the scheduler leadership."""
        if self.leadership is not None:
            return
        due_clock = DueClock(self.services, self.clock)
        self.services.schedule_changed = due_clock.replan
        self.leadership = leadership_for(
            self.database, due_clock,
            retry=timedelta(seconds=self.settings.leader_retry_seconds))
        await self.leadership.start()

    async def stop_scheduler(self) -> None:
        if self.leadership is not None:
            await self.leadership.stop()

    async def prepare_database(self, *, migrate: bool) -> None:
        if migrate:
            await upgrade(self.database)

    async def close(self) -> None:
        await self.stop_scheduler()
        await self.services.leases.close()
        await self.database.dispose()


def _server_secret(settings: Settings) -> str:
    """What the deployment keeps outside the database: its Slack signing secret and its
    Microsoft app password (empty for the console, which has neither)."""
    parts = [secret.get_secret_value() for secret in (settings.slack_signing_secret,
                                                      settings.microsoft_app_password)
             if secret is not None and secret.get_secret_value()]
    return "\n".join(parts)


def build_application(settings: Settings, *, clock: Clock | None = None,
                      database: Database | None = None) -> Application:
    # Request bodies and query parameters name people: the libraries' records keep their
    # level and lose their text (an anonymous report must not reach the logs).
    keep_request_content_out_of_logs()
    clock = clock or SystemClock()
    database = database or Database.from_url(settings.database_url)
    outbox = RoutingOutbox()
    registry = build_registry()
    config = BotConfig(default_timezone=settings.timezone, admins=frozenset(settings.admins),
                       command_prefix=settings.command_prefix,
                       objective_nudge_days=settings.objective_nudge_days,
                       public_url=settings.public_url,
                       server_secret=_server_secret(settings))
    metrics = Metrics()
    services = Services(db=database, outbox=outbox, clock=clock, config=config,
                        due_work=registry.due_sources, telemetry=metrics)
    services.zones = KnownZones(services, registry.zone_notes)
    return Application(
        settings=settings, database=database, clock=clock, outbox=outbox, registry=registry,
        services=services, dispatcher=Dispatcher(registry, services),
        installations=StoredInstallations(
            database, clock, settings.public_url,
            slack_client_id=(settings.slack_client_id or "") if settings.slack_oauth_enabled
            else ""),
        metrics=metrics,
    )
