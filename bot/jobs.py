"""`partnerops jobs run-due`: everything due up to an instant, from this process, once."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TextIO

from sqlmodel import func, select

from bot.app import build_application
from bot.core.cards import Content
from bot.core.conversation import ConversationRef, MessageRef, Platform
from bot.core.outbox import Outbox
from bot.operations import parse_instant, require_current_schema, require_existing_sqlite_file
from bot.settings import Settings
from bot.web import enable_platforms
from schedules.run_due import DueReport, run_due
from storage.cadences import repository as cadences
from storage.ledger.models import Delivery, DeliveryStatus

PROGRESS_SECONDS = 5.0


class _ClockFrom:
    """Reads `start` now and runs at real speed from there, as the scheduler's clock does."""

    def __init__(self, start: datetime) -> None:
        self._start, self._began = start, time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._began)


class _Progress:
    """An Outbox that tells `err` how a long run is going, every PROGRESS_SECONDS."""

    def __init__(self, outbox: Outbox, err: TextIO) -> None:
        self._outbox, self._err = outbox, err
        self._sent, self._told = 0, time.monotonic()

    def _count(self) -> None:
        self._sent += 1
        if time.monotonic() - self._told >= PROGRESS_SECONDS:
            self._told = time.monotonic()
            print(f"... {self._sent} messages sent so far", file=self._err, flush=True)

    async def post(self, to: ConversationRef, content: Content, *,
                   thread: MessageRef | None = None, key: str | None = None) -> MessageRef:
        sent = await self._outbox.post(to, content, thread=thread, key=key)
        self._count()
        return sent

    async def update(self, message: MessageRef, content: Content) -> None:
        await self._outbox.update(message, content)
        self._count()

    async def post_private(self, to: ConversationRef, user_id: str, content: Content) -> None:
        await self._outbox.post_private(to, user_id, content)
        self._count()

    async def find_delivery(self, to: ConversationRef, key: str,
                            since: datetime) -> MessageRef | None:
        return await self._outbox.find_delivery(to, key, since)


async def jobs_run_due(settings: Settings, at: str | None, out: TextIO, err: TextIO
                       ) -> DueReport:
    """`jobs run-due`: send everything due up to `at` from this process, exactly once each."""
    instant = parse_instant(at)
    started = datetime.now(UTC)  # ledger claims carry wall-clock time
    require_existing_sqlite_file(settings.database_url)
    application = build_application(settings, clock=_ClockFrom(instant))
    slack = None
    try:
        await require_current_schema(application.database)
        slack = enable_platforms(application).slack
        async with application.database.session() as session:
            active = await cadences.active_cadences(session)
        for cadence in active:
            if not application.outbox.enabled(Platform(cadence.platform)):
                print(f"cadence {cadence.name!r} is on {cadence.platform}, which is not "
                      "enabled here: its sends fail and a later run retries them",
                      file=err)
        print(f"running everything due up to {instant.isoformat()}", file=err, flush=True)
        services = replace(application.services, outbox=_Progress(application.outbox, err))
        report = await run_due(services, instant)
        async with application.database.session() as session:
            failed = (await session.exec(select(func.count()).select_from(Delivery).where(
                Delivery.status == DeliveryStatus.FAILED, Delivery.claimed_at >= started))).one()
    finally:
        if slack is not None:
            await slack.close()
        await application.close()
    print(report, file=out)
    if failed:
        print(f"{failed} sends failed (see above); running again retries them while they "
              "are due", file=err)
    return report
