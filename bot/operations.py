"""What each `partnerops` subcommand does, once its arguments are parsed."""

from __future__ import annotations

import csv
import json
import logging
import sys
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import TextIO

import yaml
from aiohttp import web
from sqlalchemy.engine import make_url

from bot.app import build_application
from bot.core.clock import SimulatedClock
from bot.core.conversation import Platform
from bot.platforms.console import ConsolePlatform
from bot.platforms.slack.manifest import SlashCommand, slack_manifest
from bot.platforms.teams.manifest import TeamsCommand, teams_manifest, teams_package
from bot.settings import Settings
from bot.web import create_web_app, ensure_schema
from handlers.help import command_label
from handlers.registry import build_registry
from storage.engine import Database
from storage.export import EXPORTERS
from storage.migrate import current_revision, head_revision, upgrade

log = logging.getLogger("partnerops")

TEAMS_PACKAGE = "partnerops-teams.zip"


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


def _parse_start(start: str | None) -> datetime:
    if not start:
        return datetime.now(UTC)
    try:
        instant = datetime.fromisoformat(start)
    except ValueError:
        raise CommandUsageError(f"--at wants an ISO 8601 instant such as 2026-12-01T09:00, "
                                f"not {start!r}") from None
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


async def run_console(settings: Settings, *, user: str, start: str | None) -> None:
    clock = SimulatedClock(_parse_start(start))
    application = build_application(settings, clock=clock)
    try:
        await ensure_schema(application)
        console = ConsolePlatform(dispatcher=application.dispatcher, clock=clock, user=user,
                                  command_prefix=settings.command_prefix,
                                  default_timezone=settings.timezone,
                                  stdin=sys.stdin, stdout=sys.stdout)
        application.add_platform(Platform.CONSOLE, console.outbox)
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
        current, head = await current_revision(database), head_revision()
        if current != head:
            raise CommandUsageError(f"the database is at revision {current or 'none'}, this "
                                    f"version needs {head}: run `partnerops db upgrade` first")
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
