"""Tests proving the loopback fakes behave like Slack and the Bot Framework connector."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator, Sequence
from types import SimpleNamespace

import aiohttp
import pytest
from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import MicrosoftAppCredentials
from botframework.connector.models import ErrorResponseException
from msrest.exceptions import ClientRequestError
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes import FakeBotConnector, FakeSlackApi, slack_requests, teams_activities

SECRET = "signing-secret"
TEAMS_CHANNEL = "19:general@thread.tacv2;messageid=1700000000000"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackApi]:
    """Run a fake Slack API for one test."""
    async with FakeSlackApi() as fake:
        yield fake


@pytest.fixture
async def connector() -> AsyncIterator[FakeBotConnector]:
    """Run a fake Bot Framework connector for one test."""
    async with FakeBotConnector() as fake:
        yield fake


def web_client(slack: FakeSlackApi, **kwargs: object) -> AsyncWebClient:
    """Build a real slack_sdk client pointed at the fake."""
    return AsyncWebClient(token="xoxb-test", base_url=slack.url, **kwargs)  # type: ignore[arg-type]


async def test_post_message_is_recorded_with_json_args_and_token(slack: FakeSlackApi) -> None:
    """chat.postMessage arrives as JSON; blocks stay objects and ts values increase."""
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]
    client = web_client(slack)
    before = time.time()
    first = await client.chat_postMessage(channel="C0001", text="hi", blocks=blocks)
    second = await client.chat_postMessage(channel="U0001", text="dm")
    after = time.time()

    calls = await slack.wait_for("chat.postMessage", count=2)
    assert calls[0].args["blocks"] == blocks
    assert calls[0].headers["Authorization"] == "Bearer xoxb-test"
    # Slack's ts: the wall-clock second it was posted, with six decimals.
    assert re.fullmatch(r"\d{10}\.\d{6}", first["ts"]) and second["ts"] > first["ts"]
    assert before - 0.000001 <= float(first["ts"]) <= float(second["ts"]) <= after + 0.001
    assert second["channel"] == "D" + "U0001"
    assert first["message"]["text"] == "hi"


async def test_form_and_query_args_are_parsed(slack: FakeSlackApi) -> None:
    """POST params go to the query string; form strings holding JSON are decoded."""
    client = web_client(slack)
    opened = await client.conversations_open(users="U0001")
    async with aiohttp.ClientSession() as http:
        form = {"channel": "C1", "text": "[not json]", "blocks": json.dumps([{"type": "divider"}])}
        await http.post(slack.url + "chat.postEphemeral", data=form)

    assert opened["channel"]["id"] == "DU0001"
    assert slack.of("conversations.open")[0].args == {"users": "U0001"}
    ephemeral = slack.of("chat.postEphemeral")[0].args
    assert ephemeral["blocks"] == [{"type": "divider"}] and ephemeral["text"] == "[not json]"


async def test_users_and_channels(slack: FakeSlackApi) -> None:
    """users.info serves added users; conversations.info honours set_channel."""
    slack.add_user("U0001", name="ana", real_name="Ana Lopez", email="ana@acme.test")
    slack.set_channel("C0002", is_member=False, name="partners")
    client = web_client(slack)

    user = await client.users_info(user="U0001")
    info = await client.conversations_info(channel="C0002")
    with pytest.raises(SlackApiError) as missing:
        await client.users_info(user="U9999")

    assert user["user"]["profile"]["email"] == "ana@acme.test"
    assert user["user"]["tz"] == "Europe/Berlin"
    assert slack.of("users.info")[0].verb == "GET"
    assert info["channel"]["is_member"] is False and info["channel"]["name"] == "partners"
    assert missing.value.response["error"] == "user_not_found"


async def test_rate_limit_then_retry_succeeds(slack: FakeSlackApi) -> None:
    """A 429 with Retry-After is retried by slack_sdk's rate-limit handler."""
    slack.fail_next("chat.postMessage", status=429, retry_after=0)
    client = web_client(slack, retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)])

    response = await client.chat_postMessage(channel="C0001", text="retry me")

    assert response["ok"] is True
    calls = slack.of("chat.postMessage")
    assert [call.args.get("_injected_status") for call in calls] == [429, None]


