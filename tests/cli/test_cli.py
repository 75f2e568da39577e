"""The `partnerops` command as an operator runs it: real exit codes, output and files.

Through `main(argv)` in this process, plus one real process per command (smoke tests).
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from storage.common import people, workspaces
from storage.elephants import repository as elephants
from storage.engine import Database
from storage.migrate import head_revision, upgrade
from tests.cli.invoke import Result, as_process, in_process

DATABASE = "cli.db"


@pytest.fixture
def migrated(tmp_path: Path, sqlite_template: Path) -> Path:
    """The CLI's database, already at head (migrating one costs seconds a test)."""
    shutil.copyfile(sqlite_template, tmp_path / DATABASE)
    return tmp_path / DATABASE


def partnerops(tmp_path: Path, *args: str, **env: str) -> Result:
    return in_process(tmp_path, DATABASE, *args, **env)


def _seed(tmp_path: Path) -> None:
    async def seed() -> None:
        database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
        await upgrade(database)  # at head already when copied from the template
        now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        async with database.session() as session:
            team = await workspaces.for_external_id(session, "slack", "T0001", now=now)
            ana, _ = await people.get_or_create(session, team.id or 0, "slack", "U1", now=now,
                                                display_name="Ana")
            await elephants.create(session, workspace_id=team.id or 0,
                                   title='Reps hide the forecast, "again"',
                                   description="Line one\nline two", platform="slack",
                                   reporter_id=ana.id, now=now)
        await database.dispose()

    asyncio.run(seed())


def test_db_upgrade_then_current(tmp_path: Path):
    head = head_revision()
    first = partnerops(tmp_path, "db", "upgrade")
    assert first.returncode == 0, first.stderr
    assert f"revision {head} (was empty)" in first.stdout
    again = partnerops(tmp_path, "db", "upgrade")
    assert again.stdout.strip() == f"database at revision {head}"
    assert partnerops(tmp_path, "db", "current").stdout.startswith(head)


