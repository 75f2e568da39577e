"""The Slack app manifest, generated to match the configured command names and URL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Every Web API method the code calls, and the bot scopes it needs (a test scans the code
# for the calls: a method not listed, or listed and never called, fails it). History lets
# a recovering process look for the message metadata of a send a crash interrupted
# (SlackOutbox.find_delivery); files_upload_v2 is the two files.* calls.
METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "auth.test": (),
    "chat.postMessage": ("chat:write",),
    "chat.postEphemeral": ("chat:write",),
    "chat.update": ("chat:write",),
    "conversations.history": ("channels:history", "groups:history", "im:history"),
    "conversations.replies": ("channels:history", "groups:history", "im:history"),
    "conversations.info": ("channels:read", "groups:read"),
    "conversations.members": ("channels:read", "groups:read"),
    "conversations.open": ("im:write",),
    "users.info": ("users:read",),
    "views.open": (),
    "views.publish": (),
    "views.update": (),
    "files.getUploadURLExternal": ("files:write",),
    "files.completeUploadExternal": ("files:write",),
}
# Scopes for what is not a method call: slash commands; posting to a public channel the bot
# was not invited to (the elephants channel, a review's channel); the email in users.info
# (a partner contact's invitation is matched by it).
FEATURE_SCOPES = ("commands", "chat:write.public", "users:read.email")
# Each event the code handles (listeners.py), and the subscriptions that deliver it: Slack
# disables subscriptions that keep failing, so only these. The Home tab is published when a
# person opens it; replies in a feedback campaign's thread are collected from channel
# messages (public and private channels, Slack Connect included); an uninstall, or revoked
# tokens, delete the workspace's install (installs.py; these two need no scope).
EVENT_SUBSCRIPTIONS: dict[str, tuple[str, ...]] = {
    "app_home_opened": ("app_home_opened",),
    "message": ("message.channels", "message.groups"),
    "app_uninstalled": ("app_uninstalled",),
    "tokens_revoked": ("tokens_revoked",),
}
EVENT_SCOPES = {"message.channels": "channels:history", "message.groups": "groups:history"}
BOT_EVENTS = tuple(name for names in EVENT_SUBSCRIPTIONS.values() for name in names)


def _scopes() -> tuple[str, ...]:
    """Exactly the scopes the calls, features and events above need, each once."""
    needed = [*FEATURE_SCOPES, *(scope for scopes in METHOD_SCOPES.values() for scope in scopes),
              *(EVENT_SCOPES[name] for name in BOT_EVENTS if name in EVENT_SCOPES)]
    return tuple(dict.fromkeys(needed))


BOT_SCOPES = _scopes()
DESCRIPTION_MAX = 140
# Where Slack sends the installer's browser back (OAuth; PUBLIC_URL in front).
OAUTH_REDIRECT_PATH = "/slack/oauth_redirect"


@dataclass(frozen=True)
class SlashCommand:
    name: str
    description: str
    usage_hint: str = ""


def slack_manifest(*, public_url: str, commands: list[SlashCommand],
                   socket_mode: bool = False, app_name: str = "PartnerOps") -> dict[str, Any]:
    events_url = f"{public_url.rstrip('/')}/slack/events"
    slash_commands = []
    for command in commands:
        entry: dict[str, Any] = {
            "command": f"/{command.name}",
            "description": command.description[:DESCRIPTION_MAX],
            # Slack then sends channel mentions as <#C123|name>, which the bot reads.
            "should_escape": True,
        }
        if not socket_mode:
            entry["url"] = events_url
        if command.usage_hint:
            entry["usage_hint"] = command.usage_hint[:1000]
        slash_commands.append(entry)
    settings: dict[str, Any] = {
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": socket_mode,
        "token_rotation_enabled": False,
    }
    if BOT_EVENTS:
        settings["event_subscriptions"] = {"bot_events": list(BOT_EVENTS)}
        if not socket_mode:
            settings["event_subscriptions"]["request_url"] = events_url
    if not socket_mode:
        settings["interactivity"]["request_url"] = events_url
        # Menus too long to send whole (partners past 100) ask here for what matches.
        settings["interactivity"]["message_menu_options_url"] = events_url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": app_name,
            "description": "Partner channel routine: cadences, objectives, feedback, elephants.",
            "background_color": "#1d3557",
        },
        "features": {
            # The Home tab shows `home`; the bot's direct messages show in the Messages tab.
            "app_home": {"home_tab_enabled": True, "messages_tab_enabled": True,
                         "messages_tab_read_only_enabled": True},
            "bot_user": {"display_name": app_name, "always_online": True},
            "slash_commands": slash_commands,
        },
        "oauth_config": {
            "redirect_urls": [f"{public_url.rstrip('/')}{OAUTH_REDIRECT_PATH}"],
            "scopes": {"bot": list(BOT_SCOPES)},
        },
        "settings": settings,
    }
