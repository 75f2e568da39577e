"""Two Slack workspaces on one bot, each installed through the OAuth flow with its own bot
token: they share the process and the database, and see nothing of each other through any
command or export; one uninstalled, what was due there is undeliverable, never retried."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.clock import SimulatedClock
from bot.operations import export
from schedules.run_due import run_due
from tests.e2e.conftest import RunningBot, start_bot
from tests.e2e.slack_install import install, oauth_settings
from tests.fakes import FakeBotConnector, FakeSlackApi
from tests.fakes.slack_modal import fill
from tests.fakes.slack_requests import event_callback, slash_command, view_submission

# Two installs: team id, bot token, bot user, a person, report and elephants channels.
TEAMS = {"TA": ("xoxb-team-a", "UBOTA", "UA1", "C0REPA", "C0ELEA"),
         "TB": ("xoxb-team-b", "UBOTB", "UB1", "C0REPB", "C0ELEB")}
MONDAY_0800_UTC = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Berlin


@pytest.fixture
async def two_teams(tmp_path, clock: SimulatedClock, fake_slack: FakeSlackApi,
                    fake_connector: FakeBotConnector) -> AsyncIterator[RunningBot]:
    running = await start_bot(oauth_settings(tmp_path, fake_slack), clock, fake_slack,
                              fake_connector)
    for team, (token, bot_user, user, *_) in TEAMS.items():
        fake_slack.add_install(f"code-{team}", team_id=team, token=token, bot_user_id=bot_user)
        assert (await install(running, f"code-{team}")).status == 200
        fake_slack.add_user(user, name=user.lower(), team_id=team, tz="Europe/Berlin")
    yield running
    await running.client.close()


def _token(call: object) -> str:
    return call.headers.get("Authorization", "").removeprefix("Bearer ")  # type: ignore[attr-defined]


async def _command(bot: RunningBot, team: str, command: str, text: str) -> str:
    """What the person of `team` is told (privately) after typing the command."""
    reply_to = f"{team}-{len(bot.slack.calls)}"
    response = await bot.slack_post(slash_command(
        command, text, team_id=team, user_id=TEAMS[team][2], user_name=TEAMS[team][2].lower(),
        channel_id=f"C0GEN{team}", trigger_id=f"t-{reply_to}",
        response_url=bot.slack.response_url(reply_to)))
    assert response.status == 200
    for _ in range(200):
        answers = [call for call in bot.slack.of("response_url")
                   if call.args["_token"] == reply_to]
        if answers:
            return json.dumps(answers[-1].args)
        await bot.slack.wait_for("response_url", count=len(bot.slack.of("response_url")) + 1)
    raise AssertionError(f"no answer to {command} {text}")


async def _set_up_daily(bot: RunningBot, team: str) -> None:
    token, _, user, report, _ = TEAMS[team]
    opened_before = len(bot.slack.of("views.open"))
    await bot.slack_post(slash_command("/standup", "setup", team_id=team, user_id=user,
                                       trigger_id=f"t-setup-{team}",
                                       response_url=bot.slack.response_url(f"setup-{team}")))
    opened = (await bot.slack.wait_for("views.open", count=opened_before + 1))[-1]
    assert _token(opened) == token  # the modal opens in the right workspace
    view = opened.args["view"]
    response = await bot.slack_post(view_submission(
        view["callback_id"], fill(view, {
            "name": "Daily", "report_channel": report, "participants": [user],
            "days": ["mon", "tue", "wed", "thu", "fri"], "local_time": "09:00",
            "close_time": "17:00", "reminder_minutes": "0", "skip_weekends": True,
            "questions": f"What moved in {team}?"}),
        user_id=user, team_id=team, private_metadata=view["private_metadata"]))
    body = await response.text()
    assert "errors" not in body, body


async def test_two_workspaces_never_see_each_other(two_teams: RunningBot, tmp_path):
    bot = two_teams
    for team in TEAMS:
        await _set_up_daily(bot, team)  # the same name in both: names are per workspace
        channel = TEAMS[team][4]
        said = await _command(bot, team, "/partnerops",
                              f"settings elephants-channel <#{channel}|ele-{team.lower()}>")
        assert f"#ele-{team.lower()}" in said

    for team in TEAMS:
        # Each is the first person of their own install, so each is its admin.
        assert "admin" in await _command(bot, team, "/partnerops", "whoami")
        listing = await _command(bot, team, "/standup", "list")
        # The report channel by its name, which Slack told this workspace's token.
        assert "Daily" in listing and f"#{TEAMS[team][3].lower()}" in listing
        other = next(t for t in TEAMS if t != team)
        assert TEAMS[other][3].lower() not in listing.lower()
        asked = [call for call in bot.slack.of("conversations.info")
                 if call.args["channel"] == TEAMS[team][3]]
        assert asked and all(_token(call) == TEAMS[team][0] for call in asked)
        shown = await _command(bot, team, "/partnerops", "settings")
        assert f"ele-{team.lower()}" in shown and f"ele-{other.lower()}" not in shown
        await _command(bot, team, "/elephant", f"Reps in {team} hide the forecast")

    # Each report went to its own workspace's channel, with that workspace's token, and
    # each workspace counts its own reports.
    for team, (token, _, _, _, elephants_channel) in TEAMS.items():
        posted = [call for call in bot.slack.of("chat.postMessage")
                  if call.args["channel"] == elephants_channel and "E-" in call.args["text"]]
        assert len(posted) == 1 and _token(posted[0]) == token
        assert "E-1" in posted[0].args["text"] and f"in {team}" in posted[0].args["text"]

    bot.application.clock.set(MONDAY_0800_UTC)  # type: ignore[attr-defined]
    report = await run_due(bot.application.services, MONDAY_0800_UTC)
    assert report.count("cadences", "prompt") == 2
    for team, (token, _, user, report_channel, _) in TEAMS.items():
        other_user = next(TEAMS[t][2] for t in TEAMS if t != team)
        [prompt] = [call for call in bot.slack.of("chat.postMessage")
                    if call.args["channel"] == user]
        assert _token(prompt) == token
        # The day's message in each report channel names its own people only.
        [parent] = [call for call in bot.slack.of("chat.postMessage")
                    if call.args["channel"] == report_channel and "Mon 23 Nov" in
                    call.args["text"]]
        shown = json.dumps(parent.args["blocks"])
        assert _token(parent) == token and user.lower() in shown
        assert other_user.lower() not in shown

    settings = bot.application.settings
    for team in TEAMS:
        other = next(t for t in TEAMS if t != team)
        for entity in ("cadences", "elephants", "people"):
            out = io.StringIO()
            await export(settings, entity, "json", out, workspace=team)
            rows = json.loads(out.getvalue())
            assert rows and {row["workspace"] for row in rows} == {team}, (entity, rows)
            assert other not in out.getvalue()
    everything = io.StringIO()
    await export(settings, "cadences", "json", everything)
    assert sorted(row["workspace"] for row in json.loads(everything.getvalue())) == ["TA", "TB"]


async def test_an_uninstalled_workspace_gets_nothing_more_and_nothing_is_retried(
        two_teams: RunningBot):
    bot = two_teams
    for team in TEAMS:
        await _set_up_daily(bot, team)
    response = await bot.slack_post(event_callback(
        {"type": "app_uninstalled", "event_ts": "1700000000.000100"}, event_id="EvUA",
        team_id="TA"))
    assert response.status == 200
    for _ in range(500):  # the listener runs after the ack
        if await bot.application.installations.installed_bot("slack", "TA") is None:
            break
        await asyncio.sleep(0.01)
    bot.slack.log.clear()

    bot.application.clock.set(MONDAY_0800_UTC)  # type: ignore[attr-defined]
    report = await run_due(bot.application.services, MONDAY_0800_UTC)
    assert report.count("cadences", "prompt") == 1  # TB's only
    assert report.failures and all("not installed" in failure.error
                                   for failure in report.failures)
    posted = bot.slack.of("chat.postMessage")
    assert posted and {_token(call) for call in posted} == {TEAMS["TB"][0]}

    later = MONDAY_0800_UTC + timedelta(minutes=30)
    bot.application.clock.set(later)  # type: ignore[attr-defined]
    again = await run_due(bot.application.services, later)
    assert again.failures == []  # settled as undeliverable: not tried again
    assert len(bot.slack.of("chat.postMessage")) == len(posted)
