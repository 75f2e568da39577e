"""What a Slack request is, for the line logged about it: its workspace and what was asked (a
slash command's name, a form's or a button's id, an event's type), before the ack goes out.
Never the text, never the person."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.core.telemetry import current_request

SLACK = "slack"


def _first_action(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    return str((actions[0] or {}).get("action_id") or "")


def request_label(body: dict[str, Any]) -> str:
    """`/elephant`, `form <callback id>`, `action <action id>`, `event <type>`, or the
    payload's type."""
    if body.get("command"):
        return str(body["command"])
    kind = str(body.get("type") or "")
    match kind:
        case "view_submission" | "view_closed":
            return f"form {(body.get('view') or {}).get('callback_id') or ''}".strip()
        case "block_actions":
            return f"action {_first_action(body)}".strip()
        case "block_suggestion":
            return f"options {body.get('action_id') or ''}".strip()
        case "event_callback":
            return f"event {(body.get('event') or {}).get('type') or ''}".strip()
    return kind


async def label_request(req: AsyncBoltRequest, resp: BoltResponse,
                        next: Callable[[], Awaitable[BoltResponse]]) -> BoltResponse:
    """A bolt middleware (after the signature check): names the request in its context. A
    plain function, as bolt passes arguments by their names."""
    context = current_request()
    if context is not None:
        context.fill(platform=SLACK, workspace=str(req.context.team_id or ""),
                     command=request_label(req.body))
    return await next()
