"""Teams activities to the neutral core's requests: who, where, and what they asked for."""

from __future__ import annotations

from typing import Any

from botbuilder.schema import Activity, ActivityTypes

from bot.core.commands import split_command
from bot.core.conversation import Actor, ConversationKind, ConversationRef, MessageRef, Platform
from bot.core.dates import known_zone
from bot.core.forms import Submission
from bot.core.requests import ActionInvocation, Invocation, ThreadChange, ThreadMessage
from bot.platforms.teams.payloads import ButtonPayload, FormPayload, read

KINDS = {"personal": ConversationKind.DIRECT, "groupChat": ConversationKind.GROUP,
         "channel": ConversationKind.CHANNEL}
THREAD_MARKER = ";messageid="
# Typing only a mention (or nothing) asks for the overview.
EMPTY_COMMAND = "help"
# The invoke an Adaptive Card's Action.Execute sends (Universal Actions).
CARD_ACTION = "adaptiveCard/action"

Inbound = Invocation | Submission | ActionInvocation


def conversation_type(activity: Activity) -> str:
    """Teams' conversationType: personal, groupChat or channel (the Emulator sends none)."""
    conversation = activity.conversation
    if conversation.conversation_type in KINDS:
        return str(conversation.conversation_type)
    return "groupChat" if conversation.is_group else "personal"


def channel_of(conversation_id: str) -> str:
    """The channel of a channel thread id (`19:x@thread.tacv2;messageid=1` -> `19:x@...`)."""
    return conversation_id.split(THREAD_MARKER, 1)[0]


def thread_root(activity: Activity) -> str | None:
    """The root message of the channel thread an activity came from, if any."""
    _, marker, root = (activity.conversation.id or "").partition(THREAD_MARKER)
    return root or None if marker else None


def thread_message(activity: Activity) -> ThreadMessage | None:
    """A person's message in a channel thread (new, edited, or deleted), as a ThreadMessage;
    None outside a thread. Whether it is a reply or a command is the caller's to judge."""
    root = thread_root(activity)
    if root is None or not activity.id or activity.from_property is None:
        return None
    change = {ActivityTypes.message_update: ThreadChange.EDITED,
              ActivityTypes.message_delete: ThreadChange.DELETED}.get(
        str(activity.type), ThreadChange.NEW)
    typed = command_text(activity)[0] if change is not ThreadChange.DELETED else ""
    return ThreadMessage(actor_of(activity), MessageRef(conversation_of(activity), root),
                         activity.id, typed, change)


def thread_id(channel: str, root_message_id: str) -> str:
    """The conversation id of the thread under a channel's root message."""
    return f"{channel}{THREAD_MARKER}{root_message_id}"


def conversation_of(activity: Activity) -> ConversationRef:
    """Where the activity happened; a channel thread is named by its channel."""
    kind, tenant = KINDS[conversation_type(activity)], tenant_of(activity) or ""
    if kind is not ConversationKind.CHANNEL:
        return ConversationRef(Platform.TEAMS, activity.conversation.id, kind, workspace=tenant)
    channel = _channel_data(activity).get("channel")
    name = channel.get("name") if isinstance(channel, dict) else None
    return ConversationRef(Platform.TEAMS, channel_of(activity.conversation.id), kind,
                           name if isinstance(name, str) else "", tenant)


def team_of(activity: Activity) -> str | None:
    """The team a channel activity came from (channelData.team.id), else None."""
    team = _channel_data(activity).get("team")
    found = team.get("id") if isinstance(team, dict) else None
    return found if isinstance(found, str) and found else None


def tenant_of(activity: Activity) -> str | None:
    """The Microsoft Entra tenant, from channelData or the conversation (sent as `tenantId`)."""
    tenant = _channel_data(activity).get("tenant")
    if isinstance(tenant, dict) and isinstance(tenant.get("id"), str) and tenant["id"]:
        return str(tenant["id"])
    conversation = activity.conversation
    found = conversation.tenant_id or (conversation.additional_properties or {}).get("tenantId")
    return str(found) if found else None


