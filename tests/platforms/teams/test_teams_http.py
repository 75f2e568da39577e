"""Teams end to end: real HTTP into /api/messages, real replies to a fake connector."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app import Application
from bot.core.cards import Button
from bot.core.conversation import ConversationKind, ConversationRef, Platform
from bot.core.forms import Submission
from bot.core.requests import ActionInvocation, Invocation, ThreadMessage
from bot.core.responses import Reply, Response
from bot.platforms.teams import TeamsPlatform
from bot.platforms.teams.adaptive import CONTENT_TYPE
from bot.platforms.teams.payloads import button_data
from bot.platforms.teams.platform import APOLOGY, STALE
from handlers.common.help import HelpAction
from storage.common import workspaces
from storage.elephants import repository as elephants
from tests.fakes import FakeBotConnector, teams_activities
from tests.fakes.recorder import RecordedCall
from tests.platforms.teams.conftest import RecordedSleeps, build_teams, post_activity, serve

THREAD = f"{teams_activities.CHANNEL_ID};messageid=1700000000000"
CHANNEL = ConversationRef(Platform.TEAMS, teams_activities.CHANNEL_ID, ConversationKind.CHANNEL)


def adaptive_card(call: RecordedCall) -> dict[str, Any]:
    """The one Adaptive Card a recorded activity carries."""
    (attachment,) = call.args["attachments"]
    assert attachment["contentType"] == CONTENT_TYPE
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    return card


def said_in(call: Any) -> str:
    """A reply's words: its text, or its card's text blocks (a reply that offers buttons)."""
    if "text" in call.args:
        return str(call.args["text"])
    return "\n".join(texts(adaptive_card(call)))


def texts(card: dict[str, Any]) -> list[str]:
    """Every TextBlock text of a card body."""
    return [element["text"] for element in card["body"] if element["type"] == "TextBlock"]


async def test_quick_elephant_is_posted_and_confirmed(
        bot: TestClient, connector: FakeBotConnector, application: Application) -> None:
    """`elephant <text>` in a 1:1 chat files E-1, posts its card and confirms privately."""
    activity = teams_activities.message("elephant Reps hide the forecast",
                                        service_url=connector.url)

    response = await post_activity(bot, activity)

    assert response.status == 200
    (posted,) = await connector.wait_for("send")
    assert posted.args["_conversation_id"] == "a:1on1"
    card = adaptive_card(posted)
    assert "E-1: Reps hide the forecast" in texts(card)[0]
    assert posted.args["summary"] == "Elephant E-1: Reps hide the forecast"
    (reply,) = await connector.wait_for("reply")
    assert reply.args["_activity_id"] == "act-1"
    offer = adaptive_card(reply)
    assert "Filed **E-1**" in texts(offer)[0]  # and it offers to add the details:
    assert [action["title"] for element in offer["body"] if element["type"] == "ActionSet"
            for action in element["actions"]] == ["Add details"]
    async with application.database.session() as session:
        workspace = await workspaces.by_external_id(session, "teams", "tenant-1")
        assert workspace is not None
        (stored,) = await elephants.all_elephants(session, workspace.id or 0)
    assert stored.title == "Reps hide the forecast" and stored.posted_message_id == "activity-1"


async def test_channel_mention_posts_to_the_channel_and_replies_in_the_thread(
        bot: TestClient, connector: FakeBotConnector) -> None:
    """In a channel the card starts a new post; the private confirmation goes to a 1:1 chat."""
    activity = teams_activities.channel_mention_message(
        "elephant Partner marketing never hears about launches", service_url=connector.url)

    assert (await post_activity(bot, activity)).status == 200

    posted, private = await connector.wait_for("send", count=2)
    assert posted.args["_conversation_id"] == teams_activities.CHANNEL_ID
    assert "E-1" in texts(adaptive_card(posted))[0]
    (created,) = connector.of("create_conversation")
    assert created.args["members"] == [{"id": "29:ana"}]
    assert private.args["_conversation_id"] not in (THREAD, teams_activities.CHANNEL_ID)
    assert "E-1" in said_in(private)
    assert connector.of("reply") == []  # nothing private lands in the channel's thread


async def test_help_is_a_card(bot: TestClient, connector: FakeBotConnector) -> None:
    """`help` answers with the overview as an Adaptive Card."""
    await post_activity(bot, teams_activities.message("help", service_url=connector.url))

    (reply,) = await connector.wait_for("reply")
    card = adaptive_card(reply)
    assert texts(card)[0] == "PartnerOps"
    facts = next(element for element in card["body"] if element["type"] == "FactSet")
    assert "elephant" in [fact["title"] for fact in facts["facts"]]


async def test_form_then_submit_files_the_elephant(
        bot: TestClient, connector: FakeBotConnector) -> None:
    """`elephant` alone opens a form card; submitting it files E-1."""
    await post_activity(bot, teams_activities.message("elephant", service_url=connector.url))
    (form_reply,) = await connector.wait_for("reply")
    form = adaptive_card(form_reply)
    inputs = {element["id"]: element for element in form["body"]
              if element["type"].startswith("Input.")}
    assert inputs["title"]["isRequired"] is True and inputs["title"]["maxLength"] == 200
    assert inputs["description"]["isMultiline"] is True
    (submit,) = form["actions"]
    assert submit["type"] == "Action.Submit"

    value = {**submit["data"], "title": "Reps hide the forecast from the VAR",
             "description": "Every quarter.\nWe lose two deals."}
    activity = teams_activities.card_submit(value, service_url=connector.url,
                                            activity_id="act-2", reply_to_id="activity-1")
    assert (await post_activity(bot, activity)).status == 200

    (posted,) = await connector.wait_for("send")
    card = adaptive_card(posted)
    assert "E-1: Reps hide the forecast from the VAR" in texts(card)[0]
    assert "Every quarter.\n\nWe lose two deals." in texts(card)
    replies = await connector.wait_for("reply", count=2)
    assert replies[1].args["_activity_id"] == "act-2" and "E-1" in said_in(replies[1])


async def test_unknown_command_gets_a_specific_error(
        bot: TestClient, connector: FakeBotConnector) -> None:
    """An unknown word names itself and points to `help`."""
    await post_activity(bot, teams_activities.message("frobnicate now",
                                                      service_url=connector.url))

    (reply,) = await connector.wait_for("reply")
    assert "frobnicate" in reply.args["text"] and "help" in reply.args["text"]


async def test_mention_of_the_umbrella_command_keeps_its_word(
        bot: TestClient, connector: FakeBotConnector) -> None:
    """`@PartnerOps partnerops whoami` runs whoami (botbuilder's own strip would drop the word)."""
    activity = teams_activities.channel_mention_message("PartnerOps whoami",
                                                        service_url=connector.url)
    await post_activity(bot, activity)

    (private,) = await connector.wait_for("send")  # private: in the 1:1 chat
    assert texts(adaptive_card(private))[0] == "Who you are to PartnerOps"


@pytest.mark.parametrize("headers", [{}, {"Content-Type": "text/plain"}])
async def test_wrong_content_type_is_415(bot: TestClient, connector: FakeBotConnector,
                                         headers: dict[str, str]) -> None:
    """A body that is not declared as JSON is refused before the adapter sees it."""
    response = await bot.post("/api/messages", data=b'{"type": "message"}', headers=headers,
                              skip_auto_headers=["Content-Type"])

    assert response.status == 415
    assert connector.calls == []


@pytest.mark.parametrize("body", [b"garbage", b"[]", b'{"type": ""}', b'{"type": "message"}',
                                  b'{"type": "message", "serviceUrl": "http://x/"}', b"\xff"])
async def test_not_an_activity_is_400(bot: TestClient, connector: FakeBotConnector,
                                      body: bytes) -> None:
    """Malformed JSON, or JSON that is no usable activity, is a 400 without a traceback."""
    response = await bot.post("/api/messages", data=body,
                              headers={"Content-Type": "application/json"})

    assert response.status == 400
    assert "Traceback" not in await response.text()
    assert connector.calls == []


async def test_conversation_update_stores_the_reference_and_says_nothing(
        bot: TestClient, connector: FakeBotConnector, teams: TeamsPlatform) -> None:
    """Installing the bot in a team is enough for proactive posts to that channel."""
    activity = teams_activities.conversation_update_bot_added(service_url=connector.url,
                                                              team_id="19:team@thread.tacv2")

    assert (await post_activity(bot, activity)).status == 200
    ref = await teams.outbox.post(CHANNEL, "Hello, channel")

    (sent,) = await connector.wait_for("send")
    assert sent.args["_conversation_id"] == teams_activities.CHANNEL_ID
    assert sent.args["text"] == "Hello, channel" and ref.id == "activity-1"


class FailingDispatcher:
    """A dispatcher whose every call fails unexpectedly."""

    def leaves_no_trace(self, request: Invocation | Submission | ActionInvocation) -> bool:
        """Nothing here is anonymous."""
        return False

    async def owns_thread(self, message: ThreadMessage) -> bool:
        """No thread is anyone's here."""
        return False

    async def command(self, invocation: Invocation) -> Response:
        """Fail."""
        raise RuntimeError("boom")

    async def submit(self, submission: Submission) -> Response:
        """Fail."""
        raise RuntimeError("boom")

    async def action(self, action: ActionInvocation) -> Response:
        """Fail."""
        raise RuntimeError("boom")


async def test_a_failing_turn_is_logged_and_apologised_for(
        connector: FakeBotConnector, application: Application, sleeps: RecordedSleeps,
        caplog: pytest.LogCaptureFixture) -> None:
    """An exception in a turn is logged; the person gets a short apology; HTTP stays 200."""
    teams = build_teams(FailingDispatcher(), application.installations, sleeps)
    client = await serve(teams)
    try:
        with caplog.at_level(logging.ERROR):
            response = await post_activity(client, teams_activities.message(
                "elephant secret text", service_url=connector.url))
    finally:
        await client.close()

    assert response.status == 200
    (reply,) = await connector.wait_for("reply")
    assert reply.args["text"] == APOLOGY
    assert "a Teams message turn failed" in caplog.text and "secret text" not in caplog.text


async def test_connector_failing_the_reply_is_never_a_500(
        bot: TestClient, connector: FakeBotConnector) -> None:
    """When even the apology cannot be delivered, Teams still gets a plain 200."""
    connector.fail_next("reply", status=500, times=2)

    response = await post_activity(bot, teams_activities.message("help",
                                                                 service_url=connector.url))

    assert response.status == 200
    assert len(await connector.wait_for("reply", count=2)) == 2


class RecordingDispatcher:
    """A dispatcher that remembers what it was asked and answers with a fixed reply."""

    def __init__(self) -> None:
        """Start with nothing asked."""
        self.requests: list[Invocation | Submission | ActionInvocation] = []

    def leaves_no_trace(self, request: Invocation | Submission | ActionInvocation) -> bool:
        """Nothing here is anonymous."""
        return False

    async def owns_thread(self, message: ThreadMessage) -> bool:
        """No thread is anyone's here."""
        return False

    async def command(self, invocation: Invocation) -> Response:
        """Record a command."""
        self.requests.append(invocation)
        return Reply("ok")

    async def submit(self, submission: Submission) -> Response:
        """Record a submission."""
        self.requests.append(submission)
        return None

    async def action(self, action: ActionInvocation) -> Response:
        """Record a button press."""
        self.requests.append(action)
        return Reply("pressed")


async def test_button_press_reaches_the_dispatcher_as_an_action(
        connector: FakeBotConnector, application: Application, sleeps: RecordedSleeps) -> None:
    """A card button comes back as an ActionInvocation naming the card's message."""
    dispatcher = RecordingDispatcher()
    client = await serve(build_teams(dispatcher, application.installations, sleeps))
    button = Button("Help", HelpAction.SHOW, value="elephant")
    # Data this version never writes (a card from an older version): the platform cannot
    # read it. An id it can read but nobody registered is the dispatcher's to answer (below).
    stale = {"action": "partnerops.gone", "value": ""}
    try:
        for value, activity_id in ((button_data(button), "act-1"), (stale, "act-2")):
            await post_activity(client, teams_activities.card_submit(
                value, service_url=connector.url, activity_id=activity_id,
                reply_to_id="activity-9", **_channel_sender()))
    finally:
        await client.close()

    (action,) = dispatcher.requests
    assert isinstance(action, ActionInvocation)
    assert action.action == HelpAction.SHOW and action.value == "elephant"
    assert action.message is not None and action.message.id == "activity-9"
    assert action.conversation.id == teams_activities.CHANNEL_ID
    assert action.actor.timezone == "Europe/Berlin" and action.actor.team_id == "tenant-1"
    (pressed,) = await connector.wait_for("send")  # private: in the 1:1 chat
    assert pressed.args["text"] == "pressed"
    (stale_answer,) = await connector.wait_for("reply")  # unknown data: answered in place
    assert stale_answer.args["text"] == STALE


async def test_a_button_nobody_registered_is_answered_as_no_longer_in_use(
        bot: TestClient, connector: FakeBotConnector) -> None:
    """A button id of an older version reaches the core, which answers it as stale."""
    stale = {"partnerops_action": "partnerops.gone", "partnerops_value": ""}

    response = await post_activity(bot, teams_activities.card_submit(
        stale, service_url=connector.url, reply_to_id="activity-9"))

    assert response.status == 200
    (reply,) = await connector.wait_for("reply")
    assert reply.args["text"] == "That button is no longer in use."
    assert connector.of("send") == []


def _channel_sender() -> dict[str, str]:
    """Builder keywords for an activity in the test channel's thread."""
    return {"conversation_id": THREAD, "conversation_type": "channel"}


async def test_submission_carries_values_and_context(
        connector: FakeBotConnector, application: Application, sleeps: RecordedSleeps) -> None:
    """A form's data comes back as a Submission with typed values and its context."""
    dispatcher = RecordingDispatcher()
    client = await serve(build_teams(dispatcher, application.installations, sleeps))
    value = {"partnerops_form": "partnerops.elephant.report",
             "partnerops_context": {"origin.id": "19:x"},
             "partnerops_fields": {"title": "text", "anonymous": "checkbox", "notes": "text"},
             "title": "Forecast hidden", "anonymous": "true"}
    try:
        await post_activity(client, teams_activities.card_submit(value,
                                                                 service_url=connector.url))
    finally:
        await client.close()

    (submission,) = dispatcher.requests
    assert isinstance(submission, Submission)
    assert submission.values == {"title": "Forecast hidden", "anonymous": True, "notes": None}
    assert submission.context == {"origin.id": "19:x"}
    assert connector.of("reply") == []


async def test_authenticated_mode_refuses_unsigned_requests(
        connector: FakeBotConnector, application: Application) -> None:
    """With an app id, a request without a Bot Framework token is a 401 and runs nothing."""
    dispatcher = RecordingDispatcher()
    teams = TeamsPlatform(app_id="00000000-0000-0000-0000-000000000001", app_password="secret",
                          tenant_id="", app_type="MultiTenant", dispatcher=dispatcher,
                          references=application.installations,
                          directory_ids=application.installations)
    client = await serve(teams)
    try:
        response = await post_activity(client, teams_activities.message(
            "help", service_url=connector.url))
    finally:
        await client.close()

    assert response.status == 401
    assert dispatcher.requests == [] and connector.calls == []


async def test_channels_are_named_from_the_teams_channel_list(
        bot: TestClient, connector: FakeBotConnector) -> None:
    """Teams sends channel ids, not names: the bot asks the team's channel list, where the
    General channel has no name, and never shows an id."""
    sales = "19:sales@thread.tacv2"
    connector.add_channel(teams_activities.TEAM_ID, sales, "Partner sales")
    for sent, (channel, said, report) in enumerate((
            (teams_activities.CHANNEL_ID, "General.", "Reps hide the forecast"),
            (sales, "Partner sales.", "Quotes take a week to approve")), start=1):
        activity = teams_activities.channel_mention_message(
            f"elephant {report}", service_url=connector.url,
            conversation_id=f"{channel};messageid=1700000000000")
        assert (await post_activity(bot, activity)).status == 200
        private = (await connector.wait_for("send", count=2 * sent))[-1]
        assert f"posted it to {said}" in said_in(private), said_in(private)
        assert "19:" not in json.dumps(private.args)
    # One look at the list names every channel of the team.
    [asked] = connector.of("get_team_channels")
    assert asked.args["_team_id"] == teams_activities.TEAM_ID