async def test_a_429_closes_its_method_for_the_retry_after_when_asked(
        slack: FakeSlackApi) -> None:
    """close_on_429: like Slack, a 429 refuses the whole method, not the one call, until its
    Retry-After has passed; other methods go on, and queued faults wait their turn."""
    slack.close_on_429("chat.postMessage")
    slack.fail_next("chat.postMessage", status=429, retry_after=1)
    slack.error_next("chat.postMessage", error="channel_not_found")
    client = web_client(slack)

    with pytest.raises(SlackApiError) as refused:
        await client.chat_postMessage(channel="C0001", text="refused")
    with pytest.raises(SlackApiError) as closed:
        await client.chat_postMessage(channel="C0002", text="refused while closed")
    updated = await client.chat_update(channel="C0001", ts="1", text="another method")
    await asyncio.sleep(1.0)
    with pytest.raises(SlackApiError) as queued:
        await client.chat_postMessage(channel="C0003", text="the queued fault, after")
    posted = await client.chat_postMessage(channel="C0004", text="open again")

    assert refused.value.response.status_code == 429
    assert closed.value.response.status_code == 429
    assert closed.value.response.headers["Retry-After"] == "1"
    assert updated["ok"] is True and posted["ok"] is True
    assert queued.value.response["error"] == "channel_not_found"
    calls = slack.of("chat.postMessage")
    assert [call.args.get("_closed", False) for call in calls] == [False, True, False, False]
    assert [call.args.get("_injected_status") for call in calls] == [429, 429, None, None]

async def test_server_error_error_next_and_delay(slack: FakeSlackApi) -> None:
    """5xx, ok=false errors and delays surface as they would from Slack."""
    slack.fail_next("chat.update", status=503)
    slack.error_next("chat.postMessage", error="channel_not_found")
    slack.delay_next("auth.test", 1.0)
    client = web_client(slack)

    with pytest.raises(SlackApiError) as server_error:
        await client.chat_update(channel="C0001", ts="1", text="x")
    with pytest.raises(SlackApiError) as not_found:
        await client.chat_postMessage(channel="C404", text="x")
    with pytest.raises(asyncio.TimeoutError):
        await web_client(slack, timeout=0.2).auth_test()

    assert server_error.value.response.status_code == 503
    assert not_found.value.response["error"] == "channel_not_found"
    assert (await slack.wait_for("auth.test"))[0].args["_injected_delay"] == 1.0
    assert (await client.auth_test())["user_id"] == "UBOT"


async def test_response_url_is_recorded(slack: FakeSlackApi) -> None:
    """Posts to a response_url are recorded with the token and JSON body."""
    async with aiohttp.ClientSession() as http:
        resp = await http.post(slack.response_url("r7"), json={"text": "done"})
        assert await resp.json() == {"ok": True}

    (call,) = await slack.wait_for("response_url")
    assert call.args == {"_token": "r7", "text": "done"}


async def test_wait_for_timeout_lists_recorded_calls(slack: FakeSlackApi) -> None:
    """A wait_for timeout explains what was recorded instead."""
    await web_client(slack).auth_test()
    with pytest.raises(AssertionError, match=r"(?s)'chat.update'.*got 0.*auth\.test"):
        await slack.wait_for("chat.update", timeout=0.05)


async def test_socket_mode_round_trip(slack: FakeSlackApi) -> None:
    """slack_sdk's aiohttp Socket Mode client connects, receives envelopes and acks them."""
    received: list[str] = []

    async def on_request(client: AsyncBaseSocketModeClient, req: SocketModeRequest) -> None:
        """Ack every envelope like a Bolt app would."""
        received.append(req.payload["command"])
        await client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))

    client = SocketModeClient(app_token="xapp-test", web_client=web_client(slack))
    client.socket_mode_request_listeners.append(on_request)
    await client.connect()  # type: ignore[no-untyped-call]
    try:
        body = slack_requests.slash_command("/partner", "list", response_url=slack.response_url())
        await slack.socket_send(slack_requests.socket_envelope(body, envelope_id="env-9"))
        (ack,) = await slack.wait_for("socket_ack")
    finally:
        await client.close()  # type: ignore[no-untyped-call]

    assert ack.args == {"envelope_id": "env-9"}
    assert received == ["/partner"]
    assert slack.of("apps.connections.open")[0].headers["Authorization"] == "Bearer xapp-test"


def test_signed_requests_verify() -> None:
    """sign() output passes slack_sdk's SignatureVerifier and rejects a wrong secret."""
    body = slack_requests.slash_command("/partner", "help", response_url="http://x/r")
    headers = slack_requests.sign(body, SECRET)

    assert SignatureVerifier(SECRET).is_valid_request(body, headers)
    assert not SignatureVerifier("other").is_valid_request(body, headers)
    assert not SignatureVerifier(SECRET).is_valid_request(body + b"&x=1", headers)
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"


