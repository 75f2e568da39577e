"""A feedback campaign over signed Slack HTTP: started from the form, posted once in its
channel and sent by DM to every contact, answered in the thread by a Slack Connect contact
(delivered twice), reminded to the silent partner only, closed with the right rates."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

from schedules.run_due import run_due
from tests.e2e.conftest import RunningBot, sign
from tests.fakes.slack_modal import fill
from tests.fakes.slack_requests import event_callback, slash_command, view_submission

CLOSES = datetime(2026, 12, 15, 17, 0, tzinfo=UTC)


async def _command(bot: RunningBot, text: str, command: str = "/partner",
                   user: str = "U0001", name: str = "ana") -> str:
    token = f"r{len(bot.slack.calls)}"
    answered = len(bot.slack.of("response_url"))
    await bot.slack_post(slash_command(command, text, user_id=user, user_name=name,
                                       response_url=bot.slack.response_url(token)))
    for call in await bot.slack.wait_for("response_url", count=answered + 1):
        if call.args["_token"] == token:
            return call.args["text"] + json.dumps(call.args.get("blocks", []))
    raise AssertionError(f"no answer to {text}")


async def _stored_replies(bot: RunningBot, count: int) -> list[dict]:
    """The replies stored, once there are `count` (events are handled after their ack)."""
    async with asyncio.timeout(5):
        while len(rows := await bot.export("feedback")) < count:  # noqa: ASYNC110 - the row is written by the server's task
            await asyncio.sleep(0.02)
    return rows


def _dms_to(bot: RunningBot, user: str) -> list[str]:
    return [json.dumps(call.args) for call in bot.slack.of("chat.postMessage")
            if call.args.get("channel") in (user, f"D{user}")]


async def test_a_campaign_from_the_form_to_its_close_summary(bot: RunningBot):
    bot.slack.add_user("U0003", name="pat", real_name="Pat Price", email="pat@northwind.test",
                       team_id="T0999")  # a Slack Connect guest from Northwind
    bot.slack.add_user("U0005", name="quinn", real_name="Quinn Quist",
                       email="quinn@contoso.test")
    await _command(bot, "add Northwind type VAR tier Gold")
    await _command(bot, "add Contoso type MSP tier Silver")
    await _command(bot, "contact add Northwind <@U0003|pat>")
    await _command(bot, "contact add Contoso <@U0005|quinn>")

    await bot.slack_post(slash_command("/feedback", "start", trigger_id="trig-f",
                                       response_url=bot.slack.response_url("open")))
    [opened] = await bot.slack.wait_for("views.open")
    view = opened.args["view"]
    response = await bot.slack_post(view_submission(view["callback_id"], fill(view, {
        "title": "Partner Summit 2027 planning",
        "questions": "What should the summit cover?\nFormat? [labs|keynotes]",
        "audience": "all", "channel": "C0777", "closes": "2026-12-15 17:00"}),
        private_metadata=view["private_metadata"]))
    assert response.status == 200
    posts = await bot.slack.wait_for("chat.postMessage", count=3)
    [parent] = [call for call in posts if call.args["channel"] == "C0777"]
    assert "Answer in this message's thread" in json.dumps(parent.args)
    assert len(_dms_to(bot, "U0003")) == 1 and len(_dms_to(bot, "U0005")) == 1
    assert "partnerops.feedback.answer" in _dms_to(bot, "U0003")[0]
    parent_ts = bot.slack.history["C0777"][0]["ts"]

    # Pat replies in the thread; Slack delivers the event twice (a retry).
    event = {"type": "message", "channel": "C0777", "user": "U0003", "user_team": "T0999",
             "text": "Hands-on labs with the new API, please", "ts": "1800000000.000200",
             "thread_ts": parent_ts, "team": "T0999"}
    body = event_callback(event, event_id="Ev-pat")
    for retry in (None, "1"):
        headers = sign(body, "e2e-signing-secret-0123456789abcdef")
        if retry:
            headers.update({"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"})
        assert (await bot.slack_post(body, headers=headers)).status == 200
    await _stored_replies(bot, 1)
    status = await _command(bot, "status F-1", "/feedback")
    assert "Northwind" in status.split("Not yet")[0] and "Contoso" in status.split("Not yet")[1]
    [reply] = await bot.export("feedback")
    assert (reply["partner"], reply["source"], reply["platform"]) == \
        ("Northwind", "thread", "slack")

    # The reminder goes to Contoso's contact only; then the close.
    await run_due(bot.application.services, CLOSES - timedelta(hours=47))
    assert any("A reminder" in text for text in _dms_to(bot, "U0005"))
    assert not any("A reminder" in text for text in _dms_to(bot, "U0003"))
    await run_due(bot.application.services, CLOSES)
    summaries = [call for call in bot.slack.of("chat.postMessage")
                 if "partners answered" in json.dumps(call.args)]
    assert sorted(call.args["channel"] for call in summaries) in (["C0777", "U0001"],
                                                                 ["C0777", "DU0001"])
    in_thread = next(call for call in summaries if call.args["channel"] == "C0777")
    assert in_thread.args["thread_ts"] == parent_ts
    assert "1/2 (50%)" in json.dumps(in_thread.args)
    # The tier chart: its numbers in the message, its drawing uploaded into the thread.
    assert "Partners that answered, by tier" in json.dumps(in_thread.args)
    uploads = await bot.slack.wait_for("files.completeUploadExternal", count=2)
    assert any(call.args.get("channel_id") == "C0777" and call.args.get("thread_ts")
               == parent_ts for call in uploads), [call.args for call in uploads]
    [campaign] = await bot.export("campaigns")
    assert (campaign["id"], campaign["thread_ts"], campaign["channel"]) == \
        ("F-1", parent_ts, "C0777") and campaign["closed_at"]


async def test_a_channel_the_bot_is_not_in_is_refused_and_nothing_is_created(bot: RunningBot):
    """A public channel takes the bot's post without it being a member, but Slack would
    never send it the thread's answers."""
    bot.slack.set_channel("C0888", name="closed-room", is_member=False)
    await _command(bot, "add Northwind type VAR tier Gold")
    said = await _command(bot, 'start "Summit" in <#C0888|closed-room> closes 2027-01-15',
                          "/feedback")
    assert "I'm not in #closed-room" in said and "nothing was created" in said
    assert await bot.export("campaigns") == []
    assert not [call for call in bot.slack.of("chat.postMessage")
                if call.args["channel"] == "C0888"]
