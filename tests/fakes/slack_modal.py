"""Fill a modal the bot opened the way a person would, as Slack reports it in view.state."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _state(element: dict[str, Any], value: Any) -> dict[str, Any]:
    kind = element["type"]
    match kind:
        case "plain_text_input":
            return {"type": kind, "value": value}
        case "conversations_select" | "channels_select":
            return {"type": kind, "selected_conversation": value}
        case "multi_users_select":
            return {"type": kind, "selected_users": list(value or [])}
        case "number_input":
            # Slack itself refuses what is not a number before the modal is submitted.
            if value:
                float(value)
            return {"type": kind, "value": value}
        case "static_select":
            offered = [option["value"] for option in element.get("options", [])]
            assert not value or value in offered, f"the menu offers {offered}, not {value!r}"
            return {"type": kind, "selected_option": {"value": value} if value else None}
        case "multi_static_select" | "multi_external_select":
            return {"type": kind, "selected_options": [{"value": v} for v in value or []]}
        case "checkboxes":
            options = element.get("options", [])
            return {"type": kind, "selected_options": options if value else []}
    raise ValueError(f"no filler for {kind}")


def fill(view: Mapping[str, Any], answers: Mapping[str, Any]) -> dict[str, Any]:
    """view.state.values for `answers` (block id -> value); unanswered inputs stay empty."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        element = block["element"]
        values[block["block_id"]] = {
            element["action_id"]: _state(element, answers.get(block["block_id"]))}
    return values
