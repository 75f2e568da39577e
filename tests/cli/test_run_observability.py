"""`partnerops run` with LOG_FORMAT=json, as a deploy runs it: every line it writes is one
JSON object, a request's lines carry its id, workspace, platform, command and latency, and
no configured secret appears anywhere, in the log or at /metrics."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.cli.test_run import start_server
from tests.fakes import FakeBotConnector, FakeSlackApi, teams_activities
from tests.fakes.slack_requests import sign, slash_command

SECRETS = {
    "SLACK_BOT_TOKEN": "xoxb-canary-bot-token-0001",
    "SLACK_SIGNING_SECRET": "canary-signing-secret-0002",
    "SLACK_CLIENT_SECRET": "canary-client-secret-0003",
    "MICROSOFT_APP_PASSWORD": "canary-app-password-0004",
    "PARTNEROPS_SECRET_KEY": "canary-secret-key-0005",
}


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackApi]:
    async with FakeSlackApi() as fake:
        fake.add_user("U0001", name="ana", email="ana@acme.test")
        yield fake


async def test_json_lines_carry_the_request_and_no_secret_appears(tmp_path: Path,
                                                                  slack: FakeSlackApi):
    server = await start_server(tmp_path, LOG_FORMAT="json", SLACK_API_URL=slack.url,
                                **SECRETS)
    try:
        body = slash_command("/elephant", "Quokka pricing undercuts our VARs",
                             response_url=slack.response_url())
        headers = {**sign(body, SECRETS["SLACK_SIGNING_SECRET"]), "X-Request-Id": "deploy-1"}
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{server.url}/slack/events", data=body,
                                    headers=headers) as answer:
                assert answer.status == 200
                assert answer.headers["X-Request-Id"] == "deploy-1"
            await slack.wait_for("response_url", timeout=15)
            async with FakeBotConnector() as connector:
                activity = teams_activities.message("help", service_url=connector.url)
                async with session.post(f"{server.url}/api/messages",
                                        data=json.dumps(activity),
                                        headers={"Content-Type": "application/json"}) as answer:
                    assert answer.status == 200
                await connector.wait_for("reply")
            async with session.get(f"{server.url}/metrics") as answer:
                metrics = await answer.text()
    finally:
        output = await server.stop()
    assert server.process.returncode == 0
    # The token was used for real (Slack received it), and is written nowhere.
    assert any(SECRETS["SLACK_BOT_TOKEN"] in str(call.headers) for call in slack.calls)
    for name, secret in SECRETS.items():
        assert secret not in output, name
        assert secret not in metrics, name
    assert "Quokka" not in output  # what people write is not logged at INFO
    assert "[redacted]" not in output  # nothing even tried to write one

    lines = [json.loads(line) for line in output.splitlines() if line.strip()]
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    mine = [line for line in lines if line.get("request_id") == "deploy-1"]
    [access] = [line for line in mine if line["logger"] == "partnerops.http"]
    assert {key: access[key] for key in ("method", "route", "http_status", "platform",
                                         "workspace", "command")} == {
        "method": "POST", "route": "/slack/events", "http_status": 200, "platform": "slack",
        "workspace": "T0001", "command": "/elephant"}
    [handled] = [line for line in mine if line["logger"] == "partnerops.requests"]
    assert {key: handled[key] for key in ("platform", "workspace", "kind", "command",
                                          "status")} == {
        "platform": "slack", "workspace": "T0001", "kind": "command",
        "command": "elephant", "status": "ok"}
    assert access["latency_ms"] >= 0 and handled["latency_ms"] >= 0
    [teams] = [line for line in lines if line["logger"] == "partnerops.requests"
               and line["platform"] == "teams"]
    assert (teams["workspace"], teams["command"], len(teams["request_id"])) == (
        "tenant-1", "help", 32)
    scraped = {sample.name for family in text_string_to_metric_families(metrics)
               for sample in family.samples}
    assert {"partnerops_requests_total", "partnerops_ack_latency_seconds_count",
            "partnerops_scheduler_role"} <= scraped
