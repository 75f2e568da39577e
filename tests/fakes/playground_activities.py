"""Activities exactly as Microsoft 365 Agents Playground 0.2.28 (`agentsplayground -c msteams`)
posts them to a bot, captured from its log panel: field for field, ids and all.

What differs from Teams: `from.id` is `user-id-0` (not `29:...`), tenant, bot and AAD object
ids are GUID-like strings with too many digits, the serviceUrl is `http://localhost:<port>/
_connector` (a path, no trailing slash), channel and team ids are plain words (`team-id`),
install events come without the user's name, and a card's Action.Submit arrives without
`channelData.legacy`. Only the serviceUrl is a parameter: the tests' fake connector serves it.
"""

from __future__ import annotations

from typing import Any

Args = dict[str, Any]
TENANT = "00000000-0000-0000-0000-0000000000001"
BOT = {"id": "00000000-0000-0000-0000-00000000000011", "name": "Test Bot"}
USER = {"id": "user-id-0", "name": "Alex Wilber",
        "aadObjectId": "00000000-0000-0000-0000-0000000000020"}
PERSONAL = "788f0047-3b49-4b12-a270-fa1f44b30440"
GROUP = "9bded4de-05b5-4486-a13b-47206ab21d92"
TEAM = "team-id"  # also the id of its General channel
MENTION = f"<at>{BOT['name']}</at>"
STAMPS = {"timestamp": "2026-12-03T07:56:32.023Z",
          "localTimestamp": "2026-12-03T07:56:32.023+00:00", "localTimezone": "UTC"}


def _conversation(kind: str, conversation_id: str) -> Args:
    group = {"isGroup": True} if kind != "personal" else {}
    return {**group, "conversationType": kind, "tenantId": TENANT, "id": conversation_id}


def _client_info(kind: str) -> Args:
    platform = {"platform": "Web"} if kind != "channel" else {}  # none in channels
    return {"type": "clientInfo", "locale": "en-US", "country": "US", **platform,
            "timezone": "UTC"}


def _channel_data(kind: str) -> Args:
    tenant = {"tenant": {"id": TENANT}}
    if kind != "channel":
        return tenant
    return {"teamsChannelId": TEAM, "teamsTeamId": TEAM, **tenant, "team": {"id": TEAM},
            "channel": {"id": TEAM}}


def message(text: str, *, service_url: str, kind: str = "personal",
            activity_id: str = "5584c155-acc6-4a81-a9fb-b1b8f9c7baa8") -> Args:
    """A message typed in the personal chat, or (`kind` groupChat / channel) one that
    @mentions the bot: the playground sends nothing else to the bot from those."""
    conversation_id = {"personal": PERSONAL, "groupChat": GROUP,
                       "channel": f"{TEAM};messageid=1796284795262"}[kind]
    mention = [] if kind == "personal" else [
        {"type": "mention", "mentioned": dict(BOT), "text": MENTION}]
    return {
        "type": "message", "text": f"{MENTION} {text}" if mention else text,
        "id": activity_id, "from": dict(USER), **STAMPS, "serviceUrl": service_url,
        "conversation": _conversation(kind, conversation_id), "recipient": dict(BOT),
        "textFormat": "plain", "locale": "en-US", "entities": [*mention, _client_info(kind)],
        "channelData": _channel_data(kind), "channelId": "msteams",
    }


def card_submit(value: Args, *, service_url: str, reply_to_id: str,
                activity_id: str = "b48bc38d-2b39-4315-8c48-1de8e76cb9f1") -> Args:
    """An Action.Submit pressed in the personal chat: the button's data with every input's
    value as a string (a toggle "true"/"false", a multi-select "a,b")."""
    return {
        "type": "message", "id": activity_id, "from": dict(USER), **STAMPS,
        "serviceUrl": service_url, "conversation": _conversation("personal", PERSONAL),
        "recipient": dict(BOT), "locale": "en-US", "entities": [_client_info("personal")],
        "channelData": {"source": {"name": "message"}, "tenant": {"id": TENANT}},
        "replyToId": reply_to_id, "value": value, "channelId": "msteams",
    }


def card_action(data: Args, *, service_url: str, reply_to_id: str, title: str = "Report",
                name: str = "adaptiveCard/action") -> Args:
    """An Action.Execute pressed in the personal chat: an invoke whose `value.action.data`
    is the button's data with the inputs merged in (or, with `name`, any other invoke)."""
    activity = card_submit({"action": {"type": "Action.Execute", "title": title,
                                       "verb": "partnerops", "data": data}},
                           service_url=service_url, reply_to_id=reply_to_id,
                           activity_id="5a92e645-0427-4780-b7ca-b82c9d403bf0")
    return {**activity, "type": "invoke", "name": name}


def installed(*, service_url: str, kind: str = "personal") -> list[Args]:
    """What opening the playground (personal) or installing into a team sends: an
    installationUpdate, then a conversationUpdate adding the bot (and, in the personal chat,
    the user), both without the user's name."""
    conversation_id = TEAM if kind == "channel" else PERSONAL
    sender = {"id": USER["id"], "aadObjectId": USER["aadObjectId"]}
    conversation = _conversation(kind, conversation_id)
    team = {"team": {"id": TEAM, "name": "My Team",
                     "aadGroupId": "00000000-0000-0000-0000-000000000031"}} \
        if kind == "channel" else {}
    common = {"from": sender, "timestamp": STAMPS["timestamp"], "serviceUrl": service_url,
              "conversation": conversation, "recipient": dict(BOT)}
    install = {
        "type": "installationUpdate", "id": "103efe95-be8e-49bb-82a3-78f6d8beb0c6", **common,
        "locale": "en-US", "entities": [{"type": "clientInfo", "locale": "en-US"}],
        "channelData": {"tenant": {"id": TENANT}, **team,
                        **({"channel": {"id": TEAM}} if kind == "channel" else {}),
                        "source": {"name": "message"},
                        "settings": {"selectedChannel": {"id": conversation_id}}},
        "action": "add", "channelId": "msteams",
    }
    added = [sender, {"id": BOT["id"]}] if kind == "personal" else [{"id": BOT["id"]}]
    event = {"eventType": "teamMemberAdded",
             "settings": {"selectedChannel": {"id": TEAM}}} if kind == "channel" else {}
    update = {
        "type": "conversationUpdate", "id": "d1830968-e690-4fd3-98cf-e86cd8521f72", **common,
        "membersAdded": added, "channelData": {"tenant": {"id": TENANT}, **team, **event},
        "channelId": "msteams",
    }
    return [install, update]
