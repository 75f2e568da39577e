"""Builders for signed HTTP requests (and Socket Mode envelopes) shaped like Slack's."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from slack_sdk.signature import SignatureVerifier

Args = dict[str, Any]
APP_ID = "A0001"
VERIFICATION_TOKEN = "verification-token"


def sign(body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """Return the headers Slack sends with `body`, signed with `secret` (v0 scheme)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    is_json = body.lstrip().startswith(b"{")
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature or "",
        "Content-Type": "application/json" if is_json else "application/x-www-form-urlencoded",
    }


def slash_command(
    command: str,
    text: str,
    *,
    response_url: str,
    user_id: str = "U0001",
    user_name: str = "ana",
    channel_id: str = "C0001",
    channel_name: str = "general",
    team_id: str = "T0001",
    trigger_id: str = "t-1",
) -> bytes:
    """Build the form body Slack posts for a slash command invocation."""
    fields = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": "acme",
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
    return urlencode(fields).encode()


def block_actions(
    action_id: str,
    value: str,
    *,
    response_url: str,
    user_id: str = "U0001",
    user_name: str = "ana",
    channel_id: str = "C0001",
    message_ts: str = "1700000000.000100",
    trigger_id: str = "t-1",
    block_id: str = "b",
    team_id: str = "T0001",
) -> bytes:
    """Build the form body (payload=JSON) Slack posts when a message button is clicked."""
    button = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": action_id, "emoji": True},
        "value": value,
    }
    message = {
        "type": "message",
        "user": "UBOT",
        "bot_id": "BBOT",
        "team": team_id,
        "ts": message_ts,
        "text": "PartnerOps message",
        "blocks": [{"type": "actions", "block_id": block_id, "elements": [button]}],
    }
    payload = {
        **_envelope("block_actions", user_id, user_name, team_id, trigger_id),
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": False,
        },
        "channel": {"id": channel_id, "name": "general"},
        "message": message,
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [{**button, "block_id": block_id, "action_ts": "1700000001.000200"}],
    }
    return _form_payload(payload)


def view_submission(
    callback_id: str,
    values: Mapping[str, Mapping[str, Mapping[str, Any]]],
    *,
    user_id: str = "U0001",
    user_name: str = "ana",
    private_metadata: str = "",
    view_id: str = "V1",
    team_id: str = "T0001",
    trigger_id: str = "t-1",
) -> bytes:
    """Build the form body Slack posts when a modal is submitted.

    `values` is view.state.values: {block_id: {action_id: {"type": ..., "value": ...}}}.
    """
    state = {
        block: {action: dict(v) for action, v in acts.items()} for block, acts in values.items()
    }
    blocks = [
        {
            "type": "input",
            "block_id": block_id,
            "label": {"type": "plain_text", "text": block_id},
            "element": {"type": value.get("type", "plain_text_input"), "action_id": action_id},
        }
        for block_id, actions in state.items()
        for action_id, value in actions.items()
    ]
    view = {
        "id": view_id,
        "team_id": team_id,
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": private_metadata,
        "title": {"type": "plain_text", "text": "PartnerOps"},
        "submit": {"type": "plain_text", "text": "Submit"},
        "blocks": blocks,
        "state": {"values": state},
        "hash": "1700000000.abcdef",
        "root_view_id": view_id,
        "previous_view_id": None,
        "external_id": "",
        "app_id": APP_ID,
        "bot_id": "BBOT",
        "clear_on_close": False,
        "notify_on_close": False,
    }
    payload = {
        **_envelope("view_submission", user_id, user_name, team_id, trigger_id),
        "view": view,
        "response_urls": [],
    }
    return _form_payload(payload)


def block_suggestion(action_id: str, block_id: str, typed: str, *, view: Mapping[str, Any],
                     user_id: str = "U0001", user_name: str = "ana",
                     team_id: str = "T0001") -> bytes:
    """Build the body Slack posts to the options load URL as someone types into an
    external select of an open modal."""
    payload = {
        **_envelope("block_suggestion", user_id, user_name, team_id, ""),
        "container": {"type": "view", "view_id": "V1"},
        "action_id": action_id, "block_id": block_id, "value": typed,
        "view": {**view, "id": "V1", "state": {"values": {}}},
    }
    payload.pop("trigger_id")
    return _form_payload(payload)


def event_callback(event: Args, *, event_id: str = "Ev1", team_id: str = "T0001") -> bytes:
    """Build the JSON body Slack posts to the Events API request URL."""
    body = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": "UBOT",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{event_id}",
    }
    return json.dumps(body).encode()


def socket_envelope(body: bytes, *, envelope_id: str = "env-1") -> Args:
    """Wrap a body from the builders above as the Socket Mode envelope Slack would push."""
    if body.lstrip().startswith(b"{"):
        kind, payload = "events_api", json.loads(body)
    else:
        form = dict(parse_qsl(body.decode(), keep_blank_values=True))
        is_interactive = "payload" in form
        kind = "interactive" if is_interactive else "slash_commands"
        payload = json.loads(form["payload"]) if is_interactive else form
    return {
        "envelope_id": envelope_id,
        "type": kind,
        "payload": payload,
        "accepts_response_payload": kind != "events_api",
        "retry_attempt": 0,
        "retry_reason": "",
    }


def _envelope(kind: str, user_id: str, user_name: str, team_id: str, trigger_id: str) -> Args:
    """Return the fields common to every interactivity payload."""
    return {
        "type": kind,
        "user": {"id": user_id, "username": user_name, "name": user_name, "team_id": team_id},
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id,
        "team": {"id": team_id, "domain": "acme"},
        "enterprise": None,
        "is_enterprise_install": False,
    }


def _form_payload(payload: Args) -> bytes:
    """Encode an interactivity payload as Slack does: form field payload=<json>."""
    return urlencode({"payload": json.dumps(payload)}).encode()