async def test_bolt_accepts_every_builder(slack: FakeSlackApi) -> None:
    """A real Bolt app routes each built request to the matching listener."""
    app = AsyncApp(signing_secret=SECRET, client=web_client(slack))
    seen: list[str] = []

    async def record(ack: AsyncAck, body: dict[str, object]) -> None:
        """Ack and remember which kind of payload arrived."""
        await ack()
        seen.append(str(body.get("type") or body.get("command")))

    app.command("/partner")(record)
    app.action("approve")(record)
    app.view("new_partner")(record)
    app.event("app_mention")(record)
    values = {"name": {"name_input": {"type": "plain_text_input", "value": "Globex"}}}
    bodies = [
        slack_requests.slash_command("/partner", "add", response_url=slack.response_url()),
        slack_requests.block_actions("approve", "p-1", response_url=slack.response_url()),
        slack_requests.view_submission("new_partner", values, private_metadata="m"),
        slack_requests.event_callback({"type": "app_mention", "user": "U0001", "text": "hi"}),
    ]
    for body in bodies:
        headers: dict[str, str | Sequence[str]] = {**slack_requests.sign(body, SECRET)}
        request = AsyncBoltRequest(body=body.decode(), headers=headers)
        response = await app.async_dispatch(request)
        assert response.status == 200, response.body
    await asyncio.sleep(0.05)  # event listeners run after the ack

    assert seen == ["/partner", "block_actions", "view_submission", "event_callback"]


async def test_connector_client_calls_are_recorded(connector: FakeBotConnector) -> None:
    """The real botframework ConnectorClient talks to the fake connector."""
    client = ConnectorClient(MicrosoftAppCredentials("", ""), base_url=connector.url)
    connector.add_member("29:ana", name="Ana Lopez", email="ana@acme.test", aad_object_id="aad")

    sent = await client.conversations.send_to_conversation(
        TEAMS_CHANNEL, Activity(type="message", text="hello")
    )
    member = await client.conversations.get_conversation_member(TEAMS_CHANNEL, "29:ana")
    with pytest.raises(ErrorResponseException):
        await client.conversations.get_conversation_member(TEAMS_CHANNEL, "29:nobody")

    (call,) = await connector.wait_for("send")
    assert sent.id == "activity-1"
    assert call.args["_conversation_id"] == TEAMS_CHANNEL and call.args["text"] == "hello"
    assert member.additional_properties["email"] == "ana@acme.test"


async def test_connector_fail_next(connector: FakeBotConnector) -> None:
    """Msrest retries a 429 itself; with retries off errors surface; all are recorded."""
    client = ConnectorClient(MicrosoftAppCredentials("", ""), base_url=connector.url)
    connector.fail_next("update", status=429, retry_after=0)
    await client.conversations.update_activity("a:1on1", "activity-1", Activity(text="x"))

    client.config.retry_policy.retries = 0
    connector.fail_next("update", status=429)
    with pytest.raises(ErrorResponseException):
        await client.conversations.update_activity("a:1on1", "activity-1", Activity(text="y"))
    connector.fail_next("update", status=500)
    with pytest.raises(ClientRequestError):  # msrest/urllib3 turn 5xx into a RetryError
        await client.conversations.update_activity("a:1on1", "activity-1", Activity(text="z"))

    statuses = [call.args.get("_injected_status") for call in connector.of("update")]
    assert statuses == [429, None, 429, 500]
    assert connector.of("update")[0].args["_activity_id"] == "activity-1"


async def test_cloud_adapter_turn_against_fake_connector(connector: FakeBotConnector) -> None:
    """A Teams activity runs through CloudAdapter; the reply and member lookup hit the fake."""
    connector.add_member("29:ana", name="Ana Lopez", email="ana@acme.test")
    config = SimpleNamespace(APP_ID="", APP_PASSWORD="", APP_TYPE="MultiTenant", APP_TENANTID="")
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(config))
    emails: list[str | None] = []

    async def logic(turn: TurnContext) -> None:
        """Look up the sender and reply."""
        emails.append((await TeamsInfo.get_member(turn, turn.activity.from_property.id)).email)
        await turn.send_activity("pong")

    raw = teams_activities.channel_mention_message("ping", service_url=connector.url)
    await adapter.process_activity("", Activity().deserialize(raw), logic)

    (reply,) = await connector.wait_for("reply")
    assert reply.args["text"] == "pong" and reply.args["_activity_id"] == "act-1"
    assert reply.args["_conversation_id"] == TEAMS_CHANNEL
    assert emails == ["ana@acme.test"]


def test_teams_builders_shape() -> None:
    """Card submits carry value and no text; bot-added updates list the bot."""
    submit = teams_activities.card_submit({"action": "approve"}, service_url="http://x/")
    added = teams_activities.conversation_update_bot_added(service_url="http://x/", team_id="19:t")

    assert "text" not in submit and submit["value"] == {"action": "approve"}
    assert added["membersAdded"] == [{"id": "28:bot"}]
    assert added["channelData"]["eventType"] == "teamMemberAdded"
    assert added["conversation"]["conversationType"] == "channel"
