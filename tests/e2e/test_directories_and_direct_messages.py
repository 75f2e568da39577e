"""The server registers each platform's channel directory, and DMs by user id reach people."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.cards import Card, Text
from bot.core.conversation import ConversationKind, ConversationRef, Platform
from tests.e2e.conftest import RunningBot
from tests.fakes import teams_activities
from tests.fakes.teams_activities import CHANNEL_ID

PROMPT = Card("Standup prompt", title="Standup", blocks=(Text("How was yesterday?"),))
# The Teams tenant every test activity comes from: a DM by user id names its workspace.
TENANT = teams_activities.DEFAULTS["tenant_id"]
FAKE_SLACK_EPOCH = datetime.fromtimestamp(1_700_000_000, UTC)


async def test_slack_members_dm_and_delivery_key_through_the_application(bot: RunningBot):
    services = bot.application.services
    bot.slack.set_channel("C0SALES", members=["U0001", "UBOT", "U0002"])

    members = await services.channels[Platform.SLACK].members("C0SALES")
    ana = ConversationRef(Platform.SLACK, members[0], ConversationKind.DIRECT)
    sent = await services.outbox.post(ana, PROMPT, key="prompt:1:U0001")

    assert members == ["U0001", "U0002"]
    (posted,) = bot.slack.of("chat.postMessage")
    assert posted.args["channel"] == "U0001"
    assert posted.args["metadata"]["event_payload"] == {"key": "prompt:1:U0001"}
    assert await services.outbox.find_delivery(ana, "prompt:1:U0001", FAKE_SLACK_EPOCH) == sent


async def test_teams_members_and_a_dm_to_each_of_them(bot: RunningBot):
    connector = bot.connector
    heard = teams_activities.channel_mention_message("help", service_url=connector.url)
    assert (await bot.teams_post(heard)).status == 200
    await connector.wait_for("send")
    connector.log.clear()
    connector.add_member("29:ana", name="Ana Alves")
    connector.add_member("29:cy", name="Cy Chen")
    services = bot.application.services

    members = await services.channels[Platform.TEAMS].members(CHANNEL_ID, TENANT)
    for member in members:
        await services.outbox.post(ConversationRef(Platform.TEAMS, member,
                                                   ConversationKind.DIRECT, workspace=TENANT),
                                   PROMPT)

    assert members == ["29:ana", "29:cy"]
    (created,) = connector.of("create_conversation")  # ana's was opened for help's reply
    assert created.args["members"] == [{"id": "29:cy"}]
    sends = await connector.wait_for("send", count=2)
    assert [send.args["recipient"]["id"] for send in sends] == ["29:ana", "29:cy"]
    since = datetime(2020, 1, 1, tzinfo=UTC)
    assert await services.outbox.find_delivery(ConversationRef(
        Platform.TEAMS, "29:ana", ConversationKind.DIRECT, workspace=TENANT), "k", since) is None
