"""The Teams outbox: proactive posts after a restart, threads, updates, privacy and retries."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from bot.app import Application, StoredInstallations
from bot.core.cards import Card, Fields
from bot.core.clock import SimulatedClock
from bot.core.conversation import ConversationKind, ConversationRef, MessageRef, Platform
from bot.core.errors import DeliveryError
from bot.platforms.teams import TeamsPlatform
from storage.common import conversations
from storage.engine import Database
from tests.fakes import FakeBotConnector, teams_activities
from tests.platforms.teams.conftest import RecordedSleeps, build_teams, post_activity, say

CHANNEL = ConversationRef(Platform.TEAMS, teams_activities.CHANNEL_ID, ConversationKind.CHANNEL)
DIRECT = ConversationRef(Platform.TEAMS, "a:1on1", ConversationKind.DIRECT)


async def test_proactive_post_works_after_a_restart(
        bot: TestClient, connector: FakeBotConnector, application: Application,
        reopened: Database, clock: SimulatedClock, sleeps: RecordedSleeps) -> None:
    """A reference stored by one process lets a new process post into the channel."""
    await say(bot, connector, "help", channel=True)
    restarted = build_teams(application.dispatcher, StoredInstallations(reopened, clock), sleeps)

    sent = await restarted.outbox.post(CHANNEL, Card(summary="Digest", title="Herd digest"))

    (call,) = await connector.wait_for("send")
    assert call.args["_conversation_id"] == teams_activities.CHANNEL_ID
    assert call.args["conversation"]["id"] == teams_activities.CHANNEL_ID
    assert call.args["from"]["id"] == teams_activities.BOT["id"]
    assert "replyToId" not in call.args
    assert sent == MessageRef(CHANNEL, "activity-2")  # the help reply was activity-1
    async with reopened.session() as session:
        row = await conversations.find(session, "teams", teams_activities.CHANNEL_ID)
    assert row is not None and row.tenant_id == "tenant-1" and row.conversation_type == "channel"
    assert row.reference["conversation"]["tenantId"] == "tenant-1"
    assert row.service_url == connector.url


async def test_thread_reply_and_update(bot: TestClient, connector: FakeBotConnector,
                                       teams: TeamsPlatform) -> None:
    """Thread replies go under the root post; updates replace the message in place."""
    await say(bot, connector, "help", channel=True)
    root = await teams.outbox.post(CHANNEL, "Standup for Monday")

    reply = await teams.outbox.post(CHANNEL, "Ana: all good", thread=root)
    await teams.outbox.update(root, Card(summary="Standup", blocks=(Fields((("Answered",
                                                                             "Ana"),)),)))

    (threaded,) = await connector.wait_for("reply")
    assert threaded.args["_conversation_id"] == f"{teams_activities.CHANNEL_ID};messageid={root.id}"
    assert threaded.args["_activity_id"] == root.id and reply.id == "activity-3"
    (updated,) = await connector.wait_for("update")
    assert updated.args["_activity_id"] == root.id
    assert updated.args["attachments"][0]["content"]["body"][0]["facts"] == [
        {"title": "Answered", "value": "Ana"}]


async def test_unknown_conversation_is_a_delivery_error(teams: TeamsPlatform,
                                                        connector: FakeBotConnector) -> None:
    """Without a stored reference nothing is sent and the reason says what to do."""
    with pytest.raises(DeliveryError, match="mention me there once"):
        await teams.outbox.post(CHANNEL, "hello")
    with pytest.raises(DeliveryError, match="no record of that Teams conversation"):
        await teams.outbox.update(MessageRef(CHANNEL, "activity-1"), "hello")
    assert connector.calls == []


async def test_rate_limit_then_success(bot: TestClient, connector: FakeBotConnector,
                                       teams: TeamsPlatform, sleeps: RecordedSleeps) -> None:
    """A 429 is retried after its Retry-After; a 503 without one backs off."""
    await say(bot, connector, "help")
    connector.fail_next("send", status=429, retry_after=3)
    connector.fail_next("send", status=503)

    sent = await teams.outbox.post(DIRECT, "hello")

    calls = await connector.wait_for("send", count=3)
    assert [call.args.get("_injected_status") for call in calls] == [429, 503, None]
    assert sleeps.delays == [3.0, 2.0] and sent.id == "activity-2"


async def test_retries_are_bounded(bot: TestClient, connector: FakeBotConnector,
                                   teams: TeamsPlatform, sleeps: RecordedSleeps) -> None:
    """After four throttled attempts the outbox gives up with a DeliveryError."""
    await say(bot, connector, "help")
    connector.fail_next("send", status=429, retry_after=1, times=5)

    with pytest.raises(DeliveryError, match="HTTP 429"):
        await teams.outbox.post(DIRECT, "hello")

    assert len(connector.of("send")) == 4 and sleeps.delays == [1.0, 1.0, 1.0]


async def test_other_errors_are_not_retried(bot: TestClient, connector: FakeBotConnector,
                                            teams: TeamsPlatform, sleeps: RecordedSleeps) -> None:
    """A 404 (the bot was removed) fails at once."""
    await say(bot, connector, "help")
    connector.fail_next("send", status=404)

    with pytest.raises(DeliveryError, match="HTTP 404"):
        await teams.outbox.post(DIRECT, "hello")
    assert len(connector.of("send")) == 1 and sleeps.delays == []


async def test_reply_during_a_turn_is_retried(connector: FakeBotConnector, bot: TestClient,
                                              sleeps: RecordedSleeps) -> None:
    """Replies to the person who asked are retried like proactive posts."""
    connector.fail_next("reply", status=429, retry_after=3)

    await post_activity(bot, teams_activities.message("help", service_url=connector.url))

    calls = await connector.wait_for("reply", count=2)
    assert calls[1].args["attachments"] and sleeps.delays == [3.0]


async def test_private_message_uses_the_stored_personal_chat(
        bot: TestClient, connector: FakeBotConnector, teams: TeamsPlatform) -> None:
    """post_private from a channel goes to the person's 1:1 chat with the bot."""
    await say(bot, connector, "help")
    await say(bot, connector, "help", channel=True)

    await teams.outbox.post_private(CHANNEL, "29:ana", "Only for you")

    (sent,) = await connector.wait_for("send")
    assert sent.args["_conversation_id"] == "a:1on1" and sent.args["text"] == "Only for you"
    assert sent.args["recipient"]["id"] == "29:ana"


