"""Reading Teams activities: commands, mentions, people, conversations, references."""

from __future__ import annotations

from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from bot.core.conversation import ConversationKind, Platform
from bot.core.requests import Invocation
from bot.platforms.teams.parse import actor_of, command_text, conversation_of, parse_message
from bot.platforms.teams.references import dump, load
from tests.fakes import teams_activities

URL = "http://127.0.0.1:9/"


def activity(raw: dict[str, Any]) -> Activity:
    """Deserialise a builder's JSON as the adapter does."""
    return Activity().deserialize(raw)


def test_mention_is_removed_but_the_bot_name_as_a_word_is_kept() -> None:
    """Only the <at> mention goes; botbuilder's helper would also delete the command word."""
    raw = teams_activities.channel_mention_message("PartnerOps whoami", service_url=URL)

    assert command_text(activity(raw)) == ("PartnerOps whoami", ())
    assert TurnContext.remove_recipient_mention(activity(raw)).strip() == "whoami"


def test_channel_command_with_prefix() -> None:
    """A channel message becomes an Invocation from the sender, in the channel itself."""
    raw = teams_activities.channel_mention_message("/pp-elephant Reps hide it",
                                                   service_url=URL, timezone="America/Chicago")

    parsed = parse_message(activity(raw), "pp-")

    assert isinstance(parsed, Invocation)
    assert (parsed.command, parsed.text) == ("elephant", "Reps hide it")
    assert parsed.conversation.id == teams_activities.CHANNEL_ID
    assert parsed.conversation.kind is ConversationKind.CHANNEL
    assert parsed.actor.platform is Platform.TEAMS and parsed.actor.user_id == "29:ana"
    assert parsed.actor.display_name == "Ana" and parsed.actor.timezone == "America/Chicago"
    assert parsed.actor.team_id == "tenant-1"


def test_conversation_kinds_and_channel_name() -> None:
    """personal, groupChat and channel map to the core's kinds; a channel name is kept."""
    group = teams_activities.message("x", service_url=URL, conversation_type="groupChat",
                                     conversation_id="19:group@thread.v2")
    channel = teams_activities.channel_mention_message("x", service_url=URL)
    channel["channelData"]["channel"]["name"] = "partner-elephants"

    assert conversation_of(activity(group)).kind is ConversationKind.GROUP
    named = conversation_of(activity(channel))
    # Teams shows channel names without a #.
    assert named.kind is ConversationKind.CHANNEL and named.label == "partner-elephants"


def test_emulator_activity_without_teams_extras() -> None:
    """The Emulator sends no conversationType, tenant or clientInfo: a direct chat in UTC."""
    raw = {"type": "message", "id": "1", "text": "help", "serviceUrl": URL,
           "channelId": "emulator", "from": {"id": "user-1"},
           "conversation": {"id": "conv-1"}, "recipient": {"id": "bot"},
           "localTimezone": "Not/AZone"}

    parsed = parse_message(activity(raw), "")

    assert isinstance(parsed, Invocation) and parsed.command == "help"
    assert parsed.conversation.kind is ConversationKind.DIRECT
    assert actor_of(activity(raw)).timezone is None and parsed.actor.team_id is None


def test_only_a_mention_asks_for_help() -> None:
    """`@PartnerOps` alone shows the overview."""
    raw = teams_activities.channel_mention_message("", service_url=URL)

    parsed = parse_message(activity(raw), "")

    assert isinstance(parsed, Invocation) and parsed.command == "help"


def test_reference_keeps_the_tenant_through_json() -> None:
    """Bot Framework drops Teams' `tenantId` when serialising; our JSON keeps it."""
    raw = teams_activities.message("help", service_url=URL)
    reference = TurnContext.get_conversation_reference(activity(raw))
    assert "tenantId" not in reference.serialize()["conversation"]  # the pitfall itself

    stored = load(dump(reference, "tenant-1", "personal"))

    assert stored.tenant_id == "tenant-1" and stored.kind is ConversationKind.DIRECT
    assert stored.reference.conversation.tenant_id == "tenant-1"
    assert stored.reference.service_url == URL and stored.reference.bot.id == "28:bot"
