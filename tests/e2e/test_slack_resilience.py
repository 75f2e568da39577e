"""Slack's 429s and 5xx are waited out and retried; nothing is lost or sent twice."""

from __future__ import annotations

from tests.e2e.conftest import RunningBot
from tests.fakes.slack_requests import slash_command


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
