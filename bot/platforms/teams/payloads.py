"""The data our Adaptive Card Action.Submit buttons carry, and reading it back from activity.value.

Teams sends `activity.value` = the button's `data` object merged with every input's value keyed
by the input's id. Every key we add ourselves starts with `partnerops_`, so a form field must
never use an id with that prefix (nor `msteams`, which Teams reserves):

    form submit: {"partnerops_form": form id, "partnerops_context": {str: str},
                  "partnerops_fields": {field id: field kind}, <field id>: <input value>, ...}

Multi-select inputs (MULTISELECT, and PEOPLE, whose values are AAD object ids) come back as
one comma-separated string and are read as lists; a CHANNEL is an id or bot.core.forms.HERE.
    button:      {"partnerops_action": action id, "partnerops_value": button value}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.cards import Button
from bot.core.forms import FieldKind, FieldValue, Form

FORM_KEY = "partnerops_form"
CONTEXT_KEY = "partnerops_context"
FIELDS_KEY = "partnerops_fields"
ACTION_KEY = "partnerops_action"
VALUE_KEY = "partnerops_value"
RESERVED_PREFIXES = ("partnerops_", "msteams")
LIST_KINDS = frozenset({FieldKind.MULTISELECT.value, FieldKind.PEOPLE.value})


@dataclass(frozen=True)
class FormPayload:
    """A submitted form: its id, the context it was opened with, and the field values."""

    form_id: str
    context: dict[str, str]
    values: dict[str, FieldValue]


@dataclass(frozen=True)
class ButtonPayload:
    """A pressed button: its action id and value."""

    action_id: str
    value: str


def form_data(form: Form) -> dict[str, Any]:
    """The Action.Submit `data` of a form's submit button."""
    for item in form.fields:
        if item.id.startswith(RESERVED_PREFIXES):
            raise ValueError(f"form field id {item.id!r} uses a reserved prefix")
    return {FORM_KEY: str(form.id), CONTEXT_KEY: dict(form.context),
            FIELDS_KEY: {item.id: item.kind.value for item in form.fields}}


def button_data(button: Button) -> dict[str, Any]:
    """The Action.Submit `data` of a card button."""
    return {ACTION_KEY: str(button.action), VALUE_KEY: button.value}


def read(value: object) -> FormPayload | ButtonPayload | None:
    """Our payload inside `activity.value`, or None when it holds none."""
    if not isinstance(value, dict):
        return None
    if isinstance(value.get(ACTION_KEY), str):
        return ButtonPayload(value[ACTION_KEY], _text(value.get(VALUE_KEY)))
    if not isinstance(value.get(FORM_KEY), str):
        return None
    raw_context = value.get(CONTEXT_KEY)
    context = {str(key): _text(item) for key, item in raw_context.items()} \
        if isinstance(raw_context, dict) else {}
    raw_fields = value.get(FIELDS_KEY)
    kinds = {str(key): str(kind) for key, kind in raw_fields.items()} \
        if isinstance(raw_fields, dict) else {}
    inputs = {key: item for key, item in value.items() if not key.startswith(RESERVED_PREFIXES)}
    field_ids = dict.fromkeys([*kinds, *inputs])
    values = {field_id: _field_value(kinds.get(field_id), inputs.get(field_id))
              for field_id in field_ids}
    return FormPayload(value[FORM_KEY], context, values)


def _field_value(kind: str | None, raw: object) -> FieldValue:
    """One submitted input as the core expects it, or None if empty.

    A toggle is a bool; a multi-select or people picker (comma-separated in Teams) a list;
    anything else text.
    """
    if kind == FieldKind.CHECKBOX.value:
        return raw is True or str(raw).lower() == "true"
    if raw is None or raw == "":
        return None
    if kind in LIST_KINDS:
        items = raw if isinstance(raw, list) else _text(raw).split(",")
        return [text for item in items if (text := _text(item).strip())] or None
    if isinstance(raw, list):
        return [_text(item) for item in raw]
    return _text(raw)


def _text(raw: object) -> str:
    """A JSON scalar as text ("" for null)."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw)
