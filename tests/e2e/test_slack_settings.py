"""Admins choose the elephants channel; everyone else is told why they can't."""

from __future__ import annotations

from tests.e2e.conftest import RunningBot
from tests.fakes.slack_requests import slash_command


async def _as(bot: RunningBot, user_id: str, user_name: str, command: str, text: str,
              token: str) -> None:
    await bot.slack_post(slash_command(command, text, user_id=user_id, user_name=user_name,
                                       response_url=bot.slack.response_url(token)))


async def test_admin_sets_the_elephants_channel_and_reports_go_there(bot: RunningBot):
    await _as(bot, "U0001", "ana", "/partnerops", "settings elephants-channel "
              "<#C0999|partner-elephants>", "set")
    [notice] = await bot.slack.wait_for("chat.postMessage")
    assert notice.args["channel"] == "C0999"
    [done] = await bot.slack.wait_for("response_url")
    assert "#partner-elephants" in done.args["text"]

    await _as(bot, "U0002", "bob", "/elephant", "SEs pulled into unqualified partner leads",
              "report")
    posts = await bot.slack.wait_for("chat.postMessage", count=2)
    assert posts[1].args["channel"] == "C0999" and "E-1" in posts[1].args["text"]


async def test_members_cannot_change_settings(bot: RunningBot):
    await _as(bot, "U0001", "ana", "/partnerops", "whoami", "first")  # ana becomes admin
    await bot.slack.wait_for("response_url")

    await _as(bot, "U0002", "bob", "/partnerops", "settings elephants-channel <#C0999|x>",
              "denied")
    answers = await bot.slack.wait_for("response_url", count=2)
    assert "Only admins" in answers[1].args["text"]
    assert answers[1].args["response_type"] == "ephemeral"
    assert bot.slack.of("chat.postMessage") == []


async def test_a_channel_the_bot_is_not_in_is_refused_and_not_saved(bot: RunningBot):
    bot.slack.error_next("chat.postMessage", "not_in_channel")
    await _as(bot, "U0001", "ana", "/partnerops", "settings elephants-channel <#C0777|secret>",
              "refused")
    [answer] = await bot.slack.wait_for("response_url")
    assert "I can't post in #secret" in answer.args["text"] and "/invite" in answer.args["text"]

    await _as(bot, "U0001", "ana", "/partnerops", "settings", "show")
    answers = await bot.slack.wait_for("response_url", count=2)
    assert "not set" in str(answers[1].args["blocks"])


async def test_missing_channel_argument_explains_itself(bot: RunningBot):
    await _as(bot, "U0001", "ana", "/partnerops", "settings elephants-channel", "bare")
    [answer] = await bot.slack.wait_for("response_url")
    assert "Name the channel" in answer.args["text"]
    assert "/partnerops settings elephants-channel #partner-elephants" in answer.args["text"]


async def test_here_in_a_direct_message_is_refused(bot: RunningBot):
    await bot.slack_post(slash_command("/partnerops", "settings elephants-channel here",
                                       channel_id="D0001", channel_name="directmessage",
                                       response_url=bot.slack.response_url()))
    [answer] = await bot.slack.wait_for("response_url")
    assert "run this in the channel itself" in answer.args["text"]
    assert bot.slack.of("chat.postMessage") == []
