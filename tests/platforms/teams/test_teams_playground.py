"""The bot as Microsoft 365 Agents Playground drives it: its activities, field for field
(tests/fakes/playground_activities.py), with replies to a serviceUrl shaped like its own.

The playground itself (a node program) is not run here: docs/TEAMS.md says how to try it.
"""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from bot.platforms.teams.platform import STALE
from tests.fakes import FakeBotConnector
from tests.fakes import playground_activities as playground
from tests.fakes.bot_connector import PLAYGROUND_PATH
from tests.platforms.teams.conftest import post_activity
from tests.platforms.teams.test_teams_http import adaptive_card, said_in, texts


async def test_install_then_help_elephant_and_a_bad_command_in_the_personal_chat(
        bot: TestClient, connector: FakeBotConnector) -> None:
    """Every activity is taken (200), and every message is answered under the playground's
    `/_connector` path, however odd its ids."""
    url = connector.playground_url
    for event in playground.installed(service_url=url):
        assert (await post_activity(bot, event)).status == 200

    for text in ("help", "elephant help", "standup frobnicate"):
        assert (await post_activity(bot, playground.message(text, service_url=url))).status \
            == 200
    help_card, elephant_help, error = await connector.wait_for("reply", count=3)
    assert help_card.path.startswith(f"{PLAYGROUND_PATH}/v3/conversations/{playground.PERSONAL}")
    assert "PartnerOps" in texts(adaptive_card(help_card))[0]
    assert "elephant show E-\\<n>" in [fact["title"] for element in
                                       adaptive_card(elephant_help)["body"]
                                       if element["type"] == "FactSet"
                                       for fact in element["facts"]]
    assert "standup help" in said_in(error)

    await post_activity(bot, playground.message("elephant Reps hide the forecast",
                                                service_url=url))
    (posted,) = await connector.wait_for("send")
    assert "E-1: Reps hide the forecast" in texts(adaptive_card(posted))[0]
    assert "Alex Wilber" in str(adaptive_card(posted))


async def test_the_forms_submit_as_the_playground_sends_it_files_the_elephant(
        bot: TestClient, connector: FakeBotConnector) -> None:
    """Values as strings, no channelData.legacy: the report is filed with them."""
    url = connector.playground_url
    await post_activity(bot, playground.message("elephant", service_url=url))
    (form,) = await connector.wait_for("reply")
    (submit,) = adaptive_card(form)["actions"]
    value = {**submit["data"], "title": "Marketing funds arrive after the quarter",
             "description": "MDF reimbursements take 95 days", "sides": "partner-marketing",
             "category": "process-tooling", "hours": "4.5", "deals": "2",
             "anonymous": "false"}

    response = await post_activity(bot, playground.card_submit(
        value, service_url=url, reply_to_id="1796285399746"))

    assert response.status == 200
    (posted,) = await connector.wait_for("send")
    card = str(adaptive_card(posted))
    assert "E-1: Marketing funds arrive after the quarter" in card
    assert "Process or tooling" in card and "4.5" in card


async def test_action_execute_runs_as_action_submit_and_every_invoke_is_answered_200(
        bot: TestClient, connector: FakeBotConnector) -> None:
    """botbuilder answers an invoke nobody handles with 501; an Action.Execute files the
    report like Action.Submit, data we did not write is stale, and any invoke gets 200."""
    url = connector.playground_url
    await post_activity(bot, playground.message("elephant", service_url=url))
    (form,) = await connector.wait_for("reply")
    (submit,) = adaptive_card(form)["actions"]
    connector.log.clear()

    response = await post_activity(bot, playground.card_action(
        {**submit["data"], "title": "Quotes need three approvals", "anonymous": "false"},
        service_url=url, reply_to_id="1796285847350"))

    assert response.status == 200
    answer: Any = await response.json()
    assert answer == {"statusCode": 200, "type": "application/vnd.microsoft.activity.message",
                      "value": "Done."}
    (posted,) = await connector.wait_for("send")
    assert "E-1: Quotes need three approvals" in texts(adaptive_card(posted))[0]

    connector.log.clear()
    foreign = await post_activity(bot, playground.card_action(
        {"something": "foreign"}, service_url=url, reply_to_id="1796285847350"))
    assert foreign.status == 200
    (stale,) = await connector.wait_for("reply")
    assert stale.args["text"] == STALE

    other = await post_activity(bot, playground.card_action(
        {}, service_url=url, reply_to_id="1796285847350", name="task/fetch"))
    assert other.status == 200


async def test_in_a_group_chat_and_a_channel_the_bot_answers_when_mentioned(
        bot: TestClient, connector: FakeBotConnector) -> None:
    """A private answer asked for in a group chat goes to the person's 1:1 chat, which the
    bot opens through the playground's connector; a report filed in a channel is posted
    there, under the team's plain-word ids."""
    url = connector.playground_url
    for event in playground.installed(service_url=url, kind="channel"):
        assert (await post_activity(bot, event)).status == 200

    group = playground.message("help", service_url=url, kind="groupChat")
    assert (await post_activity(bot, group)).status == 200
    (opened,) = await connector.wait_for("create_conversation")
    assert opened.path == f"{PLAYGROUND_PATH}/v3/conversations"
    assert opened.args["members"] == [{"id": playground.USER["id"]}]

    channel = playground.message("elephant Deal registration takes three weeks",
                                 service_url=url, kind="channel")
    assert (await post_activity(bot, channel)).status == 200
    posted = [call for call in await connector.wait_for("send", count=2)
              if call.args["_conversation_id"] == playground.TEAM]
    assert posted and "E-1: Deal registration takes three weeks" in str(
        adaptive_card(posted[0]))
