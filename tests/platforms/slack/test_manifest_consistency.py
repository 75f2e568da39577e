"""The Slack manifest holds exactly what the code uses: every registered slash command, the
events the listeners handle, and the scopes of the Web API methods the code calls, no more.
The calls and events are found by reading the code, not by trusting the tables."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bot.core.conversation import CommandStyle
from bot.platforms.slack.manifest import (
    BOT_EVENTS,
    BOT_SCOPES,
    EVENT_SCOPES,
    EVENT_SUBSCRIPTIONS,
    FEATURE_SCOPES,
    METHOD_SCOPES,
    SlashCommand,
    slack_manifest,
)
from handlers.registry import build_registry

ROOT = Path(__file__).resolve().parents[3]
FAMILIES = ("auth", "chat", "conversations", "users", "views", "files", "reactions", "pins",
            "team", "usergroups", "bookmarks", "apps", "oauth", "im", "dnd", "emoji")
# slack_sdk helpers that are several Web API calls.
COMPOSITE = {"files.upload_v2": ("files.getUploadURLExternal", "files.completeUploadExternal")}


def _method(attribute: str) -> str | None:
    """`chat_postMessage` -> "chat.postMessage"; None for anything else."""
    family, _, rest = attribute.partition("_")
    return f"{family}.{rest}" if family in FAMILIES and rest else None


def _code() -> list[tuple[Path, ast.AST]]:
    return [(path, ast.parse(path.read_text(), str(path)))
            for folder in ("bot", "handlers", "schedules")
            for path in (ROOT / folder).rglob("*.py")]


def _called_methods() -> set[str]:
    called: set[str] = set()
    for _, tree in _code():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and (method := _method(node.func.attr)):
                called.update(COMPOSITE.get(method, (method,)))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "api_call" and node.args \
                    and isinstance(node.args[0], ast.Constant):
                called.add(str(node.args[0].value))
    return called


def _handled_events() -> set[str]:
    """The event types given to bolt's `app.event(...)` anywhere in the code."""
    found: set[str] = set()
    for _, tree in _code():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "event" and node.args \
                    and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return found


def test_the_scopes_are_exactly_those_of_the_methods_called_events_and_features():
    called = _called_methods()
    assert called == set(METHOD_SCOPES), (
        f"called but not in METHOD_SCOPES: {sorted(called - set(METHOD_SCOPES))}; "
        f"listed but never called: {sorted(set(METHOD_SCOPES) - called)}")
    needed = {scope for method in called for scope in METHOD_SCOPES[method]} | \
        set(FEATURE_SCOPES) | {EVENT_SCOPES[name] for name in BOT_EVENTS if name in EVENT_SCOPES}
    assert set(BOT_SCOPES) == needed
    assert len(BOT_SCOPES) == len(set(BOT_SCOPES))


def test_the_events_are_exactly_those_the_listeners_handle():
    assert _handled_events() == set(EVENT_SUBSCRIPTIONS)
    assert set(BOT_EVENTS) == {name for names in EVENT_SUBSCRIPTIONS.values() for name in names}
    # message.* subscriptions deliver "message" events; any other is named as it is handled.
    assert all(name.split(".")[0] == event for event, names in EVENT_SUBSCRIPTIONS.items()
               for name in names)


def test_the_manifest_has_every_registered_command_with_the_prefix_and_nothing_else():
    registry = build_registry()
    style = CommandStyle(slash=True, prefix="pp-")
    expected = {style.label(spec.name) for spec in registry.commands if spec.slash_command}
    manifest = slack_manifest(public_url="https://bot.acme.test", commands=[
        SlashCommand(style.label(spec.name).lstrip("/"), spec.summary)
        for spec in registry.commands if spec.slash_command])
    assert {entry["command"] for entry in manifest["features"]["slash_commands"]} == expected
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == set(BOT_SCOPES)
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == list(BOT_EVENTS)
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert all(re.fullmatch(r"/pp-[a-z]+", entry["command"])
               for entry in manifest["features"]["slash_commands"])
