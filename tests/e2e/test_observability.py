"""What operators see of a running bot, over real HTTP: `/metrics` counting what happened
(commands, acks, deliveries, retries, the scheduler's role), and log lines that carry each
request's context but never an anonymous reporter, nor at INFO what anybody wrote."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.core.clock import SimulatedClock
from bot.logs import JsonFormatter, OwnHandler
from schedules.run_due import run_due
from storage.engine import Database
from tests.e2e.conftest import DATABASE_FILE, RunningBot, bot_settings, start_bot
from tests.e2e.test_crash_recovery import MONDAY_0800_UTC, slack_team
from tests.e2e.test_elephant_anonymity import REPORT, SLACK_CAROL, TEAMS_CAROL
from tests.fakes import FakeBotConnector, FakeSlackApi, teams_activities
from tests.fakes.slack_modal import fill
from tests.fakes.slack_requests import slash_command, view_submission
from tests.fakes.teams_activities import CHANNEL_ID
from tests.fakes.teams_forms import card_of, submit_value

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(bot: RunningBot) -> Samples:
    response = await bot.client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(await response.text())
            for sample in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_metrics_count_commands_acks_deliveries_retries_and_the_scheduler(
        bot: RunningBot, tmp_path: Path):
    # A standup of three, due at 09:00 Berlin.
    await slack_team(Database.from_url(f"sqlite+aiosqlite:///{tmp_path / DATABASE_FILE}"),
                     people=3)
    before = await scrape(bot)
    assert value(before, "partnerops_scheduler_role", role="leader") == 1  # SQLite leads
    assert value(before, "partnerops_scheduler_role", role="standby") == 0

    for n in range(2):
        response = await bot.slack_post(slash_command(
            "/elephant", f"Direct reps keep forecast {n} from our VARs",
            response_url=bot.slack.response_url(f"e{n}")))
        assert response.status == 200
    await bot.slack_post(slash_command("/partner", "frobnicate",
                                       response_url=bot.slack.response_url("bad")))
    await bot.slack.wait_for("response_url", count=3)
    refused = await bot.slack_post(slash_command(
        "/elephant", "forged", response_url=bot.slack.response_url("x")), secret="not-it")
    assert refused.status == 401
    bot.connector.fail_next("reply", status=429, retry_after=0)
    await bot.teams_post(teams_activities.message("help", service_url=bot.connector.url))
    await bot.connector.wait_for("reply")

    # Timed messages through the ledger, the first post refused once with a 429.
    bot.slack.fail_next("chat.postMessage", status=429, retry_after=0)
    bot.application.clock.set(MONDAY_0800_UTC)  # type: ignore[attr-defined]
    await run_due(bot.application.services, MONDAY_0800_UTC)

    after = await scrape(bot)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("partnerops_requests_total", platform="slack", kind="command",
                command="elephant", status="ok") == 2
    assert grew("partnerops_requests_total", platform="slack", kind="command",
                command="unknown", status="user_error") == 1  # what was typed is no label
    assert grew("partnerops_requests_total", platform="teams", kind="command",
                command="help", status="ok") == 1
    assert grew("partnerops_request_duration_seconds_count", platform="slack",
                kind="command") == 3
    assert grew("partnerops_http_requests_total", route="/slack/events", method="POST",
                code="200") == 3
    assert grew("partnerops_http_requests_total", route="/slack/events", method="POST",
                code="401") == 1
    assert grew("partnerops_ack_latency_seconds_count", platform="slack") == 4
    assert grew("partnerops_ack_latency_seconds_count", platform="teams") == 1
    assert grew("partnerops_ack_latency_seconds_bucket", platform="slack", le="3.0") == 4
    assert grew("partnerops_deliveries_total", feature="cadences", kind="prompt",
                status="sent") == 3
    assert grew("partnerops_retries_total", platform="slack", reason="rate_limited") == 1
    assert grew("partnerops_retries_total", platform="teams", reason="rate_limited") == 1
    # The scrape before this one was counted too; the scrapes' own lines stay quiet.
    assert grew("partnerops_http_requests_total", route="/metrics", method="GET",
                code="200") == 1
    assert not [name for name, _ in after if name.endswith("_created")]  # no doubled series


async def test_a_request_id_is_taken_from_the_caller_or_made_and_sent_back(bot: RunningBot):
    mine = await bot.client.get("/healthz", headers={"X-Request-Id": "lb-7f3a"})
    assert mine.headers["X-Request-Id"] == "lb-7f3a"
    forged = await bot.client.get("/healthz", headers={"X-Request-Id": "x\" injected=1"})
    made = forged.headers["X-Request-Id"]
    assert len(made) == 32 and made != (await bot.client.get("/healthz")).headers[
        "X-Request-Id"]


@dataclass
class Lines:
    """Every line the bot logged at DEBUG and up, as the JSON it was written as."""

    buffer: io.StringIO

    def all(self) -> list[dict]:
        return [json.loads(line) for line in self.buffer.getvalue().splitlines()]

    def text(self, at_least: int = logging.DEBUG) -> str:
        return "\n".join(json.dumps(line) for line in self.all()
                         if logging.getLevelName(line["level"]) >= at_least)


@contextmanager
def json_lines() -> Iterator[Lines]:
    """The process's own handler (as `partnerops run` installs it) writing JSON, with the
    root logger at DEBUG: every record any of our loggers lets through."""
    buffer = io.StringIO()
    handler = OwnHandler()
    handler.setStream(buffer)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield Lines(buffer)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@pytest.fixture
async def logged_bot(tmp_path: Path, clock: SimulatedClock, fake_slack: FakeSlackApi,
                     fake_connector: FakeBotConnector) -> AsyncIterator[tuple[RunningBot, Lines]]:
    """A bot started after the handler is in place, as in the process (the libraries'
    filter goes on the handlers there at start)."""
    fake_slack.add_user("U0003", name="carol", real_name="Carol Chen", email="carol@acme.test")
    with json_lines() as lines:
        running = await start_bot(bot_settings(tmp_path, fake_slack), clock, fake_slack,
                                  fake_connector)
        yield running, lines
        await running.client.close()


async def test_log_lines_name_the_request_never_an_anonymous_reporter_nor_text_at_info(
        logged_bot: tuple[RunningBot, Lines]):
    bot, lines = logged_bot
    connector = bot.connector
    # Named: Ana reports; what she wrote is nowhere at INFO.
    await bot.slack_post(slash_command("/elephant", "Quokka pricing undercuts our VARs",
                                       response_url=bot.slack.response_url("named")))
    await bot.slack.wait_for("response_url")
    # Anonymous, on Slack: Carol opens the form and files it.
    await bot.slack_post(slash_command("/elephant", "", trigger_id="trig-9", user_id="U0003",
                                       user_name="carol",
                                       response_url=bot.slack.response_url("open-form")))
    [opened] = await bot.slack.wait_for("views.open")
    view = opened.args["view"]
    answered = await bot.slack_post(view_submission(
        view["callback_id"], fill(view, REPORT), user_id="U0003", user_name="carol",
        private_metadata=view["private_metadata"]))
    assert "Filed" in await answered.text()
    # Anonymous, on Teams (in a tenant whose elephants channel is set).
    await bot.teams_post(teams_activities.channel_mention_message(
        "partnerops settings elephants-channel here", service_url=connector.url,
        conversation_id=f"{CHANNEL_ID};messageid=1700000000000"))
    await connector.wait_for("send", count=2)
    carol = {"user_id": "29:carol", "user_name": "Carol Chen", "aad_object_id": "aad-carol",
             "conversation_id": "a:carol-1on1"}
    await bot.teams_post(teams_activities.message("elephant", service_url=connector.url,
                                                  **carol))
    form = card_of((await connector.wait_for("reply"))[-1])
    await bot.teams_post(teams_activities.card_submit(
        submit_value(form, REPORT), service_url=connector.url, reply_to_id="activity-1",
        **carol))
    await connector.wait_for("update")
    await bot.slack.wait_for("chat.postMessage", count=2)

    logged = lines.all()
    everything = lines.text()
    for trace in (*SLACK_CAROL, *TEAMS_CAROL):
        for written in (trace, quote(trace), quote(trace, safe="")):  # in a URL, too
            assert written.lower() not in everything.lower(), written
    at_info = lines.text(logging.INFO)
    for written in ("Quokka", REPORT["title"], REPORT["description"]):
        assert written not in at_info, written

    # One line per command, under its HTTP request's id, with what it routed to.
    handled = [line for line in logged if line["logger"] == "partnerops.requests"]
    assert [(line["platform"], line["kind"], line["command"], line["status"])
            for line in handled] == [
        ("slack", "command", "elephant", "ok"),
        ("slack", "command", "elephant", "ok"),  # the empty one opens the form
        ("slack", "form", "partnerops.elephant.report", "ok"),
        ("teams", "command", "partnerops settings", "ok"),
        ("teams", "command", "elephant", "ok"),
        ("teams", "form", "partnerops.elephant.report", "ok"),
    ]
    assert {line["workspace"] for line in handled} == {"T0001", "tenant-1"}
    http = {line["request_id"]: line for line in logged if line["logger"] == "partnerops.http"}
    for line in handled:
        assert isinstance(line["latency_ms"], float)
        access = http[line["request_id"]]
        assert access["route"] == {"slack": "/slack/events",
                                   "teams": "/api/messages"}[line["platform"]]
        assert access["http_status"] == 200 and access["workspace"] == line["workspace"]
