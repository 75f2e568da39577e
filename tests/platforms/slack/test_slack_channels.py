"""Slack channel members: conversations.members page by page, without the bot itself."""

from __future__ import annotations

import logging

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms.slack.channels import SlackChannels
from bot.platforms.slack.identity import SlackIdentity
from bot.platforms.slack.tokens import SlackTokens
from tests.fakes import FakeSlackApi


@pytest.fixture
def channels(client: AsyncWebClient, tokens: SlackTokens) -> SlackChannels:
    return SlackChannels(client, tokens)


async def test_members_are_paged_through_200_at_a_time_without_the_bot(
        channels: SlackChannels, slack_api: FakeSlackApi) -> None:
    people = [f"U{n:04d}" for n in range(450)]
    slack_api.set_channel("C0SALES", members=[*people[:300], "UBOT", *people[300:]])

    members = await channels.members("C0SALES")

    assert members == people
    calls = slack_api.of("conversations.members")
    assert [call.args["limit"] for call in calls] == ["200", "200", "200"]
    assert [call.args.get("cursor") for call in calls] == [None, "200", "400"]
    assert len(slack_api.of("auth.test")) == 1  # the bot's own id, learned once


async def test_a_known_identity_needs_no_auth_test(
        client: AsyncWebClient, slack_api: FakeSlackApi) -> None:
    identity = SlackIdentity(client)
    assert await identity.learn()
    slack_api.log.clear()
    slack_api.set_channel("C0SALES", members=["U0001", "UBOT", "U0002"])

    channels = SlackChannels(client, SlackTokens("xoxb-test", identity))
    assert await channels.members("C0SALES") == ["U0001", "U0002"]
    assert slack_api.of("auth.test") == []


async def test_a_refusal_is_an_empty_list_and_a_warning(
        channels: SlackChannels, slack_api: FakeSlackApi,
        caplog: pytest.LogCaptureFixture) -> None:
    slack_api.error_next("conversations.members", "channel_not_found")

    with caplog.at_level(logging.WARNING):
        assert await channels.members("C0GONE") == []
    assert "can't see that channel" in caplog.text
