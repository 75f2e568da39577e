"""Form fields as Block Kit input elements, and their submitted state back as field values.

Value types per FieldKind (see bot.core.forms): a MULTISELECT comes back as the list of the
chosen option values, a PEOPLE field as the list of chosen Slack user ids, a CHANNEL field as
the chosen conversation id (Slack always has a picker, so never bot.core.forms.HERE).
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    ConversationFilter,
    ConversationSelectElement,
    ExternalDataMultiSelectElement,
    ExternalDataSelectElement,
    InputInteractiveElement,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticMultiSelectElement,
    StaticSelectElement,
    UserMultiSelectElement,
)

from bot.core.forms import HERE, FieldKind, FieldValue, FormField
from bot.core.forms import Option as FormOption

VALUE_ACTION = "value"
CHECKED = "true"
OPTIONS_MAX = 100
OPTION_TEXT_MAX = 75
PLACEHOLDER_MAX = 150
# Conversation ids Slack can pre-select: public (C), private or shared (G) channels.
CONVERSATION_PREFIXES = ("C", "G")


def initial_items(field: FormField) -> list[str]:
    """The comma-separated `initial` of a MULTISELECT or PEOPLE field, as a list."""
    return [item.strip() for item in (field.initial or "").split(",") if item.strip()]


def _options(field: FormField) -> list[Option]:
    return [Option(value=option.value, label=option.label[:OPTION_TEXT_MAX])
            for option in field.options[:OPTIONS_MAX]]


def _channel_select(field: FormField, placeholder: PlainTextObject | None) -> Any:
    """A conversation picker: channels only, no bots, starting at the current conversation."""
    initial = field.initial if field.initial and field.initial != HERE \
        and field.initial.startswith(CONVERSATION_PREFIXES) else None
    return ConversationSelectElement(
        action_id=VALUE_ACTION, placeholder=placeholder, initial_conversation=initial,
        # Slack prefers initial_conversation when both are given.
        default_to_current_conversation=True,
        filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
    )


def element(field: FormField) -> InputInteractiveElement:
    """The Block Kit element that asks for `field`."""
    placeholder = PlainTextObject(text=field.placeholder[:PLACEHOLDER_MAX]) \
        if field.placeholder else None
    match field.kind:
        case FieldKind.SELECT if field.search and len(field.options) > OPTIONS_MAX:
            found = next((option for option in field.options if option.value == field.initial),
                         None)
            return ExternalDataSelectElement(
                action_id=str(field.search), placeholder=placeholder, min_query_length=0,
                initial_option=Option(value=found.value, label=found.label[:OPTION_TEXT_MAX])
                if found else None)
        case FieldKind.SELECT:
            options = _options(field)
            initial = next((opt for opt in options if opt.value == field.initial), None)
            return StaticSelectElement(action_id=VALUE_ACTION, options=options,
                                       placeholder=placeholder, initial_option=initial)
        case FieldKind.MULTISELECT if field.search and len(field.options) > OPTIONS_MAX:
            # Too many for a static menu: Slack asks the bot for matches as the person types.
            wanted = set(initial_items(field))
            chosen = [Option(value=option.value, label=option.label[:OPTION_TEXT_MAX])
                      for option in field.options if option.value in wanted]
            return ExternalDataMultiSelectElement(action_id=str(field.search),
                                                  placeholder=placeholder, min_query_length=0,
                                                  initial_options=chosen or None)
        case FieldKind.MULTISELECT:
            options = _options(field)
            wanted = set(initial_items(field))
            chosen = [option for option in options if option.value in wanted]
            return StaticMultiSelectElement(action_id=VALUE_ACTION, options=options,
                                            placeholder=placeholder,
                                            initial_options=chosen or None)
        case FieldKind.CHANNEL:
            return _channel_select(field, placeholder)
        case FieldKind.PEOPLE:
            return UserMultiSelectElement(action_id=VALUE_ACTION, placeholder=placeholder,
                                          initial_users=initial_items(field) or None)
        case FieldKind.NUMBER:
            # Slack refuses what is not a number before the modal is submitted.
            return NumberInputElement(action_id=VALUE_ACTION, is_decimal_allowed=True,
                                      placeholder=placeholder, initial_value=field.initial)
        case FieldKind.CHECKBOX:
            option = Option(value=CHECKED, label=field.label[:OPTION_TEXT_MAX])
            return CheckboxesElement(action_id=VALUE_ACTION, options=[option],
                                     initial_options=[option] if field.initial == CHECKED
                                     else None)
        case _:
            return PlainTextInputElement(
                action_id=VALUE_ACTION, multiline=field.kind is FieldKind.MULTILINE,
                max_length=field.max_length, placeholder=placeholder,
                initial_value=field.initial,
            )


def options_payload(options: tuple[FormOption, ...]) -> list[dict[str, Any]]:
    """Options as a block_suggestion answer lists them (at most Slack's 100)."""
    return [Option(value=option.value, label=option.label[:OPTION_TEXT_MAX]).to_dict()
            for option in options[:OPTIONS_MAX]]


def value(state: dict[str, Any]) -> FieldValue:
    """One element's entry of `view.state.values` as the field's value."""
    match state.get("type"):
        case "static_select" | "external_select":
            selected = state.get("selected_option")
            return selected["value"] if selected else None
        case "multi_static_select" | "multi_external_select":
            return [str(option["value"]) for option in state.get("selected_options") or ()
                    if option.get("value")]
        case "conversations_select":
            return state.get("selected_conversation") or None
        case "multi_users_select":
            return [str(user) for user in state.get("selected_users") or () if user]
        case "checkboxes":
            return any(opt.get("value") == CHECKED for opt in state.get("selected_options", []))
        case _:
            return state.get("value")
