"""`partnerops`: run the server, the console, migrations, exports and manifests."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from importlib import metadata

from pydantic import ValidationError

from bot import logs, operations
from bot.settings import Settings
from storage.engine import database_problem

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments or configuration: exit code 2 and a clear message."""


def _console_user(typed: str) -> str:
    """`--as`: a user name by the rule `:as` follows in the console (never an empty one)."""
    from bot.platforms.console.parsing import ConsoleInputError, parse_user

    try:
        return parse_user(typed, "--as bob")
    except ConsoleInputError as error:
        raise argparse.ArgumentTypeError(error.as_text()) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="partnerops",
        description="PartnerOps: the partner channel's routine, in Slack and Microsoft Teams.",
    )
    parser.add_argument("--version", action="version",
                        version=f"partnerops {metadata.version('partnerops')}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("run", help="serve Slack, Teams and /healthz (the Procfile's web process)")

    console = sub.add_parser("console", help="an offline chat console with a simulated clock")
    console.add_argument("--as", dest="user", default="ana", type=_console_user,
                         help="who you are (default: ana)")
    console.add_argument("--db", dest="database_url", help="database URL (default: DATABASE_URL)")
    console.add_argument("--at", dest="start", help="start the simulated clock at this ISO 8601 "
                                                    "instant (default: now)")

    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="apply every migration (Alembic)")
    db_sub.add_parser("current", help="print the schema revision of the database")

    jobs = sub.add_parser("jobs", help="scheduled work, run by hand or from cron")
    jobs_sub = jobs.add_subparsers(dest="job", required=True, metavar="JOB")
    run_due = jobs_sub.add_parser("run-due", help="send every prompt, reminder and close "
                                                  "update due up to an instant, exactly once")
    run_due.add_argument("--at", help="ISO 8601 instant; no offset = UTC "
                                      "(default: now), e.g. 2026-12-01T09:00")

    export = sub.add_parser("export", help="write every row of an entity to stdout")
    export.add_argument("entity", choices=operations.export_entities(), metavar="ENTITY",
                        help="one of: " + ", ".join(operations.export_entities()))
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--workspace", metavar="ID",
                        help="only this workspace's rows (its Slack team id or Teams tenant "
                             "id); default: every workspace, each row naming its own")

    manifest = sub.add_parser("manifest", help="the Slack app manifest / the Teams app package")
    manifest.add_argument("platform", choices=("slack", "teams"), metavar="PLATFORM",
                          help="slack: YAML on stdout; teams: writes partnerops-teams.zip here")
    manifest.add_argument("--out", metavar="PATH",
                          help="write to this file (teams: the zip; a folder gets "
                               "partnerops-teams.zip inside; slack: the YAML instead of stdout)")
    return parser


# Settings a command-line flag can give instead of the environment, and that flag.
FLAGS = {"database_url": "--db"}


def _settings(overrides: dict[str, str]) -> Settings:
    """The configuration; a bad value is blamed on where it came from (a flag or a variable)."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        def source(location: tuple[int | str, ...]) -> str:
            field = str(location[0]).lower() if location else ""
            if field in overrides:
                return FLAGS.get(field, field)
            return "/".join(str(part) for part in location).upper()

        problems = "; ".join(f"{source(item['loc'])}: {item['msg']}" for item in error.errors())
        raise UsageError(f"invalid configuration: {problems}") from error


def _database_failure(error: Exception, settings: Settings | None,
                      overrides: dict[str, str]) -> int | None:
    """Say in one line why the database could not be used, and return the exit code: 2 when
    the setup is wrong, 1 when the database is away. None when `error` is about something
    else."""
    if settings is None:
        return None
    problem = database_problem(error, settings.database_url)
    if problem is None:
        return None
    source = FLAGS["database_url"] if "database_url" in overrides else "DATABASE_URL"
    print(f"partnerops: {problem.text} (check {source})", file=sys.stderr)
    return EXIT_USAGE if problem.setup else EXIT_FAILURE


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.command == "run" else logging.WARNING,
                        handlers=[logs.OwnHandler()])
    # APScheduler logs every job it adds and runs; our scheduler says what matters.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # Alembic 1.17 announces each of its plugins at INFO before every upgrade.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    overrides = {"database_url": args.database_url} if getattr(
        args, "database_url", None) else {}
    settings: Settings | None = None
    try:
        settings = _settings(overrides)
        logs.use_format(settings.log_format, settings.secret_values())
        # Each command imports what it needs: `db` and `export` start without Slack or Teams.
        match args.command:
            case "run":
                from bot.serve import run_server

                run_server(settings)
            case "console":
                from bot.serve import run_console

                asyncio.run(run_console(settings, user=args.user, start=args.start))
            case "jobs":
                from bot.jobs import jobs_run_due

                report = asyncio.run(jobs_run_due(settings, args.at, sys.stdout, sys.stderr))
                if report.failures or report.broken:
                    return EXIT_FAILURE
            case "db":
                asyncio.run(operations.database_command(settings, args.db_command))
            case "export":
                asyncio.run(operations.export(settings, args.entity, args.format, sys.stdout,
                                              workspace=args.workspace))
            case "manifest":
                from bot.manifests import print_manifest

                print_manifest(settings, args.platform, sys.stdout, path=args.out,
                               errors=sys.stderr)
    except (UsageError, operations.CommandUsageError) as error:
        print(f"partnerops: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_OK
    except Exception as error:
        logging.getLogger("partnerops").debug("command failed", exc_info=True)
        code = None if args.command == "manifest" else _database_failure(
            error, settings, overrides)
        if code is not None:
            return code
        print(f"partnerops: {error}", file=sys.stderr)
        return EXIT_FAILURE
    return EXIT_OK
