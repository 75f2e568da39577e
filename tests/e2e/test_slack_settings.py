"""Admins choose the elephants channel; everyone else is told why they can't."""

from __future__ import annotations

import json

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


async def test_a_slack_connect_channel_is_refused_for_elephants(bot: RunningBot):
    bot.slack.set_channel("C0555", name="northwind-shared", ext_shared=True)
    await _as(bot, "U0001", "ana", "/partnerops",
              "settings elephants-channel <#C0555|northwind-shared>", "shared")
    [answer] = await bot.slack.wait_for("response_url")
    assert "#northwind-shared can't receive elephant reports: it is shared with another " \
        "organisation" in answer.args["text"]
    assert answer.args["response_type"] == "ephemeral"
    assert bot.slack.of("chat.postMessage") == []  # not even the announcement
    await _as(bot, "U0001", "ana", "/partnerops", "settings", "shown")
    shown = (await bot.slack.wait_for("response_url", count=2))[1]
    assert "C0555" not in json.dumps(shown.args) and "not set" in json.dumps(shown.args)


async def test_a_channel_a_partner_contact_is_in_is_refused_for_elephants(bot: RunningBot):
    bot.slack.add_user("U0003", name="pat", real_name="Pat Price", email="pat@northwind.test")
    bot.slack.set_channel("C0556", name="northwind", members=["U0001", "U0003"])
    await _as(bot, "U0001", "ana", "/partner", "add Northwind type VAR", "partner")
    await bot.slack.wait_for("response_url")
    await _as(bot, "U0001", "ana", "/partner", "contact add Northwind <@U0003|pat>", "contact")
    await bot.slack.wait_for("response_url", count=2)
    await _as(bot, "U0001", "ana", "/partnerops", "settings elephants-channel <#C0556|northwind>",
              "refused")
    answers = await bot.slack.wait_for("response_url", count=3)
    assert "partner contacts are in it (pat)" in answers[2].args["text"]
    assert bot.slack.of("chat.postMessage") == []


async def test_a_report_is_not_posted_back_into_a_slack_connect_channel(bot: RunningBot):
    """With no elephants channel chosen a report goes where it was filed; never to where a
    partner reads it."""
    bot.slack.set_channel("C0555", name="northwind-shared", ext_shared=True)
    await bot.slack_post(slash_command("/elephant", "Reps hide the forecast from partners",
                                       channel_id="C0555", channel_name="northwind-shared",
                                       response_url=bot.slack.response_url("filed")))
    [answer] = await bot.slack.wait_for("response_url")
    assert "Elephants are internal, and it is shared with another organisation" \
        in answer.args["text"] and "Nothing was filed" in answer.args["text"]
    assert bot.slack.of("chat.postMessage") == [] and await bot.export("elephants") == []
