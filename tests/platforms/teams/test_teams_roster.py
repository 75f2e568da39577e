"""Teams conversation members: the Bot Framework roster, page by page, as Teams user ids."""

from __future__ import annotations

import logging

import pytest
from aiohttp.test_utils import TestClient

from bot.app import Application
from bot.core.conversation import Platform
from bot.platforms.teams import TeamsPlatform
from bot.platforms.teams.roster import PAGE_SIZE
from tests.fakes import FakeBotConnector, teams_activities
from tests.platforms.teams.conftest import RecordedSleeps, post_activity


async def heard_in_channel(bot: TestClient, connector: FakeBotConnector) -> None:
    activity = teams_activities.channel_mention_message("help", service_url=connector.url)
    assert (await post_activity(bot, activity)).status == 200
    connector.log.clear()


async def test_members_of_a_channel_are_listed_without_the_bot(
        bot: TestClient, connector: FakeBotConnector, teams: TeamsPlatform) -> None:
    await heard_in_channel(bot, connector)
    for number in range(PAGE_SIZE + 20):
        connector.add_member(f"29:user{number}", name=f"User {number}")
    connector.add_member(teams_activities.BOT["id"], name="PartnerOps")

    members = await teams.channels.members(teams_activities.CHANNEL_ID)

    assert members == [f"29:user{number}" for number in range(PAGE_SIZE + 20)]
    first, second = connector.of("get_paged_members")
    assert first.args["_conversation_id"] == teams_activities.CHANNEL_ID
    assert first.args["pageSize"] == str(PAGE_SIZE) and "continuationToken" not in first.args
    assert second.args["continuationToken"] == str(PAGE_SIZE)


async def test_an_unknown_conversation_has_no_members(
        teams: TeamsPlatform, connector: FakeBotConnector) -> None:
    assert await teams.channels.members("19:unknown@thread.tacv2") == []
    assert connector.calls == []


async def test_a_refusal_is_an_empty_list_and_a_warning(
        bot: TestClient, connector: FakeBotConnector, teams: TeamsPlatform,
        sleeps: RecordedSleeps, caplog: pytest.LogCaptureFixture) -> None:
    await heard_in_channel(bot, connector)
    connector.add_member("29:ana", name="Ana")
    connector.fail_next("get_paged_members", status=404)

    with caplog.at_level(logging.WARNING):
        assert await teams.channels.members(teams_activities.CHANNEL_ID) == []
    assert "HTTP 404" in caplog.text and sleeps.delays == []
    assert await teams.channels.members(teams_activities.CHANNEL_ID) == ["29:ana"]


async def test_the_directory_is_what_the_application_would_register(
        application: Application, teams: TeamsPlatform) -> None:
    application.add_platform(Platform.TEAMS, teams.outbox, channels=teams.channels)
    assert application.services.channels[Platform.TEAMS] is teams.channels
