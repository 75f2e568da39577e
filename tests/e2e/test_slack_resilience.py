"""Slack's 429s and 5xx are waited out and retried; nothing is lost or sent twice."""

from __future__ import annotations

from bot.core.conversation import ConversationKind, ConversationRef, Platform
from tests.e2e.conftest import SIGNING_SECRET, RunningBot
from tests.fakes.slack_requests import sign, slash_command, view_submission


async def test_rate_limited_post_waits_retry_after_then_lands_once(bot: RunningBot):
    bot.slack.fail_next("chat.postMessage", status=429, retry_after=1)

    await bot.slack_post(slash_command("/elephant", "Pricing conflicts on renewals",
                                       response_url=bot.slack.response_url()))

    attempts = await bot.slack.wait_for("chat.postMessage", count=2)
    assert attempts[0].args.get("_injected_status") == 429
    assert "_injected_status" not in attempts[1].args
    assert attempts[1].at - attempts[0].at >= 1.0  # honoured Retry-After
    [confirmation] = await bot.slack.wait_for("response_url")
    # Our **bold** markup arrives as Slack's *bold*, in the blocks and the fallback text.
    assert "Filed *E-1* and posted" in confirmation.args["text"]
    assert "Filed *E-1* and posted" in str(confirmation.args["blocks"])


async def test_server_errors_are_retried(bot: RunningBot):
    bot.slack.fail_next("chat.postMessage", status=503, times=2)

    await bot.slack_post(slash_command("/elephant", "Distributor undercuts our VARs",
                                       response_url=bot.slack.response_url()))

    attempts = await bot.slack.wait_for("chat.postMessage", count=3)
    assert [call.args.get("_injected_status") for call in attempts] == [503, 503, None]
    [confirmation] = await bot.slack.wait_for("response_url")
    assert "posted it to #general" in confirmation.args["text"]


async def test_a_post_that_cannot_land_keeps_the_report_and_says_why(bot: RunningBot):
    bot.slack.error_next("chat.postMessage", "not_in_channel")

    await bot.slack_post(slash_command("/elephant", "Leads sent to two partners at once",
                                       response_url=bot.slack.response_url()))

    [confirmation] = await bot.slack.wait_for("response_url")
    assert "Filed *E-1*, but I couldn't post it to #general" in confirmation.args["text"]
    assert "I'm not a member of that channel" in confirmation.args["text"]
    [row] = await bot.export("elephants")
    assert row["title"] == "Leads sent to two partners at once" and row["channel"] == ""


async def test_a_redelivered_command_or_form_is_acked_and_handled_once(bot: RunningBot):
    """Slack delivers again, marked X-Slack-Retry-Num, when our ack seemed late: one report."""
    body = slash_command("/elephant", "Quotes reach the customer before the partner",
                         trigger_id="trig-redelivered", response_url=bot.slack.response_url())
    first = await bot.slack_post(body)
    again = await bot.slack_post(body, headers={**sign(body, SIGNING_SECRET),
                                                "X-Slack-Retry-Num": "1",
                                                "X-Slack-Retry-Reason": "http_timeout"})
    assert first.status == 200 and again.status == 200
    await bot.slack.wait_for("response_url")
    opened = await bot.slack_post(slash_command("/elephant", "", trigger_id="trig-form",
                                                response_url=bot.slack.response_url("r2")))
    assert opened.status == 200
    [form] = await bot.slack.wait_for("views.open")
    submitted = view_submission(
        form.args["view"]["callback_id"],
        {"title": {"value": {"type": "plain_text_input", "value": "Partners left out of QBRs"}}},
        private_metadata=form.args["view"]["private_metadata"], trigger_id="trig-submit")
    for retry in ("", "1", "2"):
        headers = sign(submitted, SIGNING_SECRET)
        if retry:
            headers["X-Slack-Retry-Num"] = retry
        assert (await bot.slack_post(submitted, headers=headers)).status == 200
    await bot.slack.wait_for("chat.postMessage", count=2)
    titles = sorted(row["title"] for row in await bot.export("elephants"))
    assert titles == ["Partners left out of QBRs",
                      "Quotes reach the customer before the partner"]


async def test_a_post_whose_answer_was_lost_is_found_not_posted_twice(bot: RunningBot):
    """Slack posted, then answered 503 (or the answer never came): slack_sdk would post
    again. The outbox asks Slack's history for the post's key first, and finds it."""
    bot.slack.lose_next_answer("chat.postMessage", status=503)
    await bot.slack_post(slash_command("/elephant", "Renewals quoted twice to one customer",
                                       response_url=bot.slack.response_url()))
    [confirmation] = await bot.slack.wait_for("response_url")
    assert "posted it to #general" in confirmation.args["text"]
    assert len(bot.slack.of("chat.postMessage")) == 1  # one attempt: it had landed
    assert len(bot.slack.history["C0001"]) == 1
    [row] = await bot.export("elephants")
    assert row["message_id"] == bot.slack.history["C0001"][0]["ts"]


async def test_a_thread_reply_whose_answer_was_lost_is_found_in_the_thread(bot: RunningBot):
    outbox = bot.application.outbox
    channel = ConversationRef(Platform.SLACK, "C0001", ConversationKind.CHANNEL,
                              workspace="T0001")
    root = await outbox.post(channel, "A parent message")
    bot.slack.lose_next_answer("chat.postMessage", status=502)
    reply = await outbox.post(channel, "In the thread", thread=root)
    replies = [message for message in bot.slack.history["C0001"]
               if message.get("thread_ts") == root.id]
    assert [message["ts"] for message in replies] == [reply.id]  # posted once, and found
    assert len(bot.slack.of("conversations.replies")) == 1


async def test_forms_are_opened_over_one_kept_alive_connection(bot: RunningBot):
    """bolt's client for each request takes the platform's session: no TCP (and TLS)
    handshake before each view a person waits for."""
    for n, trigger in enumerate(("t-1", "t-2", "t-3"), start=1):  # one after another
        await bot.slack_post(slash_command("/elephant", "", trigger_id=trigger,
                                           response_url=bot.slack.response_url()))
        await bot.slack.wait_for("views.open", n)
    opened = bot.slack.of("views.open")
    assert [call.args["trigger_id"] for call in opened] == ["t-1", "t-2", "t-3"]
    assert all(call.peer for call in opened) and len({call.peer for call in opened}) == 1
