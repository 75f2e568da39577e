"""The Teams variables are checked before anything starts: every command refuses a bad app
id, an unknown app type, or a type without what it needs (exit 2, naming the variable)."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp
import pytest
from pydantic import ValidationError

from bot.settings import Settings
from tests.cli.invoke import as_process, in_process
from tests.cli.test_run import start_server
from tests.fakes import FakeBotConnector, teams_activities

APP_ID = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
PASSWORD = "hunter2-very-secret"


def test_run_refuses_an_app_id_that_is_not_a_guid(tmp_path: Path):
    result = as_process(tmp_path, "run.db", "run", MICROSOFT_APP_ID="not-a-guid",
                        MICROSOFT_APP_PASSWORD=PASSWORD)
    assert result.returncode == 2, result.stderr
    assert "MICROSOFT_APP_ID" in result.stderr and "'not-a-guid' is not an app id" \
        in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "run.db").exists()  # refused before the database was opened


@pytest.mark.parametrize(("env", "says"), [
    ({"MICROSOFT_APP_ID": "not-a-guid", "MICROSOFT_APP_PASSWORD": PASSWORD},
     "MICROSOFT_APP_ID: Value error, 'not-a-guid' is not an app id"),
    ({"MICROSOFT_APP_ID": APP_ID},
     "the app type is MultiTenant, which needs MICROSOFT_APP_PASSWORD"),
    ({"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_TYPE": "SingleTenant",
      "MICROSOFT_APP_TENANT_ID": TENANT},
     "the app type is SingleTenant, which needs MICROSOFT_APP_PASSWORD"),
    ({"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_TYPE": "SingleTenant",
      "MICROSOFT_APP_PASSWORD": PASSWORD},
     "the app type is SingleTenant, which needs MICROSOFT_APP_TENANT_ID"),
    ({"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_TYPE": "UserAssignedMSI"},
     "the app type is UserAssignedMSI, which needs MICROSOFT_APP_TENANT_ID"),
    ({"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_TYPE": "UserAssignedMSI",
      "MICROSOFT_APP_TENANT_ID": TENANT, "MICROSOFT_APP_PASSWORD": PASSWORD},
     "unset MICROSOFT_APP_PASSWORD"),
    ({"MICROSOFT_APP_TYPE": "MultiTenantish"},
     "unknown app type 'MultiTenantish': use one of MultiTenant, SingleTenant, "
     "UserAssignedMSI"),
])
def test_every_command_refuses_a_bad_teams_configuration(tmp_path: Path, env: dict[str, str],
                                                         says: str):
    result = in_process(tmp_path, "cli.db", "db", "current", **env)
    assert result.returncode == 2
    assert says in result.stderr, result.stderr
    assert PASSWORD not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(("env", "app_type"), [
    ({}, "MultiTenant"),  # local mode: no app id, nothing else needed
    ({"MICROSOFT_APP_TYPE": ""}, "MultiTenant"),
    ({"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": PASSWORD}, "MultiTenant"),
    ({"MICROSOFT_APP_ID": f" {APP_ID.upper()} ", "MICROSOFT_APP_PASSWORD": PASSWORD,
      "MICROSOFT_APP_TYPE": "singletenant", "MICROSOFT_APP_TENANT_ID": TENANT},
     "SingleTenant"),
    ({"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_TYPE": "UserAssignedMSI",
      "MICROSOFT_APP_TENANT_ID": TENANT}, "UserAssignedMSI"),
])
def test_good_teams_configurations_are_taken_as_azure_spells_them(
        monkeypatch: pytest.MonkeyPatch, env: dict[str, str], app_type: str):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)
    assert settings.microsoft_app_type == app_type
    assert settings.microsoft_app_id == env.get("MICROSOFT_APP_ID", "").strip()


def test_the_refusal_never_shows_the_password(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MICROSOFT_APP_ID", APP_ID)
    monkeypatch.setenv("MICROSOFT_APP_TYPE", "UserAssignedMSI")
    monkeypatch.setenv("MICROSOFT_APP_TENANT_ID", TENANT)
    monkeypatch.setenv("MICROSOFT_APP_PASSWORD", PASSWORD)
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None)
    assert PASSWORD not in str(refused.value)


@pytest.mark.parametrize(("app_type", "env"), [
    ("SingleTenant", {"MICROSOFT_APP_PASSWORD": PASSWORD, "MICROSOFT_APP_TENANT_ID": TENANT}),
    ("UserAssignedMSI", {"MICROSOFT_APP_TENANT_ID": TENANT}),
])
async def test_with_an_app_id_the_served_bot_refuses_unsigned_requests(
        tmp_path: Path, app_type: str, env: dict[str, str]):
    """`partnerops run` as deployed: Bot Framework's JWT is required (no request reaches
    Microsoft: without a token, or with one that is not a JWT, botbuilder refuses unread)."""
    server = await start_server(tmp_path, MICROSOFT_APP_ID=APP_ID, MICROSOFT_APP_TYPE=app_type,
                                **env)
    try:
        async with FakeBotConnector() as connector, aiohttp.ClientSession() as session:
            activity = json.dumps(teams_activities.message("help", service_url=connector.url))
            for authorization in ("", "Bearer not-a-jwt"):
                headers = {"Content-Type": "application/json"}
                if authorization:
                    headers["Authorization"] = authorization
                async with session.post(f"{server.url}/api/messages", data=activity,
                                        headers=headers) as answer:
                    assert answer.status == 401, await answer.text()
            assert connector.calls == []
    finally:
        output = await server.stop()
    assert f"only requests signed by Bot Framework for app {APP_ID}" in output
    assert f"signs in as a {app_type} app" in output
    assert "Traceback" not in output and PASSWORD not in output
