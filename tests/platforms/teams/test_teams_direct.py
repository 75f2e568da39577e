"""Direct messages by Teams user id (cadence prompts), and the delivery-key port on Teams."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiohttp.test_utils import TestClient

from bot.app import Application, StoredInstallations
from bot.core.cards import Card, Text
from bot.core.clock import SimulatedClock
from bot.core.conversation import ConversationKind, ConversationRef, MessageRef, Platform
from bot.core.errors import DeliveryError
from bot.platforms.teams import TeamsPlatform
from storage.engine import Database
from tests.fakes import FakeBotConnector, teams_activities
from tests.platforms.teams.conftest import RecordedSleeps, build_teams, say

PROMPT = Card("Standup prompt", title="Standup", blocks=(Text("How was yesterday?"),))


def dm(user_id: str, tenant: str = "tenant-1") -> ConversationRef:
    return ConversationRef(Platform.TEAMS, user_id, ConversationKind.DIRECT, workspace=tenant)


async def test_a_dm_by_user_id_goes_to_the_stored_personal_chat_and_can_be_updated(
        bot: TestClient, connector: FakeBotConnector, application: Application) -> None:
    await say(bot, connector, "help")

    sent = await application.outbox.post(dm("29:ana"), PROMPT, key="prompt:1:ana")
    await application.outbox.update(sent, Card("Answered", blocks=(Text("Thanks!"),)))

    (call,) = await connector.wait_for("send")
    assert call.args["_conversation_id"] == "a:1on1"
    assert call.args["recipient"]["id"] == "29:ana"
    assert call.args["attachments"][0]["content"]["body"][0]["text"] == "Standup"
    assert sent == MessageRef(dm("29:ana"), "activity-2")
    (updated,) = await connector.wait_for("update")
    assert updated.args["_conversation_id"] == "a:1on1"
    assert updated.args["_activity_id"] == "activity-2"
    assert connector.of("create_conversation") == []


async def test_a_dm_to_someone_who_never_wrote_opens_a_chat_even_after_a_restart(
        bot: TestClient, connector: FakeBotConnector, application: Application,
        reopened: Database, clock: SimulatedClock, sleeps: RecordedSleeps) -> None:
    """The conversation heard from last lends its service URL and tenant to a new 1:1 chat."""
    await say(bot, connector, "help", channel=True, user_id="29:bo")
    restarted = build_teams(application.dispatcher, StoredInstallations(reopened, clock), sleeps)

    await restarted.outbox.post(dm("29:cy"), PROMPT)
    await restarted.outbox.post(dm("29:cy"), "Reminder")

    (created,) = await connector.wait_for("create_conversation")  # once, then reused
    assert created.args["members"] == [{"id": "29:cy"}]
    assert created.args["bot"]["id"] == teams_activities.BOT["id"]
    assert created.args["channelData"] == {"tenant": {"id": "tenant-1"}}
    first, second = await connector.wait_for("send", count=2)
    assert first.args["_conversation_id"] == second.args["_conversation_id"] != "a:1on1"
    assert second.args["recipient"]["id"] == "29:cy"


async def test_a_dm_with_nothing_heard_is_a_delivery_error(
        teams: TeamsPlatform, connector: FakeBotConnector) -> None:
    with pytest.raises(DeliveryError, match="mention me there once"):
        await teams.outbox.post(dm("29:cy"), PROMPT)
    assert connector.calls == []


async def test_a_refused_chat_is_a_delivery_error(
        bot: TestClient, connector: FakeBotConnector, teams: TeamsPlatform) -> None:
    await say(bot, connector, "help", channel=True, user_id="29:bo")
    connector.fail_next("create_conversation", status=404)

    with pytest.raises(DeliveryError):
        await teams.outbox.post(dm("29:stranger"), PROMPT)
    assert connector.of("send") == []


async def test_keys_are_accepted_but_teams_cannot_find_a_delivery(
        bot: TestClient, connector: FakeBotConnector, teams: TeamsPlatform) -> None:
    await say(bot, connector, "help")

    await teams.outbox.post(dm("29:ana"), PROMPT, key="prompt:1:ana")

    (call,) = await connector.wait_for("send")
    assert "prompt:1:ana" not in str(call.args)
    since = datetime(2020, 1, 1, tzinfo=UTC)
    assert await teams.outbox.find_delivery(dm("29:ana"), "prompt:1:ana", since) is None
