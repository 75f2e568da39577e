"""The composition root's core: storage, services and the dispatcher, built once from Settings."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.clock import Clock, SystemClock
from bot.core.commands import Registry
from bot.core.conversation import Platform
from bot.core.outbox import Outbox, RoutingOutbox
from bot.core.ports import ChannelDirectory, ProfileSource
from bot.settings import Settings
from handlers.common.context import BotConfig, Services
from handlers.common.dispatch import Dispatcher
from handlers.registry import build_registry
from schedules.leader import Leadership, leadership_for
from schedules.scheduler import CadenceClock
from storage.common import conversations
from storage.engine import Database
from storage.migrate import upgrade


class StoredReferences:
    """The ReferenceStore port over the database (Teams conversation references)."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    async def save_reference(self, *, platform: str, conversation_id: str, reference: str,
                             conversation_type: str, tenant_id: str | None,
                             service_url: str | None) -> None:
        async with self._database.session() as session:
            await conversations.save(
                session, platform=platform, conversation_id=conversation_id,
                reference=reference, now=self._clock.now(), conversation_type=conversation_type,
                tenant_id=tenant_id, service_url=service_url,
            )

    async def load_reference(self, platform: str, conversation_id: str) -> str | None:
        async with self._database.session() as session:
            row = await conversations.find(session, platform, conversation_id)
        return row.reference if row else None


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
    references: StoredReferences
    leadership: Leadership | None = None

    def add_platform(self, platform: Platform, outbox: Outbox,
                     profiles: ProfileSource | None = None,
                     channels: ChannelDirectory | None = None) -> None:
        self.outbox.register(platform, outbox)
        if profiles is not None:
            self.services.profiles = {**self.services.profiles, platform: profiles}
        if channels is not None:
            self.services.channels = {**self.services.channels, platform: channels}

    @property
    def scheduler_state(self) -> str:
        """"leader" (runs the cadences), "standby" (another process does) or "off"."""
        return self.leadership.state if self.leadership is not None else "off"

    async def start_scheduler(self) -> None:
        """Run the cadences from this process whenever it holds the scheduler leadership."""
        if self.leadership is not None:
            return
        cadence_clock = CadenceClock(self.services, self.clock)
        self.services.schedule_changed = cadence_clock.replan
        self.leadership = leadership_for(self.database, cadence_clock)
        await self.leadership.start()

    async def stop_scheduler(self) -> None:
        if self.leadership is not None:
            await self.leadership.stop()

    async def prepare_database(self, *, migrate: bool) -> None:
        if migrate:
            await upgrade(self.database)

    async def close(self) -> None:
        await self.stop_scheduler()
        await self.database.dispose()


def build_application(settings: Settings, *, clock: Clock | None = None,
                      database: Database | None = None) -> Application:
    clock = clock or SystemClock()
    database = database or Database.from_url(settings.database_url)
    outbox = RoutingOutbox()
    registry = build_registry()
    config = BotConfig(default_timezone=settings.timezone, admins=frozenset(settings.admins),
                       command_prefix=settings.command_prefix)
    services = Services(db=database, outbox=outbox, clock=clock, config=config)
    return Application(
        settings=settings, database=database, clock=clock, outbox=outbox, registry=registry,
        services=services, dispatcher=Dispatcher(registry, services),
        references=StoredReferences(database, clock),
    )