def test_export_json_and_csv(tmp_path: Path, migrated: Path):
    _seed(tmp_path)
    as_json = partnerops(tmp_path, "export", "elephants", "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    [row] = json.loads(as_json.stdout)
    assert row["id"] == "E-1" and row["reporter"] == "Ana" and row["workspace"] == "T0001"
    assert "exported 1 row of elephants" in as_json.stderr

    as_csv = partnerops(tmp_path, "export", "elephants", "--format", "csv")
    [csv_row] = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert csv_row["title"] == 'Reps hide the forecast, "again"'
    assert csv_row["description"] == "Line one\nline two"


def test_export_of_one_workspace(tmp_path: Path, migrated: Path):
    _seed(tmp_path)
    mine = partnerops(tmp_path, "export", "elephants", "--format", "json", "--workspace", "T0001")
    assert mine.returncode == 0, mine.stderr
    assert [row["id"] for row in json.loads(mine.stdout)] == ["E-1"]
    unknown = partnerops(tmp_path, "export", "elephants", "--workspace", "T9999")
    assert unknown.returncode == 2 and "no workspace is called 'T9999'" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_export_of_an_empty_table_is_valid(tmp_path: Path, migrated: Path):
    assert partnerops(tmp_path, "db", "upgrade").returncode == 0
    result = partnerops(tmp_path, "export", "partners", "--format", "json")
    assert result.returncode == 0 and json.loads(result.stdout) == []
    as_csv = partnerops(tmp_path, "export", "cadences", "--format", "csv")
    assert as_csv.returncode == 0
    assert as_csv.stdout.splitlines() == [  # the header alone: the columns are known
        "id,workspace,name,kind,platform,report_channel,participant_channel,participants,"
        "schedule,days,local_time,close_time,timezone,reminder_minutes,skip_weekends,holiday_country,"
        "questions,partners,paused,created_at"]


def test_version(tmp_path: Path):
    result = partnerops(tmp_path, "--version")
    assert result.returncode == 0 and result.stdout.startswith("partnerops 0.")


def test_export_never_creates_a_database(tmp_path: Path):
    result = partnerops(tmp_path, "export", "elephants",
                        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'typo.db'}")
    assert result.returncode == 2 and "no database at" in result.stderr
    assert not (tmp_path / "typo.db").exists()


@pytest.mark.parametrize("url", ["mysql://root@localhost/x", "sqlite:///sync.db", "not a url"])
def test_a_database_url_without_an_async_driver_is_a_usage_error(tmp_path: Path, url: str):
    result = partnerops(tmp_path, "db", "current", DATABASE_URL=url)
    assert result.returncode == 2 and "DATABASE_URL" in result.stderr


@pytest.mark.parametrize("args", [(), ("export",), ("export", "unicorns"),
                                  ("export", "people", "--format", "xml"), ("frobnicate",),
                                  ("manifest", "fax")])
def test_usage_errors_exit_2_with_a_message(tmp_path: Path, args: tuple[str, ...]):
    result = partnerops(tmp_path, *args)
    assert result.returncode == 2
    assert result.stderr.strip() and "Traceback" not in result.stderr


@pytest.mark.parametrize(("name", "why"), [
    ("", "Say who to be: a name. Example: --as bob"),
    ('""', "Say who to be: a name. Example: --as bob"),
    ("two words", "'two words' is not a user name I can use: one word of letters, digits, "
                  "'.', '-', '_' or apostrophes. Example: --as bob"),
])
def test_console_refuses_the_names_as_refuses(tmp_path: Path, name: str, why: str):
    result = partnerops(tmp_path, "console", "--as", name)
    assert result.returncode == 2
    assert result.stderr.strip().endswith(f"argument --as: {why}")
    assert not (tmp_path / DATABASE).exists()  # refused before anything was opened


@pytest.mark.parametrize(("name", "user"), [("o'brien", "o'brien"), ("O\u2019Brien", "o'brien"),
                                            ("Éva", "éva")])
def test_console_takes_the_names_as_takes(tmp_path: Path, migrated: Path,
                                          monkeypatch: pytest.MonkeyPatch,
                                           name: str, user: str):
    monkeypatch.setattr("sys.stdin", io.StringIO(":dm\n"))
    result = partnerops(tmp_path, "console", "--as", name)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"* {user} is now in a direct conversation with the bot (dm-{user}).\n"


def test_bad_configuration_is_a_usage_error_naming_the_variable(tmp_path: Path):
    result = partnerops(tmp_path, "db", "current", PARTNEROPS_TIMEZONE="Mars/Olympus")
    assert result.returncode == 2
    assert "PARTNEROPS_TIMEZONE" in result.stderr and "Mars/Olympus" in result.stderr


def test_slack_manifest_matches_prefix_and_public_url(tmp_path: Path):
    result = partnerops(tmp_path, "manifest", "slack", PARTNEROPS_COMMAND_PREFIX="pp-",
                        PUBLIC_URL="https://bot.acme.test/")
    assert result.returncode == 0, result.stderr
    manifest = yaml.safe_load(result.stdout)
    commands = {entry["command"]: entry for entry in manifest["features"]["slash_commands"]}
    assert {"/pp-elephant", "/pp-partnerops"} <= set(commands)
    assert all(entry["url"] == "https://bot.acme.test/slack/events" and entry["should_escape"]
               for entry in commands.values())
    assert manifest["settings"]["interactivity"]["request_url"] == \
        "https://bot.acme.test/slack/events"
    # Long menus (partners past 100) ask for their options at the same URL.
    assert manifest["settings"]["interactivity"]["message_menu_options_url"] == \
        "https://bot.acme.test/slack/events"
    assert "commands" in manifest["oauth_config"]["scopes"]["bot"]
    assert manifest["settings"]["socket_mode_enabled"] is False
    assert "warning" not in result.stderr  # a public https URL Slack can reach


def test_manifest_in_socket_mode_has_no_request_urls(tmp_path: Path):
    # The app-level token alone: the manifest is pasted before the app has a bot token.
    result = partnerops(tmp_path, "manifest", "slack", SLACK_APP_TOKEN="xapp-1")
    manifest = yaml.safe_load(result.stdout)
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in manifest["settings"]["interactivity"]
    assert "request_url" not in manifest["settings"]["event_subscriptions"]
    assert all("url" not in entry for entry in manifest["features"]["slash_commands"])
    assert "warning" not in result.stderr  # Socket Mode needs no URL


@pytest.mark.parametrize("public_url", ["http://localhost:3978", "http://127.0.0.1:8080",
                                        "http://bot.acme.test"])
def test_a_manifest_slack_could_not_reach_says_so(tmp_path: Path, public_url: str):
    result = partnerops(tmp_path, "manifest", "slack", PUBLIC_URL=public_url)
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load(result.stdout)["settings"]["socket_mode_enabled"] is False
    assert result.stderr.startswith("warning:") and "PUBLIC_URL" in result.stderr \
        and "SLACK_APP_TOKEN" in result.stderr and public_url in result.stderr


def test_teams_package_has_the_manifest_and_both_icons(tmp_path: Path):
    app_id = "6f1f8a8e-1c1b-4b7e-9a39-1f2f0e9d5c11"
    result = partnerops(tmp_path, "manifest", "teams", MICROSOFT_APP_ID=app_id,
                        MICROSOFT_APP_PASSWORD="secret", PUBLIC_URL="https://bot.acme.test")
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "partnerops-teams.zip") as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(package.read("manifest.json"))
        assert package.read("color.png").startswith(b"\x89PNG")
    assert manifest["id"] == manifest["bots"][0]["botId"] == app_id
    assert manifest["validDomains"] == ["bot.acme.test"]
    titles = {c["title"] for c in manifest["bots"][0]["commandLists"][0]["commands"]}
    assert {"elephant", "partnerops", "help"} <= titles


def test_teams_package_needs_the_app_id(tmp_path: Path):
    result = partnerops(tmp_path, "manifest", "teams")
    assert result.returncode == 2 and "MICROSOFT_APP_ID" in result.stderr
    assert not (tmp_path / "partnerops-teams.zip").exists()


@pytest.mark.heavy
def test_each_command_runs_as_a_real_process(tmp_path: Path):
    """`python -m bot` itself: the entry point, exit codes and streams of a real process."""
    upgraded = as_process(tmp_path, DATABASE, "db", "upgrade")
    assert upgraded.returncode == 0 and "revision" in upgraded.stdout, upgraded.stderr
    _seed(tmp_path)
    exported = as_process(tmp_path, DATABASE, "export", "elephants", "--format", "json")
    assert exported.returncode == 0 and json.loads(exported.stdout)[0]["id"] == "E-1"
    # (`manifest` runs through main() in the tests above: each process costs seconds.)
    console = as_process(tmp_path, DATABASE, "console", "--as", "cora",
                         typed="partnerops whoami\n:quit\n")
    assert console.returncode == 0, console.stderr
    assert "Who you are to PartnerOps" in console.stdout and "Cora" in console.stdout
