"""Slack payloads to neutral requests: who asked, where, and what they typed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.conversation import Actor, ConversationKind, ConversationRef, MessageRef, Platform
from bot.core.requests import ThreadChange, ThreadMessage
from bot.platforms.slack.mrkdwn import CHANNEL_MENTION, USER_MENTION

DIRECT_MESSAGE_NAME = "directmessage"
# Slack names every private channel this in slash commands; it is no name at all.
PRIVATE_CHANNEL_PLACEHOLDER = "privategroup"


def conversation_kind(channel_id: str, channel_name: str = "") -> ConversationKind:
    if channel_id.startswith("D") or channel_name == DIRECT_MESSAGE_NAME:
        return ConversationKind.DIRECT
    if channel_name.startswith("mpdm-"):
        return ConversationKind.GROUP
    return ConversationKind.CHANNEL


def conversation(channel_id: str, channel_name: str = "",
                 workspace: str = "") -> ConversationRef:
    kind = conversation_kind(channel_id, channel_name)
    name = "" if kind is ConversationKind.DIRECT or channel_name == PRIVATE_CHANNEL_PLACEHOLDER \
        else channel_name
    return ConversationRef(Platform.SLACK, channel_id, kind, name, workspace)


def actor(user_id: str, name: str = "", team_id: str | None = None,
          workspace: str = "") -> Actor:
    """`workspace` is the team the request came through; `team_id` the person's own."""
    return Actor(Platform.SLACK, user_id, display_name=name, team_id=team_id,
                 workspace=workspace or team_id or "")


@dataclass(frozen=True)
class CommandText:
    """A slash command's text with Slack's escaped mentions made readable (`#sales`,
    `@bob`), and the channels and people they named, in order."""

    text: str
    channels: tuple[ConversationRef, ...]
    people: tuple[str, ...]


def command_text(text: str, workspace: str = "") -> CommandText:
    channels: list[ConversationRef] = []
    people: list[str] = []

    def channel(match: Any) -> str:
        channel_id, name = match.group(1), match.group(2) or ""
        channels.append(conversation(channel_id, name, workspace))
        return f"#{name or channel_id}"

    def person(match: Any) -> str:
        user_id, name = match.group(1), match.group(2) or ""
        people.append(user_id)
        return f"@{name or user_id}"

    readable = USER_MENTION.sub(person, CHANNEL_MENTION.sub(channel, text)).strip()
    return CommandText(readable, tuple(channels), tuple(dict.fromkeys(people)))


def workspace_of(body: dict[str, Any]) -> str:
    """The team an interactive payload came through (a guest's own team is in `user`)."""
    team = body.get("team") or {}
    return str(team.get("id") or (body.get("user") or {}).get("team_id") or "")


def actor_from_body(body: dict[str, Any]) -> Actor:
    """The person behind an interactive payload (block_actions, view_submission)."""
    user = body.get("user") or {}
    return actor(user.get("id", ""), user.get("name", ""), user.get("team_id"),
                 workspace_of(body))


def conversation_from_body(body: dict[str, Any]) -> ConversationRef | None:
    channel = body.get("channel") or {}
    channel_id = channel.get("id") or (body.get("container") or {}).get("channel_id")
    return conversation(channel_id, channel.get("name", ""), workspace_of(body)) \
        if channel_id else None


def thread_message(body: dict[str, Any]) -> ThreadMessage | None:
    """A `message` event that is a person's reply in a thread (new, edited or deleted) as
    a ThreadMessage; None for anything else (top-level messages, bots, the bot itself)."""
    event = body.get("event") or {}
    workspace = str(body.get("team_id") or event.get("team") or "")
    subtype = event.get("subtype")
    change, message = ThreadChange.NEW, event
    if subtype == "message_changed":
        change, message = ThreadChange.EDITED, event.get("message") or {}
    elif subtype == "message_deleted":
        change, message = ThreadChange.DELETED, event.get("previous_message") or {}
    elif subtype not in (None, "thread_broadcast", "file_share"):
        return None  # joins, topic changes, bot messages
    if message.get("bot_id") or not message.get("user"):
        return None
    root, own = message.get("thread_ts"), message.get("ts")
    if not root or not own or root == own:
        return None
    channel = conversation(str(event.get("channel") or ""), "", workspace)
    who = actor(str(message["user"]), "", message.get("user_team") or message.get("team"),
                workspace)
    typed = command_text(str(message.get("text") or ""), workspace).text \
        if change is not ThreadChange.DELETED else ""
    return ThreadMessage(who, MessageRef(channel, str(root)), str(own), typed, change)