async def test_private_message_opens_a_personal_chat(
        bot: TestClient, connector: FakeBotConnector, teams: TeamsPlatform) -> None:
    """Without a stored 1:1 chat one is created (and stored), then used."""
    await say(bot, connector, "help", channel=True, user_id="29:bo")

    await teams.outbox.post_private(CHANNEL, "29:ana", "Only for you")
    await teams.outbox.post_private(CHANNEL, "29:ana", "Again")

    (created,) = await connector.wait_for("create_conversation")  # once, then reused
    assert created.args["members"] == [{"id": "29:ana"}]
    assert created.args["channelData"] == {"tenant": {"id": "tenant-1"}}
    sent = await connector.wait_for("send", count=2)
    assert [call.args["text"] for call in sent] == ["Only for you", "Again"]
    assert sent[0].args["_conversation_id"] == sent[1].args["_conversation_id"]
    assert await teams.outbox.post(ConversationRef(Platform.TEAMS, "29:ana",
                                                   ConversationKind.DIRECT), "By user id")


async def test_private_message_falls_back_to_the_conversation(
        bot: TestClient, connector: FakeBotConnector, teams: TeamsPlatform) -> None:
    """When Teams refuses a 1:1 chat, the message goes into `to`, where everyone sees it."""
    await say(bot, connector, "help", channel=True, user_id="29:bo")
    connector.fail_next("create_conversation", status=404)

    await teams.outbox.post_private(CHANNEL, "29:ana", "Visible to the channel")

    (sent,) = await connector.wait_for("send")
    assert sent.args["_conversation_id"] == teams_activities.CHANNEL_ID


async def test_the_registered_outbox_routes_teams_posts(
        application: Application, teams: TeamsPlatform, bot: TestClient,
        connector: FakeBotConnector) -> None:
    """The application's routing outbox reaches Teams through the registered TeamsOutbox."""
    await say(bot, connector, "help")

    sent = await application.outbox.post(DIRECT, "via the core")

    assert sent.conversation == DIRECT
    assert (await connector.wait_for("send"))[0].args["text"] == "via the core"


async def test_private_message_with_nothing_stored(application: Application,
                                                   sleeps: RecordedSleeps,
                                                   connector: FakeBotConnector) -> None:
    """A platform that never heard from Teams has nowhere to send a private message."""
    teams = build_teams(application.dispatcher, application.installations, sleeps)

    with pytest.raises(DeliveryError, match="mention me there once"):
        await teams.outbox.post_private(DIRECT, "29:ana", "hello")
    assert connector.calls == []
