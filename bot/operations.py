"""`partnerops db` and `export`, and what every command shares (instants, usage errors)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

from bot.core.words import counted
from bot.settings import Settings
from storage.common import workspaces
from storage.engine import Database, sqlite_file
from storage.migrate import current_revision, head_revision, out_of_date, upgrade

log = logging.getLogger("partnerops")


class CommandUsageError(Exception):
    """The operator asked for something that cannot be done as asked."""


def export_entities() -> list[str]:
    from handlers.registry import build_registry  # only the commands that need it pay for it

    return sorted(build_registry().exporters)


def parse_instant(value: str | None) -> datetime:
    """An --at value: ISO 8601, UTC when it names no offset; now when absent."""
    if not value:
        return datetime.now(UTC)
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise CommandUsageError(f"--at wants an ISO 8601 instant such as 2026-12-01T09:00, "
                                f"not {value!r}") from None
    return instant.astimezone(UTC) if instant.tzinfo else instant.replace(tzinfo=UTC)


async def database_command(settings: Settings, action: str) -> None:
    if action != "upgrade":  # read-only: never creates the database it was to read
        require_existing_sqlite_file(settings.database_url)
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


async def export(settings: Settings, entity: str, output_format: str, out: TextIO, *,
                 workspace: str | None = None) -> None:
    """Every row of `entity`, of every workspace or of the one named by its platform id.

    Read-only: a mistyped DATABASE_URL must not create (and export) an empty database.
    """
    from handlers.registry import build_registry

    require_existing_sqlite_file(settings.database_url)
    spec = build_registry().exporters[entity]
    database = Database.from_url(settings.database_url)
    try:
        await require_current_schema(database)
        async with database.session() as session:
            workspace_id = None
            if workspace is not None:
                found = await workspaces.with_external_id(session, workspace)
                if not found:
                    raise CommandUsageError(f"no workspace is called {workspace!r}")
                workspace_id = found
            rows = await spec.rows(session, workspace_id)
    finally:
        await database.dispose()
    if output_format == "json":
        json.dump(rows, out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:  # the header even with no rows: a consumer knows the columns it gets
        out.write(spec.csv(rows))
    out.flush()
    print(f"exported {counted(len(rows), 'row')} of {entity}", file=sys.stderr)


def require_existing_sqlite_file(url: str) -> None:
    file = sqlite_file(url)
    if file is not None and not file.exists():
        raise CommandUsageError(f"there is no database at {file}: check DATABASE_URL "
                                "(`partnerops db upgrade` creates one)")


async def require_current_schema(database: Database) -> None:
    if (problem := await out_of_date(database)) is not None:
        raise CommandUsageError(problem)
