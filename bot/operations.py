"""What each `partnerops` subcommand does, once its arguments are parsed."""

from __future__ import annotations

import csv
import json
import logging
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import TextIO

import yaml
from aiohttp import web
from sqlalchemy.engine import make_url
from sqlmodel import func, select

from bot.app import build_application
from bot.core.cards import Content
from bot.core.clock import SimulatedClock
from bot.core.conversation import ConversationRef, MessageRef, Platform
from bot.core.outbox import Outbox
from bot.platforms.console import ConsolePlatform
from bot.platforms.slack.manifest import SlashCommand, slack_manifest
from bot.platforms.teams.manifest import TeamsCommand, teams_manifest, teams_package
from bot.settings import Settings
from bot.web import create_web_app, enable_platforms, ensure_schema
from handlers.help import command_label
from handlers.registry import build_registry
from schedules.run_due import DueReport, run_due
from schedules.wakeup import FollowTime
from storage import cadences
from storage.cadence_models import Delivery, DeliveryStatus
from storage.engine import Database
from storage.export import EXPORTERS
from storage.migrate import current_revision, head_revision, upgrade

log = logging.getLogger("partnerops")

TEAMS_PACKAGE = "partnerops-teams.zip"
PROGRESS_SECONDS = 5.0


class CommandUsageError(Exception):
    """The operator asked for something that cannot be done as asked."""


def export_entities() -> list[str]:
    return sorted(EXPORTERS)


def run_server(settings: Settings) -> None:
    application = build_application(settings)
    app = create_web_app(application)
    log.info("PartnerOps listening on port %s (public URL %s)", settings.port, settings.public_url)
    web.run_app(app, port=settings.port, print=None, access_log=None,
                handle_signals=True)


def _parse_instant(value: str | None) -> datetime:
    """An --at value: ISO 8601, UTC when it names no offset; now when absent."""
    if not value:
        return datetime.now(UTC)
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise CommandUsageError(f"--at wants an ISO 8601 instant such as 2026-12-01T09:00, "
                                f"not {value!r}") from None
    return instant.astimezone(UTC) if instant.tzinfo else instant.replace(tzinfo=UTC)


async def run_console(settings: Settings, *, user: str, start: str | None) -> None:
    clock = SimulatedClock(_parse_instant(start))
    application = build_application(settings, clock=clock)
    try:
        await ensure_schema(application)
        console = ConsolePlatform(dispatcher=application.dispatcher, clock=clock, user=user,
                                  command_prefix=settings.command_prefix,
                                  default_timezone=settings.timezone,
                                  stdin=sys.stdin, stdout=sys.stdout,
                                  on_time_change=FollowTime(application.services, clock.now()))
        application.add_platform(Platform.CONSOLE, console.outbox, channels=console.channels)
        await console.run()
    finally:
        await application.close()


async def database_command(settings: Settings, action: str) -> None:
    database = Database.from_url(settings.database_url)
    try:
        if action == "upgrade":
            before = await current_revision(database)
            await upgrade(database)
            after = await current_revision(database)
            print(f"database at revision {after}" + ("" if before == after
                                                      else f" (was {before or 'empty'})"))
        else:
            current = await current_revision(database)
            print(f"{current or 'empty'} (this version needs {head_revision()})")
    finally:
        await database.dispose()


async def export(settings: Settings, entity: str, output_format: str, out: TextIO) -> None:
    """Read-only: a mistyped DATABASE_URL must not create (and export) an empty database."""
    _require_existing_sqlite_file(settings.database_url)
    database = Database.from_url(settings.database_url)
    try:
        await _require_current_schema(database)
        async with database.session() as session:
            rows = await EXPORTERS[entity](session)
    finally:
        await database.dispose()
    if output_format == "json":
        json.dump(rows, out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        columns = list(rows[0]) if rows else []
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        if columns:
            writer.writeheader()
            writer.writerows(rows)
    out.flush()
    print(f"exported {len(rows)} {entity}", file=sys.stderr)


async def _require_current_schema(database: Database) -> None:
    current, head = await current_revision(database), head_revision()
    if current != head:
        raise CommandUsageError(f"the database is at revision {current or 'none'}, this "
                                f"version needs {head}: run `partnerops db upgrade` first")


class _ClockFrom:
    """Reads `start` now and runs at real speed, so claims a long run makes are never older
    than they look to another process (which would release them as abandoned)."""

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
    instant = _parse_instant(at)
    started = datetime.now(UTC)  # ledger claims carry wall-clock time
    _require_existing_sqlite_file(settings.database_url)
    application = build_application(settings, clock=_ClockFrom(instant))
    slack = None
    try:
        await _require_current_schema(application.database)
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


def _require_existing_sqlite_file(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") \
            and not Path(parsed.database).exists():
        raise CommandUsageError(f"there is no database at {parsed.database}; check DATABASE_URL")


def print_manifest(settings: Settings, platform: str, out: TextIO) -> None:
    if platform == "teams":
        _write_teams_package(settings, out)
        return
    registry = build_registry()
    commands = [
        SlashCommand(
            name=command_label(Platform.SLACK, spec.name, settings.command_prefix).lstrip("/"),
            description=spec.summary,
            usage_hint=" | ".join(sub.usage for sub in spec.every_usage() if sub.usage)
            or "help",
        )
        for spec in registry.commands if spec.slash_command
    ]
    manifest = slack_manifest(public_url=settings.public_url, commands=commands,
                              socket_mode=settings.slack_socket_mode)
    yaml.safe_dump(manifest, out, sort_keys=False, allow_unicode=True)


def _write_teams_package(settings: Settings, out: TextIO) -> None:
    path = Path(TEAMS_PACKAGE)
    if not settings.microsoft_app_id:
        raise CommandUsageError("set MICROSOFT_APP_ID (the bot's Azure app id) first: the "
                                "Teams package names the bot by it")
    registry = build_registry()
    commands = [TeamsCommand(spec.name, spec.summary) for spec in registry.commands]
    manifest = teams_manifest(app_id=settings.microsoft_app_id, public_url=settings.public_url,
                              commands=commands, version=version("partnerops"))
    path.write_bytes(teams_package(manifest))
    print(f"wrote {path} (upload it in Teams: Apps > Manage your apps > Upload an app)",
          file=out)
