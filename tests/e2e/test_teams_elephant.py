"""Teams through the one aiohttp app: activities in, the connector records what goes out."""

from __future__ import annotations

import json

from tests.e2e.conftest import RunningBot
from tests.fakes import teams_activities
from tests.fakes.teams_activities import CHANNEL_ID


async def test_admin_picks_the_channel_here_and_a_partner_manager_reports_from_a_chat(
        bot: RunningBot):
    connector = bot.connector
    setup = teams_activities.channel_mention_message(
        "partnerops settings elephants-channel here",
        service_url=connector.url)
    assert (await bot.teams_post(setup)).status == 200
    notice, done = await connector.wait_for("send", count=2)
    assert notice.args["_conversation_id"] == CHANNEL_ID  # the channel, not the thread
    assert done.args["_conversation_id"] != CHANNEL_ID  # the admin's 1:1 chat
    assert "now go to" in done.args["text"]

    report = teams_activities.message("elephant Distributor quotes under our VAR price",
                                      service_url=connector.url, user_id="29:bob",
                                      user_name="Bob", conversation_id="a:bob-1on1",
                                      activity_id="act-9")
    assert (await bot.teams_post(report)).status == 200

    sends = await connector.wait_for("send", count=3)
    assert sends[2].args["_conversation_id"] == CHANNEL_ID
    [confirmation] = await connector.wait_for("reply")  # bob asked in his 1:1 chat
    assert confirmation.args["_conversation_id"] == "a:bob-1on1"
    # A quick report's confirmation is a card that offers to add the details.
    assert "Filed **E-1**" in json.dumps(confirmation.args["attachments"])
    assert "Add details" in json.dumps(confirmation.args["attachments"])

    [row] = await bot.export("elephants")
    people = {p["teams_user_id"]: p for p in await bot.export("people")}
    assert (row["platform"], row["channel"], row["reporter"]) == ("teams", CHANNEL_ID, "Bob")
    assert people["29:bob"]["timezone"] == "Europe/Berlin"
    assert people["29:ana"]["role"] == "admin" and people["29:bob"]["role"] == "member"
    assert bot.slack.of("chat.postMessage") == []  # Slack's channel setting is its own


async def test_garbage_is_refused_without_a_500(bot: RunningBot):
    response = await bot.client.post("/api/messages", data=b"not json",
                                     headers={"Content-Type": "application/json"})
    assert response.status == 400
    missing_type = await bot.client.post("/api/messages", data=b"{}")
    assert missing_type.status in (400, 415)
    assert bot.connector.calls == []


async def test_local_mode_refuses_a_service_url_off_this_machine(bot: RunningBot):
    activity = teams_activities.message("elephant Spoofed report",
                                        service_url="https://smba.evil.example/",
                                        user_id="U_SLACK_ADMIN")
    response = await bot.teams_post(activity)
    assert response.status == 401
    assert await bot.export("elephants") == []
    assert await bot.export("people") == []
    assert bot.connector.calls == []
