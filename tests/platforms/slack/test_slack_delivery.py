"""The Slack outbox: direct messages by user id, delivery keys in metadata, finding them again."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.cards import Card, Text
from bot.core.conversation import ConversationKind, ConversationRef, MessageRef, Platform
from bot.core.outbox import RoutingOutbox
from bot.platforms.slack.manifest import slack_manifest
from bot.platforms.slack.outbox import SlackOutbox
from bot.platforms.slack.tokens import SlackTokens
from tests.fakes import FakeSlackApi

ANA = ConversationRef(Platform.SLACK, "U0001", ConversationKind.DIRECT)
REPORTS = ConversationRef(Platform.SLACK, "C0REPORT", ConversationKind.CHANNEL, "reports")
# The fake Slack's message timestamps start here (November 2023).
FAKE_EPOCH = datetime.fromtimestamp(1_700_000_000, UTC)
PROMPT = Card("Standup prompt", title="Standup", blocks=(Text("How was yesterday?"),))


@pytest.fixture
async def outbox(client: AsyncWebClient, tokens: SlackTokens) -> AsyncIterator[SlackOutbox]:
    outbox = SlackOutbox(client, tokens)
    yield outbox
    await outbox.close()  # its kept-alive connections


async def test_a_direct_message_to_a_user_id_lands_in_their_dm(
        outbox: SlackOutbox, slack_api: FakeSlackApi) -> None:
    sent = await outbox.post(ANA, PROMPT)

    (call,) = slack_api.of("chat.postMessage")
    assert call.args["channel"] == "U0001" and call.args["text"] == "Standup prompt"
    # Without a ledger key, a key of its own: the outbox can ask whether a post landed.
    assert call.args["metadata"]["event_payload"]["key"].startswith("post:")
    assert sent.conversation == ConversationRef(Platform.SLACK, "DU0001",
                                                ConversationKind.DIRECT)


async def test_posts_reuse_one_kept_alive_connection_until_closed(
        outbox: SlackOutbox, slack_api: FakeSlackApi) -> None:
    for _ in range(3):
        await outbox.post(REPORTS, PROMPT)
    await outbox.close()
    await outbox.post(REPORTS, PROMPT)  # opened again when used after closing

    peers = [call.peer for call in slack_api.of("chat.postMessage")]
    assert all(peers) and len(set(peers[:3])) == 1  # no new TCP (and TLS) per message
    assert peers[3] != peers[0]


async def test_a_keyed_post_is_found_again_in_the_dm_history(
        outbox: SlackOutbox, slack_api: FakeSlackApi) -> None:
    sent = await outbox.post(ANA, PROMPT, key="prompt:7:ana")
    await outbox.post(ANA, "unrelated", key="prompt:8:ana")

    (call, _) = slack_api.of("chat.postMessage")
    assert call.args["metadata"] == {"event_type": "partnerops_delivery",
                                     "event_payload": {"key": "prompt:7:ana"}}
    found = await outbox.find_delivery(ANA, "prompt:7:ana", FAKE_EPOCH)

    assert found == sent
    (opened,) = slack_api.of("conversations.open")
    assert opened.args["users"] == "U0001"
    (history,) = slack_api.of("conversations.history")
    assert history.args["channel"] == "DU0001" and history.args["limit"] == "100"
    assert history.args["include_all_metadata"] in ("1", "true")
    assert float(history.args["oldest"]) == FAKE_EPOCH.timestamp()


async def test_nothing_is_found_for_another_key_or_before_since(
        outbox: SlackOutbox, slack_api: FakeSlackApi) -> None:
    first = await outbox.post(REPORTS, "Standup for Monday", key="parent:1")
    after_first = datetime.fromtimestamp(float(first.id) + 0.00001, UTC)
    second = await outbox.post(REPORTS, "Standup for Tuesday", key="parent:2")

    assert await outbox.find_delivery(REPORTS, "parent:3", FAKE_EPOCH) is None
    assert await outbox.find_delivery(REPORTS, "parent:1", after_first) is None
    assert await outbox.find_delivery(REPORTS, "parent:2", after_first) == second
    assert slack_api.of("conversations.open") == []  # a channel needs no opening


async def test_thread_replies_are_not_in_the_history(
        outbox: SlackOutbox, slack_api: FakeSlackApi) -> None:
    parent = await outbox.post(REPORTS, "Standup for Monday")
    await outbox.post(REPORTS, "ana: all good", thread=parent, key="answer:1:ana")

    assert await outbox.find_delivery(REPORTS, "answer:1:ana", FAKE_EPOCH) is None


async def test_a_refused_lookup_is_none_and_a_warning(
        outbox: SlackOutbox, slack_api: FakeSlackApi, caplog: pytest.LogCaptureFixture) -> None:
    await outbox.post(ANA, PROMPT, key="prompt:7:ana")
    slack_api.error_next("conversations.history", "missing_scope")

    with caplog.at_level(logging.WARNING):
        assert await outbox.find_delivery(ANA, "prompt:7:ana", FAKE_EPOCH) is None
    assert "missing_scope" in caplog.text


async def test_the_routing_outbox_passes_keys_and_lookups_through(
        outbox: SlackOutbox, slack_api: FakeSlackApi) -> None:
    routing = RoutingOutbox({Platform.SLACK: outbox})
    sent = await routing.post(ANA, PROMPT, key="prompt:9:ana")

    assert await routing.find_delivery(ANA, "prompt:9:ana", FAKE_EPOCH) == sent
    teams_dm = ConversationRef(Platform.TEAMS, "29:ana", ConversationKind.DIRECT)
    assert await routing.find_delivery(teams_dm, "prompt:9:ana", FAKE_EPOCH) is None
    assert isinstance(sent, MessageRef)


def test_the_manifest_asks_for_the_history_scopes_find_delivery_needs() -> None:
    scopes = slack_manifest(public_url="https://bot.test", commands=[])["oauth_config"]["scopes"]
    assert {"im:history", "channels:history", "groups:history"} <= set(scopes["bot"])


def test_the_manifest_enables_the_home_tab_and_file_exports() -> None:
    manifest = slack_manifest(public_url="https://bot.test", commands=[])
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
    assert "files:write" in manifest["oauth_config"]["scopes"]["bot"]