def timezone_of(activity: Activity) -> str | None:
    """The sender's IANA time zone, from the clientInfo entity or `localTimezone`."""
    candidates = [(entity.additional_properties or {}).get("timezone")
                  for entity in activity.entities or () if entity.type == "clientInfo"]
    candidates.append(activity.local_timezone)
    for candidate in candidates:
        if isinstance(candidate, str) and known_zone(candidate):
            return candidate
    return None


def actor_of(activity: Activity) -> Actor:
    """The sender; `team_id` is the tenant, as Teams has no workspace of its own.

    `directory_id` is their Microsoft Entra object id: the people picker answers with it.
    """
    sender = activity.from_property
    tenant = tenant_of(activity)
    return Actor(platform=Platform.TEAMS, user_id=sender.id, display_name=sender.name or "",
                 timezone=timezone_of(activity), team_id=tenant, workspace=tenant or "",
                 directory_id=sender.aad_object_id or None)


def command_text(activity: Activity) -> tuple[str, tuple[str, ...]]:
    """The typed text without the bot's own @mention (other mentions become `@Name` words),
    and the user ids of the people mentioned.

    Not TurnContext.remove_recipient_mention: it deletes every occurrence of the bot's name,
    so "@PartnerOps PartnerOps whoami" would lose the `partnerops` command word.
    """
    text = activity.text or ""
    bot_id = activity.recipient.id if activity.recipient else None
    people: list[str] = []
    for entity in activity.entities or ():
        extra = entity.additional_properties or {}
        mentioned, shown = extra.get("mentioned"), extra.get("text")
        if entity.type != "mention" or not isinstance(mentioned, dict) \
                or not isinstance(shown, str):
            continue
        if mentioned.get("id") == bot_id:
            text = text.replace(shown, "", 1)
        elif isinstance(mentioned.get("id"), str):
            people.append(mentioned["id"])
            name = "".join(str(mentioned.get("name") or "someone").split())
            text = text.replace(shown, f"@{name}", 1)
    return text.replace("<at></at>", "").strip(), tuple(dict.fromkeys(people))


def parse_message(activity: Activity, prefix: str) -> Inbound | None:
    """A message activity as a command, form submission or button press.

    None for an Action.Submit whose data we did not write (a card from an older version).
    """
    if activity.value is not None:
        submitted = _submitted(activity, activity.value)
        if submitted is not None or not activity.text:
            return submitted
    typed, people = command_text(activity)
    command, rest = split_command(typed or EMPTY_COMMAND, prefix)
    return Invocation(actor_of(activity), conversation_of(activity), command, rest,
                      channels=(), people=people)


def is_card_action(activity: Activity) -> bool:
    """Whether the activity is the invoke of an Adaptive Card Action.Execute."""
    return activity.type == ActivityTypes.invoke and activity.name == CARD_ACTION


def parse_card_action(activity: Activity) -> Submission | ActionInvocation | None:
    """An Action.Execute invoke as the Action.Submit of the same data would be read: Teams
    (and the Agents Playground) send `value.action.data`, the inputs merged into the
    button's data. None for data we did not write."""
    value = activity.value
    action = value.get("action") if isinstance(value, dict) else None
    data = action.get("data") if isinstance(action, dict) else None
    return _submitted(activity, data) if data is not None else None


def _submitted(activity: Activity, value: object) -> Submission | ActionInvocation | None:
    """A card's submitted data as a form submission or button press; None if not ours."""
    actor, conversation = actor_of(activity), conversation_of(activity)
    payload = read(value)
    if isinstance(payload, FormPayload):
        return Submission(payload.form_id, actor, conversation, payload.values,
                          payload.context)
    if isinstance(payload, ButtonPayload):
        card = MessageRef(conversation, activity.reply_to_id) if activity.reply_to_id \
            else None
        return ActionInvocation(actor, conversation, payload.action_id, payload.value, card)
    return None



def _channel_data(activity: Activity) -> dict[str, Any]:
    """channelData as a dict (empty when missing or malformed)."""
    data = activity.channel_data
    return data if isinstance(data, dict) else {}

