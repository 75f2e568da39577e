"""Anonymity you can check: Carol, whom the bot has never seen, opens the elephant form and
files it anonymously, over Slack and over Teams, on SQLite and PostgreSQL. Then every byte
the bot keeps or sent is searched for her: the SQLite file (and its journal), a pg_dump,
every log line at DEBUG, and every request the fake Slack and the fake connector received."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.core.clock import SimulatedClock
from tests.conftest import cloned_postgres_url
from tests.e2e.conftest import DATABASE_FILE, RunningBot, bot_settings, start_bot
from tests.fakes import FakeBotConnector, FakeSlackApi, teams_activities
from tests.fakes.recorder import RecordedCall
from tests.fakes.slack_modal import fill
from tests.fakes.slack_requests import block_actions, slash_command, view_submission
from tests.fakes.teams_activities import CHANNEL_ID
from tests.fakes.teams_forms import card_of, submit_value

SLACK_CAROL = ("U0003", "carol", "Carol Chen", "carol@acme.test")
TEAMS_CAROL = ("29:carol", "aad-carol", "Carol Chen", "a:carol-1on1")
REPORT = {"title": "Bonuses pay direct reps for partner deals",
          "description": "The comp plan rewards taking deals direct.",
          "sides": ["direct-sales", "partner-sales"], "category": "compensation",
          "hours": "3", "deals": "2", "anonymous": True}


@pytest.fixture(params=["sqlite", "postgresql"])
async def backend_bot(request: pytest.FixtureRequest, tmp_path: Path, clock: SimulatedClock,
                      fake_slack: FakeSlackApi, fake_connector: FakeBotConnector,
                      postgres_template: str | None) -> AsyncIterator[RunningBot]:
    """The bot on each backend; the test reads its database through `_stored_text`."""
    fake_slack.add_user("U0003", name="carol", real_name="Carol Chen", email="carol@acme.test")
    if request.param == "sqlite":
        running = await start_bot(bot_settings(tmp_path, fake_slack), clock, fake_slack,
                                  fake_connector)
        yield running
        await running.client.close()
        return
    async with cloned_postgres_url(postgres_template) as url:
        running = await start_bot(bot_settings(tmp_path, fake_slack, database_url=url), clock,
                                  fake_slack, fake_connector)
        yield running
        await running.client.close()
        await running.application.database.dispose()


async def _stored_text(bot: RunningBot, tmp_path: Path) -> str:
    """Everything the database holds, as text: the SQLite files' bytes, or a pg_dump."""
    await bot.application.database.engine.dispose()  # no row left only in a connection
    url = make_url(str(bot.application.database.engine.url))
    if url.get_backend_name() == "sqlite":
        return _sqlite_files_text(tmp_path)
    dump = await asyncio.create_subprocess_exec(
        "pg_dump", "--no-owner", "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),
        "-U", url.username or "postgres", url.database or "",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await dump.communicate()
    assert dump.returncode == 0, err.decode()
    text = out.decode()
    assert "COPY public.elephant" in text  # the dump holds the data, not only the schema
    return text


def _sqlite_files_text(folder: Path) -> str:
    """The database file and any journal beside it, byte for byte."""
    files = sorted(path for path in folder.glob(DATABASE_FILE + "*") if path.is_file())
    assert files, "no SQLite file to scan"
    return "".join(path.read_bytes().decode("latin-1") for path in files)


def _calls_text(calls: Iterable[RecordedCall]) -> str:
    return "\n".join(json.dumps([call.path, call.args, call.headers], default=str)
                     for call in calls)


def _traces(needles: Iterable[str], **where: str) -> list[str]:
    """Where any of `needles` appears (case-insensitive); empty when nowhere."""
    return [f"{needle!r} in {place}" for place, text in where.items()
            for needle in needles if needle.lower() in text.lower()]


async def test_slack_an_anonymous_report_leaves_its_reporter_nowhere(
        backend_bot: RunningBot, tmp_path: Path, caplog: pytest.LogCaptureFixture):
    bot = backend_bot
    caplog.set_level(logging.DEBUG)
    # Ana, named, sets the channel and files a report: the database is not empty.
    await bot.slack_post(slash_command("/partnerops", "settings elephants-channel "
                                       "<#C0999|partner-elephants>",
                                       response_url=bot.slack.response_url("set")))
    await bot.slack.wait_for("response_url")
    await bot.slack_post(slash_command("/elephant", "SEs pulled into unqualified leads",
                                       response_url=bot.slack.response_url("named")))
    await bot.slack.wait_for("chat.postMessage", count=2)

    await bot.slack_post(slash_command("/elephant", "", trigger_id="trig-9",
                                       user_id="U0003", user_name="carol",
                                       response_url=bot.slack.response_url("open-form")))
    [opened] = await bot.slack.wait_for("views.open")
    view = opened.args["view"]
    response = await bot.slack_post(view_submission(
        view["callback_id"], fill(view, REPORT), user_id="U0003", user_name="carol",
        private_metadata=view["private_metadata"]))
    answer = json.loads(await response.text())
    assert answer["response_action"] == "update" and "Filed *E-2*" in json.dumps(answer)
    posts = await bot.slack.wait_for("chat.postMessage", count=3)
    assert posts[2].args["channel"] == "C0999" and "anonymous" in json.dumps(posts[2].args)
    # Ana sees it too: votes are counted, and nothing about Carol comes with them.
    see_it = next(element for block in posts[2].args["blocks"] if block["type"] == "actions"
                  for element in block["elements"] if "see-it-too" in element["action_id"])
    await bot.slack_post(block_actions(see_it["action_id"], see_it["value"],
                                       message_ts="1700000000.000100",
                                       response_url=bot.slack.response_url("vote")))
    await bot.slack.wait_for("chat.update")
    [row] = [row for row in await bot.export("elephants") if row["id"] == "E-2"]
    assert (row["reporter"], row["anonymous"], row["herd"]) == ("", True, 1)

    stored = await _stored_text(bot, tmp_path)
    assert "Bonuses pay direct reps" in stored  # the report itself is there to be found
    assert _traces(SLACK_CAROL, database=stored, logs=caplog.text,
                   slack_calls=_calls_text(bot.slack.calls)) == []
    assert "U0001" in stored  # the search finds a person who is stored: Ana


async def test_teams_an_anonymous_report_leaves_its_reporter_nowhere(
        backend_bot: RunningBot, tmp_path: Path, caplog: pytest.LogCaptureFixture):
    bot, connector = backend_bot, backend_bot.connector
    caplog.set_level(logging.DEBUG)
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
    [answered] = await connector.wait_for("update")
    assert "names nobody" in str(answered.args)
    posted = (await connector.wait_for("send", count=3))[-1]
    assert "E-1" in str(posted.args) and "anonymous" in str(posted.args).lower()
    [row] = await bot.export("elephants")
    assert (row["reporter"], row["anonymous"]) == ("", True)

    stored = await _stored_text(bot, tmp_path)
    assert "Bonuses pay direct reps" in stored
    # Her 1:1 chat is where the bot answered her, so the connector's URLs name it; what
    # she is called and who she is appear in no call.
    assert _traces(TEAMS_CAROL[:3], connector_calls=_calls_text(connector.calls)) == []
    assert _traces(TEAMS_CAROL, database=stored, logs=caplog.text) == []
    assert "29:ana" in stored  # Ana, who set the channel, is stored: the search works


async def test_slack_a_slow_anonymous_report_still_answers_in_its_modal(bot: RunningBot):
    """Posting takes Slack longer than the bot may keep the modal waiting: the modal says it
    is working at once, then shows the answer by its view id; no call names Carol."""
    bot.slack.add_user("U0003", name="carol", real_name="Carol Chen", email="carol@acme.test")
    await bot.slack_post(slash_command("/elephant", "", trigger_id="trig-9", user_id="U0003",
                                       user_name="carol",
                                       response_url=bot.slack.response_url("open-form")))
    [opened] = await bot.slack.wait_for("views.open")
    view = opened.args["view"]
    bot.slack.delay_next("chat.postMessage", 2.5)
    response = await bot.slack_post(view_submission(
        view["callback_id"], fill(view, REPORT), user_id="U0003", user_name="carol",
        view_id="V0042", private_metadata=view["private_metadata"]))
    answer = json.loads(await response.text())
    assert answer["response_action"] == "update" and "Working on it" in json.dumps(answer)
    [late] = await bot.slack.wait_for("views.update")
    assert late.args["view_id"] == "V0042"
    assert "Filed *E-1*" in json.dumps(late.args["view"]) and "names nobody" in json.dumps(
        late.args["view"])
    assert _traces(SLACK_CAROL, slack_calls=_calls_text(bot.slack.calls)) == []
