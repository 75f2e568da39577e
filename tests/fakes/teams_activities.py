"""Builders for activities shaped like those Teams posts to a bot's /api/messages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypedDict, Unpack
from zoneinfo import ZoneInfo

Args = dict[str, Any]
BOT = {"id": "28:bot", "name": "PartnerOps"}
MENTION = f"<at>{BOT['name']}</at>"
CHANNEL_ID = "19:general@thread.tacv2"
TEAM_ID = "19:team@thread.tacv2"


class Sender(TypedDict, total=False):
    """Optional keyword arguments shared by every builder (defaults in DEFAULTS)."""

    conversation_id: str
    conversation_type: str
    user_id: str
    user_name: str
    aad_object_id: str
    tenant_id: str
    timezone: str
    reply_to_id: str | None
    activity_id: str


DEFAULTS: Sender = {
    "conversation_id": "a:1on1",
    "conversation_type": "personal",
    "user_id": "29:ana",
    "user_name": "Ana",
    "aad_object_id": "aad-ana",
    "tenant_id": "tenant-1",
    "timezone": "Europe/Berlin",
    "reply_to_id": None,
    "activity_id": "act-1",
}
CHANNEL_DEFAULTS: Sender = {
    "conversation_id": f"{CHANNEL_ID};messageid=1700000000000",
    "conversation_type": "channel",
}


def message(text: str, *, service_url: str, **sender: Unpack[Sender]) -> Args:
    """Build a plain message activity (1:1 chat unless told otherwise)."""
    return {**_activity("message", service_url, {**DEFAULTS, **sender}), "text": text}


def channel_mention_message(text: str, *, service_url: str, **sender: Unpack[Sender]) -> Args:
    """Build a channel message that @mentions the bot, as Teams requires in channels."""
    activity = _activity("message", service_url, {**DEFAULTS, **CHANNEL_DEFAULTS, **sender})
    mention = {"type": "mention", "mentioned": dict(BOT), "text": MENTION}
    activity["entities"].insert(0, mention)
    return {**activity, "text": f"{MENTION} {text}"}


def card_submit(value: Args, *, service_url: str, **sender: Unpack[Sender]) -> Args:
    """Build the text-less message Teams sends for an Adaptive Card Action.Submit."""
    activity = _activity("message", service_url, {**DEFAULTS, **sender})
    activity["channelData"]["source"] = {"name": "message"}
    if activity.get("replyToId"):
        activity["channelData"]["legacy"] = {"replyToId": activity["replyToId"]}
    return {**activity, "value": value}


def conversation_update_bot_added(
    *, service_url: str, team_id: str | None = None, **sender: Unpack[Sender]
) -> Args:
    """Build the conversationUpdate Teams sends when the bot is installed.

    With `team_id` it is a team install (channel conversation, eventType teamMemberAdded).
    """
    in_team: Sender = {"conversation_id": CHANNEL_ID, "conversation_type": "channel"}
    in_team = in_team if team_id else {}
    activity = _activity("conversationUpdate", service_url, {**DEFAULTS, **in_team, **sender})
    activity["membersAdded"] = [{"id": BOT["id"]}]
    if team_id:
        team = {"id": team_id, "name": "Partners", "aadGroupId": "aad-group-1"}
        activity["channelData"].update(eventType="teamMemberAdded", team=team, teamsTeamId=team_id)
    return activity


def _activity(kind: str, service_url: str, sender: Sender) -> Args:
    """Build the fields every Teams activity carries."""
    tz = sender.get("timezone", "UTC")
    now = datetime.now(UTC)
    tenant = {"id": sender.get("tenant_id", "")}
    conversation: Args = {
        "conversationType": sender.get("conversation_type"),
        "tenantId": tenant["id"],
        "id": sender.get("conversation_id"),
    }
    channel_data: Args = {"tenant": tenant}
    if conversation["conversationType"] == "channel":
        conversation["isGroup"] = True
        channel_data.update(teamsChannelId=CHANNEL_ID, teamsTeamId=TEAM_ID)
        channel_data.update(channel={"id": CHANNEL_ID}, team={"id": TEAM_ID})
    client_info = {
        "type": "clientInfo",
        "locale": "en-US",
        "country": "US",
        "platform": "Web",
        "timezone": tz,
    }
    activity: Args = {
        "type": kind,
        "id": sender.get("activity_id"),
        "timestamp": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "localTimestamp": now.astimezone(ZoneInfo(tz)).isoformat(timespec="milliseconds"),
        "localTimezone": tz,
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {
            "id": sender.get("user_id"),
            "name": sender.get("user_name"),
            "aadObjectId": sender.get("aad_object_id"),
        },
        "conversation": conversation,
        "recipient": dict(BOT),
        "textFormat": "plain",
        "locale": "en-US",
        "entities": [client_info],
        "channelData": channel_data,
    }
    if sender.get("reply_to_id"):
        activity["replyToId"] = sender.get("reply_to_id")
    return activity
