"""Form fields as Adaptive Card inputs, validated by Teams before they are sent.

Teams has no channel picker: a CHANNEL field offers "This conversation" (bot.core.forms.HERE,
which the handler resolves to the conversation the form came from) and, when the field
already holds a conversation id, that one. A PEOPLE field is Teams' people picker over the
whole organisation; it answers with Microsoft Entra (AAD) object ids, not the Teams user ids
(29:...) the bot messages, so the handler must map them to people. It is never required in
the card itself: the picker's own required check is unreliable across Teams clients, and
the core's Form.errors still refuses an empty required field.
"""

from __future__ import annotations

from contextlib import suppress

from bot.core.forms import HERE, FieldKind, FormField
from bot.platforms.teams import adaptive

HERE_TITLE = "This conversation"
KEEP_TITLE = "The conversation chosen before"
PEOPLE_DATASET = "graph.microsoft.com/users"


def _choice_set(item: FormField, choices: list[adaptive.Choice], *,
                many: bool = False) -> adaptive.InputChoiceSet:
    select: adaptive.InputChoiceSet = {
        "type": "Input.ChoiceSet", "id": item.id, "label": item.label,
        "isRequired": item.required, "choices": choices, "style": "compact"}
    if many:
        select["isMultiSelect"] = True
    if item.required:
        select["errorMessage"] = f"Choose {'at least ' if many else ''}one of the options " \
                                 f"for {item.label}."
    if item.placeholder:
        select["placeholder"] = item.placeholder
    if item.initial is not None:
        select["value"] = item.initial
    return select


def _options(item: FormField) -> list[adaptive.Choice]:
    return [adaptive.Choice(title=option.label, value=option.value) for option in item.options]


def _channel(item: FormField) -> adaptive.InputChoiceSet:
    choices = [adaptive.Choice(title=HERE_TITLE, value=HERE)]
    if item.initial and item.initial != HERE:
        # The handler may name the channel already chosen; an id would mean nothing here.
        title = next((option.label for option in item.options
                      if option.value == item.initial), KEEP_TITLE)
        choices.insert(0, adaptive.Choice(title=title, value=item.initial))
    select = _choice_set(item, choices)
    if item.initial is None and item.required:
        select["value"] = HERE  # the one sensible answer, already chosen
    return select


def _people(item: FormField) -> adaptive.InputChoiceSet:
    select = _choice_set(item, [], many=True)
    select["choices.data"] = adaptive.DataQuery(type="Data.Query", dataset=PEOPLE_DATASET)
    select["isRequired"] = False
    select.pop("errorMessage", None)
    return select


def _toggle(item: FormField) -> adaptive.InputToggle:
    on = (item.initial or "").lower() in ("true", "on", "yes")
    return adaptive.InputToggle(type="Input.Toggle", id=item.id, title=item.label,
                                value="true" if on else "false", valueOn="true",
                                valueOff="false")


def _text(item: FormField) -> adaptive.InputText:
    box = adaptive.InputText(type="Input.Text", id=item.id, label=item.label,
                             isRequired=item.required)
    if item.required:
        box["errorMessage"] = f"{item.label} is required."
    if item.kind is FieldKind.MULTILINE:
        box["isMultiline"] = True
    if item.max_length:
        box["maxLength"] = item.max_length
    if item.placeholder:
        box["placeholder"] = item.placeholder
    if item.initial is not None:
        box["value"] = item.initial
    return box


def _number(item: FormField) -> adaptive.InputNumber:
    box = adaptive.InputNumber(type="Input.Number", id=item.id, label=item.label,
                               isRequired=item.required,
                               errorMessage=f"{item.label} takes a number, such as 3 or 2.5.")
    if item.placeholder:
        box["placeholder"] = item.placeholder
    # The schema wants a number, not text; nothing, or an answer from before the question
    # took numbers, leaves the box empty.
    with suppress(ValueError):
        box["value"] = float(item.initial or "")
    return box


def input_for(item: FormField) -> adaptive.Element:
    """One form field as an Adaptive Card input."""
    match item.kind:
        case FieldKind.CHECKBOX:
            return _toggle(item)
        case FieldKind.NUMBER:
            return _number(item)
        case FieldKind.SELECT:
            return _choice_set(item, _options(item))
        case FieldKind.MULTISELECT:
            return _choice_set(item, _options(item), many=True)
        case FieldKind.CHANNEL:
            return _channel(item)
        case FieldKind.PEOPLE:
            return _people(item)
    return _text(item)
