"""`partnerops jobs run-due`: everything due up to an instant, from this process, once."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timedelta
from typing import TextIO

from bot.app import build_application
from bot.core.cards import Content
from bot.core.conversation import ConversationRef, MessageRef
from bot.core.outbox import Outbox
from bot.operations import parse_instant, require_current_schema, require_existing_sqlite_file
from bot.settings import Settings
from bot.web import enable_platforms
from handlers.common.due import DueReport
from schedules.run_due import run_due
from storage.engine import Database

PROGRESS_EVERY = timedelta(seconds=5)
FAILURES_SHOWN = 10


class _ClockFrom:
    """Reads `start` now and runs at real speed from there, as the scheduler's clock does."""

    def __init__(self, start: datetime) -> None:
        self._start, self._began = start, time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._began)


class _Progress:
    """An Outbox that tells `err` how a long run is going, every `every`."""

    def __init__(self, outbox: Outbox, err: TextIO, every: timedelta) -> None:
        self._outbox, self._err, self._every = outbox, err, every.total_seconds()
        self._sent, self._told = 0, time.monotonic()

    def _count(self) -> None:
        self._sent += 1
        if time.monotonic() - self._told >= self._every:
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


def _tell_failures(report: DueReport, err: TextIO) -> None:
    """What failed and why, grouped: a cron mail an operator can act on."""
    reasons = Counter((f"{failure.kind.feature} {failure.kind.kind.value}", failure.error)
                      for failure in report.failures)
    print(f"{len(report.failures)} sends failed; running again retries them while they are "
          "still due:", file=err)
    for (what, why), count in reasons.most_common(FAILURES_SHOWN):
        print(f"  {count} x {what}: {why}", file=err)
    if len(reasons) > FAILURES_SHOWN:
        print(f"  ... and {len(reasons) - FAILURES_SHOWN} other reasons", file=err)


async def jobs_run_due(settings: Settings, at: str | None, out: TextIO, err: TextIO, *,
                       database: Database | None = None,
                       progress_every: timedelta = PROGRESS_EVERY) -> DueReport:
    """`jobs run-due`: send everything due up to `at` from this process, exactly once each.

    `database` replaces DATABASE_URL's (a test's PostgreSQL schema)."""
    instant = parse_instant(at)
    if database is None:
        require_existing_sqlite_file(settings.database_url)
    application = build_application(settings, clock=_ClockFrom(instant), database=database)
    slack = None
    try:
        await require_current_schema(application.database)
        slack = enable_platforms(application).slack
        print(f"running everything due up to {instant.isoformat()}", file=err, flush=True)
        application.services.outbox = _Progress(application.outbox, err, progress_every)
        report = await run_due(application.services, instant)
    finally:
        if slack is not None:
            await slack.close()
        await application.close()
    print(report, file=out)
    if report.recovered:
        print(f"{report.recovered} sends left unfinished by a stopped run were settled first",
              file=err)
    for feature, error in report.broken.items():
        print(f"{feature} could not run ({error}); see the log", file=err)
    if report.failures:
        _tell_failures(report, err)
    return report
