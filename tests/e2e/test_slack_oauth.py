"""Slack OAuth over real HTTP, on SQLite and PostgreSQL: two workspaces install the bot
through /slack/install and /slack/oauth_redirect as a browser does, then each speaks with
its own token and sees only its own rows; a bad or missing state is a clear page; an
uninstalled workspace is refused while the other goes on."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.cards import Card
from bot.core.clock import SimulatedClock
from bot.core.conversation import ConversationKind, ConversationRef, Platform
from bot.core.errors import Undeliverable
from bot.platforms.slack.manifest import BOT_SCOPES
from tests.conftest import cloned_postgres_url
from tests.e2e.conftest import BOT_TOKEN, RunningBot, start_bot
from tests.e2e.slack_install import (
    CLIENT_ID,
    PUBLIC_URL,
    begin_install,
    come_back,
    install,
    oauth_settings,
)
from tests.fakes import FakeBotConnector, FakeSlackApi
from tests.fakes.recorder import RecordedCall
from tests.fakes.slack_requests import event_callback, slash_command

# team -> its bot token, its bot user, a person there
TEAMS = {"T1": ("xoxb-1", "UBOT1", "U1ANA"), "T2": ("xoxb-2", "UBOT2", "U2BEA")}
REDIRECT_URI = f"{PUBLIC_URL}/slack/oauth_redirect"


@pytest.fixture(params=["sqlite", "postgresql"])
async def oauth_bot(request: pytest.FixtureRequest, tmp_path: Path, clock: SimulatedClock,
                    fake_slack: FakeSlackApi, fake_connector: FakeBotConnector,
                    postgres_template: str | None) -> AsyncIterator[RunningBot]:
    """The bot with OAuth on each backend; nothing installed yet."""
    for team, (token, bot_user, person) in TEAMS.items():
        fake_slack.add_install(f"code-{team}", team_id=team, token=token,
                               bot_user_id=bot_user, scopes=BOT_SCOPES)
        fake_slack.add_user(person, name=person.lower(), team_id=team)
    if request.param == "sqlite":
        running = await start_bot(oauth_settings(tmp_path, fake_slack), clock, fake_slack,
                                  fake_connector)
        yield running
        await running.client.close()
        return
    async with cloned_postgres_url(postgres_template) as url:
        running = await start_bot(oauth_settings(tmp_path, fake_slack, database_url=url),
                                  clock, fake_slack, fake_connector)
        yield running
        await running.client.close()
        await running.application.database.dispose()


def _token(call: RecordedCall) -> str:
    return call.headers.get("Authorization", "").removeprefix("Bearer ")


async def _command(bot: RunningBot, team: str, text: str, command: str = "/elephant") -> str:
    """What the person of `team` is told after typing the command (its response_url)."""
    reply_to = f"{team}-{len(bot.slack.calls)}"
    before = len(bot.slack.of("response_url"))
    response = await bot.slack_post(slash_command(
        command, text, team_id=team, user_id=TEAMS[team][2],
        user_name=TEAMS[team][2].lower(), channel_id=f"C0GEN{team}",
        trigger_id=f"t-{reply_to}", response_url=bot.slack.response_url(reply_to)))
    assert response.status == 200
    for _ in range(20):
        answers = [call for call in bot.slack.of("response_url")
                   if call.args["_token"] == reply_to]
        if answers:
            return json.dumps(answers[-1].args)
        await bot.slack.wait_for("response_url", count=before + 1)
        before += 1
    raise AssertionError(f"no answer to {command} {text} in {team}")


async def test_two_workspaces_install_and_each_speaks_with_its_own_token(
        oauth_bot: RunningBot):
    bot = oauth_bot
    for team in TEAMS:
        authorize, _ = await begin_install(bot)
        assert f"{authorize.scheme}://{authorize.host}{authorize.path}" == \
            "https://slack.com/oauth/v2/authorize"
        assert authorize.query["client_id"] == CLIENT_ID
        assert authorize.query["scope"].split(",") == list(BOT_SCOPES)
        assert authorize.query["redirect_uri"] == REDIRECT_URI
        answer = await install(bot, f"code-{team}")
        assert answer.status == 200 and f"team={team}" in await answer.text()
    traded = bot.slack.of("oauth.v2.access")
    assert [call.args["code"] for call in traded] == ["code-T1", "code-T2"]
    assert {call.args["redirect_uri"] for call in traded} == {REDIRECT_URI}
    installed = bot.application.installations
    for team, (token, bot_user, _) in TEAMS.items():
        found = await installed.installed_bot("slack", team)
        assert found is not None and (found.token, found.user_id) == (token, bot_user)

    bot.slack.log.clear()
    for team in TEAMS:
        said = await _command(bot, team, f"Reps in {team} hide the forecast")
        assert "E-1" in said  # numbered per workspace
    for team in TEAMS:
        other = next(t for t in TEAMS if t != team)
        listing = await _command(bot, team, "list")
        assert f"Reps in {team}" in listing and f"Reps in {other}" not in listing

    # Every Web API call spoke with the token of the workspace it was about, never
    # SLACK_BOT_TOKEN (set, and not used with OAuth).
    calls = [call for call in bot.slack.calls if call.path.startswith("/api/")]
    assert calls and BOT_TOKEN not in {_token(call) for call in calls}
    for team, (token, _, person) in TEAMS.items():
        about = [call for call in calls if call.args.get("user") == person
                 or call.args.get("channel") == f"C0GEN{team}"]
        assert about and {_token(call) for call in about} == {token}, [str(c) for c in about]


async def test_a_bad_or_missing_state_is_a_clear_page_and_installs_nothing(
        oauth_bot: RunningBot):
    bot = oauth_bot
    made_up = await come_back(bot, cookie="made-up", code="code-T1", state="made-up")
    assert made_up.status == 401
    assert "expired or was already used" in await made_up.text()
    assert f'href="{PUBLIC_URL}/slack/install"' in await made_up.text()

    missing = await come_back(bot, code="code-T1")
    assert missing.status == 400 and "another browser" in await missing.text()

    authorize, _ = await begin_install(bot)  # a real state, but not this browser's cookie
    elsewhere = await come_back(bot, code="code-T1", state=authorize.query["state"])
    assert elsewhere.status == 400

    cancelled = await come_back(bot, error="access_denied", state=authorize.query["state"])
    assert cancelled.status == 200 and "cancelled" in await cancelled.text()
    assert bot.slack.of("oauth.v2.access") == []

    authorize, cookie = await begin_install(bot)
    state = authorize.query["state"]
    assert (await come_back(bot, cookie=cookie, code="code-T1", state=state)).status == 200
    replayed = await come_back(bot, cookie=cookie, code="code-T2", state=state)
    assert replayed.status == 401  # a state is good once
    assert [call.args["code"] for call in bot.slack.of("oauth.v2.access")] == ["code-T1"]
    assert await bot.application.installations.installed_bot("slack", "T2") is None

    unknown_code = await install(bot, "code-never-issued")
    assert unknown_code.status == 401 and "did not accept" in await unknown_code.text()


async def test_an_uninstalled_workspace_is_refused_and_the_other_goes_on(
        oauth_bot: RunningBot, caplog: pytest.LogCaptureFixture):
    bot = oauth_bot
    for team in TEAMS:
        assert (await install(bot, f"code-{team}")).status == 200
    assert "E-1" in await _command(bot, "T1", "First in T1")

    with caplog.at_level(logging.WARNING):
        for kind, event_id in (("tokens_revoked", "EvR1"), ("app_uninstalled", "EvU1")):
            event = {"type": kind, "event_ts": "1700000000.000100"}
            if kind == "tokens_revoked":
                event["tokens"] = {"bot": ["UBOT1"]}
            response = await bot.slack_post(event_callback(event, event_id=event_id,
                                                           team_id="T1"))
            assert response.status == 200
        for _ in range(500):  # bolt acks events first; the listener runs after
            if "app_uninstalled for workspace T1" in caplog.text:
                break
            await asyncio.sleep(0.01)
    assert "tokens_revoked for workspace T1" in caplog.text
    assert "app_uninstalled for workspace T1" in caplog.text
    assert await bot.application.installations.installed_bot("slack", "T1") is None

    bot.slack.log.clear()
    refused = await _command(bot, "T1", "Second in T1")
    assert "not installed" in refused and f"{PUBLIC_URL}/slack/install" in refused
    assert "E-2" not in refused
    assert [call for call in bot.slack.calls if _token(call) == "xoxb-1"] == []
    assert "E-1" in await _command(bot, "T2", "First in T2")  # the other goes on

    # What is due in the uninstalled workspace is undeliverable: never sent, never retried.
    general = ConversationRef(Platform.SLACK, "C0GENT1", ConversationKind.CHANNEL,
                              workspace="T1")
    with pytest.raises(Undeliverable, match="not installed"):
        await bot.application.outbox.post(general, Card("Reminder"))
    elephants = await bot.export("elephants")
    assert sorted(row["title"] for row in elephants) == ["First in T1", "First in T2"]
