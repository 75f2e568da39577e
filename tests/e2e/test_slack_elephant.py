"""A signed /elephant over real HTTP: the ack, then the Web API calls the bot makes."""

from __future__ import annotations

import json

import pytest

from bot.web import SLACK
from tests.e2e.conftest import RunningBot, bot_settings, start_bot
from tests.fakes.slack_modal import fill
from tests.fakes.slack_requests import block_actions, slash_command, view_submission


def _block_text(blocks: list[dict]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


async def test_quick_report_is_acked_posted_and_confirmed_privately(bot: RunningBot):
    response = await bot.slack_post(slash_command(
        "/elephant", "Reps hide the forecast from the VAR",
        response_url=bot.slack.response_url("r1")))

    assert response.status == 200
    assert await response.text() == ""
    [posted] = await bot.slack.wait_for("chat.postMessage")
    assert posted.args["channel"] == "C0001"
    assert "E-1" in posted.args["text"] and "Reps hide the forecast" in posted.args["text"]
    assert "Reported by*\\nana" in _block_text(posted.args["blocks"])
    assert posted.headers["Authorization"] == "Bearer xoxb-e2e-token"
    [confirmation] = await bot.slack.wait_for("response_url")
    assert confirmation.args["response_type"] == "ephemeral"
    assert "E-1" in confirmation.args["text"] and "#general" in confirmation.args["text"]

    [row] = await bot.export("elephants")
    assert row["title"] == "Reps hide the forecast from the VAR"
    assert row["channel"] == "C0001" and row["message_id"].startswith("17")
    [person] = await bot.export("people")
    assert (person["email"], person["timezone"]) == ("ana@acme.test", "Europe/Berlin")


async def test_the_profile_is_fetched_once_per_person(bot: RunningBot):
    for token in ("r1", "r2"):
        await bot.slack_post(slash_command("/elephant", f"Friction number {token}",
                                           response_url=bot.slack.response_url(token)))
        await bot.slack.wait_for("response_url", count=int(token[1]))
    assert len(bot.slack.of("users.info")) == 1


async def test_ack_does_not_wait_for_the_work(bot: RunningBot):
    bot.slack.delay_next("users.info", 1.5)

    response = await bot.slack_post(slash_command("/elephant", "Slow directory today",
                                                  response_url=bot.slack.response_url()))

    assert response.status == 200
    # The answer went out while the directory lookup was still pending.
    assert bot.slack.of("chat.postMessage") == []
    await bot.slack.wait_for("chat.postMessage")


async def test_ack_does_not_wait_for_slack_to_say_who_the_bot_is(
        tmp_path, clock, fake_slack, fake_connector):
    fake_slack.delay_next("auth.test", 3.0)
    bot = await start_bot(bot_settings(tmp_path, fake_slack), clock, fake_slack, fake_connector)
    try:
        response = await bot.slack_post(slash_command(
            "/elephant", "Slow Slack at start-up", response_url=fake_slack.response_url()))
        assert response.status == 200
        assert bot.client.app[SLACK].identity.team_id is None  # auth.test still pending
        await fake_slack.wait_for("response_url")
    finally:
        await bot.client.close()


async def test_elephant_alone_opens_the_form_and_the_submission_files_it(bot: RunningBot):
    await bot.slack_post(slash_command("/elephant", "", trigger_id="trig-9",
                                       response_url=bot.slack.response_url()))
    [opened] = await bot.slack.wait_for("views.open")
    view = opened.args["view"]
    assert opened.args["trigger_id"] == "trig-9"
    assert view["callback_id"] == "partnerops.elephant.report"
    assert [block["block_id"] for block in view["blocks"]] == [
        "title", "description", "sides", "category", "hours", "deals", "anonymous"]

    await bot.slack_post(view_submission(
        view["callback_id"],
        {"title": {"value": {"type": "plain_text_input", "value": "Partners left out of QBRs"}},
         "description": {"value": {"type": "plain_text_input", "value": None}}},
        private_metadata=view["private_metadata"]))

    [posted] = await bot.slack.wait_for("chat.postMessage")
    assert posted.args["channel"] == "C0001" and "Partners left out of QBRs" in posted.args["text"]
    [private] = await bot.slack.wait_for("chat.postEphemeral")
    assert private.args["user"] == "U0001" and "E-1" in private.args["text"]


async def test_help_answers_privately_and_stores_nothing(bot: RunningBot):
    await bot.slack_post(slash_command("/elephant", "help",
                                       response_url=bot.slack.response_url()))
    [answer] = await bot.slack.wait_for("response_url")
    assert answer.args["response_type"] == "ephemeral"
    assert "/elephant" in _block_text(answer.args["blocks"])
    assert await bot.export("elephants") == []


async def test_partnerops_overview_lists_every_slash_command(bot: RunningBot):
    await bot.slack_post(slash_command("/partnerops", "",
                                       response_url=bot.slack.response_url()))
    [answer] = await bot.slack.wait_for("response_url")
    text = _block_text(answer.args["blocks"])
    assert "/elephant" in text and "/partnerops settings" in text


async def test_unknown_subcommand_gets_a_specific_private_error(bot: RunningBot):
    await bot.slack_post(slash_command("/partnerops", "frobnicate",
                                       response_url=bot.slack.response_url()))
    [answer] = await bot.slack.wait_for("response_url")
    assert answer.args["response_type"] == "ephemeral"
    assert "'partnerops frobnicate'" in answer.args["text"]
    assert "/partnerops settings elephants-channel" in answer.args["text"]


async def test_too_short_report_is_refused_with_an_example(bot: RunningBot):
    await bot.slack_post(slash_command("/elephant", "hm",
                                       response_url=bot.slack.response_url()))
    [answer] = await bot.slack.wait_for("response_url")
    assert "/elephant Direct reps keep the forecast" in answer.args["text"]
    assert await bot.export("elephants") == []
    assert bot.slack.of("chat.postMessage") == []


async def test_a_bad_field_keeps_the_modal_open_with_the_error_beside_it(bot: RunningBot):
    await bot.slack_post(slash_command("/elephant", "", response_url=bot.slack.response_url()))
    [opened] = await bot.slack.wait_for("views.open")
    view = opened.args["view"]

    response = await bot.slack_post(view_submission(
        view["callback_id"],
        {"title": {"value": {"type": "plain_text_input", "value": "hm"}},
         "description": {"value": {"type": "plain_text_input", "value": None}}},
        private_metadata=view["private_metadata"]))

    assert response.status == 200
    answer = await response.json()
    assert answer["response_action"] == "errors"
    assert "a few words at least" in answer["errors"]["title"]
    assert await bot.export("elephants") == []


async def test_a_help_button_explains_its_command(bot: RunningBot):
    await bot.slack_post(block_actions("partnerops.help", "elephant",
                                       response_url=bot.slack.response_url("help")))
    [answer] = await bot.slack.wait_for("response_url")
    assert answer.args["response_type"] == "ephemeral"
    assert "/elephant" in _block_text(answer.args["blocks"])


async def test_form_post_votes_ack_resolve_and_the_reporter_told(bot: RunningBot):
    """The issue's path over signed Slack HTTP: filed from the modal, three people see it
    too (one clicks twice): herd 3; acknowledged, resolved, and the reporter told."""
    await bot.slack_post(slash_command("/partnerops", "whoami",  # Ana: the first, an admin
                                       response_url=bot.slack.response_url("first")))
    await bot.slack.wait_for("response_url")
    await bot.slack_post(slash_command("/elephant", "", trigger_id="trig-1", user_id="U0002",
                                       user_name="bob",
                                       response_url=bot.slack.response_url("open")))
    [opened] = await bot.slack.wait_for("views.open")
    view = opened.args["view"]
    await bot.slack_post(view_submission(view["callback_id"], fill(view, {
        "title": "Partners left out of QBRs", "sides": ["partner-sales", "direct-sales"],
        "category": "excluded", "hours": "2", "deals": "1"}),
        user_id="U0002", user_name="bob", private_metadata=view["private_metadata"]))
    [posted] = await bot.slack.wait_for("chat.postMessage")
    see_it = next(element for block in posted.args["blocks"] if block["type"] == "actions"
                  for element in block["elements"]
                  if element["action_id"] == "partnerops.elephant.see-it-too")
    for user in ("U0001", "U0003", "U0004", "U0003"):  # U0003 clicks twice
        response = await bot.slack_post(block_actions(
            see_it["action_id"], see_it["value"], user_id=user,
            message_ts=posted.args.get("ts", "1700000000.000100"),
            response_url=bot.slack.response_url(f"vote-{user}")))
        assert response.status == 200
    await bot.slack.wait_for("chat.update", count=3)  # the post, once per new vote
    updates = bot.slack.of("chat.update")
    assert "3 see it too" in json.dumps(updates[-1].args["blocks"])
    assert len(updates) == 3  # the second click changed nothing

    await bot.slack_post(slash_command("/elephant", "ack E-1 <@U0001|ana>",
                                       response_url=bot.slack.response_url("ack")))
    await bot.slack.wait_for("response_url", count=6)  # as a person would: the answer first
    await bot.slack_post(slash_command(
        "/elephant", "resolve E-1 QBR invites now include the partner",
        response_url=bot.slack.response_url("resolve")))
    # The post; per change a note in its thread and a direct message to the reporter.
    told = await bot.slack.wait_for("chat.postMessage", count=5)
    to_bob = [call.args["text"] for call in told if call.args["channel"] in ("U0002", "DU0002")]
    assert any("marked it resolved: QBR invites now include the partner" in text
               for text in to_bob), [call.args for call in told]
    await bot.slack.wait_for("response_url", count=7)
    [row] = await bot.export("elephants")
    assert (row["status"], row["reporter"]) == ("resolved", "bob")
    assert [call.args["thread_ts"] for call in told[1:] if call.args.get("thread_ts")] == \
        [told[0].args.get("ts") or updates[0].args["ts"]] * 2


async def test_an_anonymous_report_leaves_no_trace_of_its_reporter(
        bot: RunningBot, caplog: pytest.LogCaptureFixture):
    """From the moment Bob submits the form with Anonymous ticked: the answer is in the
    modal itself; no call to Slack, no row and no log line names him."""
    await bot.slack_post(slash_command("/elephant", "", trigger_id="trig-1", user_id="U0002",
                                       user_name="bob",
                                       response_url=bot.slack.response_url("open")))
    [opened] = await bot.slack.wait_for("views.open")
    view = opened.args["view"]
    calls_before = len(bot.slack.calls)
    people_before = await bot.export("people")
    caplog.clear()

    response = await bot.slack_post(view_submission(view["callback_id"], fill(view, {
        "title": "Bonuses pay direct reps for partner deals", "anonymous": True}),
        user_id="U0002", user_name="bob", private_metadata=view["private_metadata"]))
    answer = json.loads(await response.text())
    assert answer["response_action"] == "update"  # told in the form itself
    assert "Filed *E-1*" in json.dumps(answer["view"]) and "names nobody" in json.dumps(answer)

    [posted] = await bot.slack.wait_for("chat.postMessage")
    assert "Reported by" in json.dumps(posted.args) and "anonymous" in json.dumps(posted.args)
    since = [json.dumps(call.args) for call in bot.slack.calls[calls_before:]]
    assert since and not [call for call in since if "U0002" in call or "bob" in call.lower()]
    assert "U0002" not in caplog.text and "bob" not in caplog.text.lower()
    [row] = await bot.export("elephants")
    assert (row["reporter"], row["anonymous"]) == ("", True)
    assert row["reported_at"].endswith("T00:00:00+00:00")  # the day only
    assert await bot.export("people") == people_before  # no person row touched
