"""Forms as data: a Slack modal, a Teams Adaptive Card, or prompts in the console."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from bot.core.conversation import Actor, ConversationRef
from bot.core.ids import ActionId, FormId

FieldValue = str | bool | list[str] | None


class FieldKind(StrEnum):
    """What a field asks for, and so which value type comes back.

    TEXT, MULTILINE, SELECT -> str; NUMBER -> str, the number as typed (the field's `check`
    says whether it is one); CHECKBOX -> bool; MULTISELECT -> list[str] of option
    values; CHANNEL -> str, a conversation id of the platform, or "here" for the
    conversation the form was opened from (where the platform has no channel picker);
    PEOPLE -> list[str] of the platform's user ids.
    """

    TEXT = "text"
    MULTILINE = "multiline"
    NUMBER = "number"
    SELECT = "select"
    CHECKBOX = "checkbox"
    MULTISELECT = "multiselect"
    CHANNEL = "channel"
    PEOPLE = "people"


HERE = "here"

# The value a field of each kind comes back as (a lone string also counts for a list).
VALUE_TYPES: dict[FieldKind, type | tuple[type, ...]] = {
    FieldKind.TEXT: str, FieldKind.MULTILINE: str, FieldKind.NUMBER: str,
    FieldKind.SELECT: str, FieldKind.CHANNEL: str, FieldKind.CHECKBOX: (bool, str),
    FieldKind.MULTISELECT: (list, str), FieldKind.PEOPLE: (list, str),
}


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class FormField:
    id: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = True
    placeholder: str = ""
    hint: str = ""
    # The choices of a SELECT or MULTISELECT; for a CHANNEL, the name of the one it holds.
    options: tuple[Option, ...] = ()
    initial: str | None = None
    max_length: int | None = None
    # The action that answers with the options matching typed text (a `Choices`), for lists
    # longer than a platform's menu holds (Slack: 100 options).
    search: ActionId | None = None
    # Words that stand for several options where people type them (console): "weekdays".
    shorthands: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # What is wrong with a typed value (TEXT, MULTILINE, NUMBER), or None: checked as soon as it is
    # typed where a platform asks field by field (console), and on submit everywhere.
    check: Callable[[str], str | None] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Form:
    """A form; `context` is opaque state that comes back with the submission."""

    id: FormId
    title: str
    fields: tuple[FormField, ...]
    submit_label: str = "Submit"
    context: dict[str, str] = field(default_factory=dict)
    # Field id -> what is wrong: a form shown again with what was typed, and these beside it.
    problems: Mapping[str, str] = field(default_factory=dict)

    def field(self, field_id: str) -> FormField:
        return next(item for item in self.fields if item.id == field_id)

    def again(self, values: Mapping[str, FieldValue], problems: Mapping[str, str]) -> Form:
        """This form filled in with what was submitted, and what is wrong with it."""
        fields = tuple(replace(item, initial=initial_text(values.get(item.id)))
                       if item.id in values else item for item in self.fields)
        return replace(self, fields=fields, problems=dict(problems))

    def errors(self, values: dict[str, FieldValue]) -> dict[str, str]:
        """Field id -> message for every value that breaks the form's own rules."""
        problems: dict[str, str] = {}
        for item in self.fields:
            value = values.get(item.id)
            if value is not None and not isinstance(value, VALUE_TYPES[item.kind]):
                # Another kind of value than the field gives (a stale or forged form).
                problems[item.id] = f"{item.label} did not come through; fill it in again."
            elif item.required and (value is None or value == "" or value == []):
                problems[item.id] = f"{item.label} is required."
            elif isinstance(value, str) and item.max_length and len(value) > item.max_length:
                problems[item.id] = f"{item.label} can be at most {item.max_length} characters."
            elif isinstance(value, str) and value and item.check is not None \
                    and (problem := item.check(value)):
                problems[item.id] = problem
            elif item.kind is FieldKind.SELECT and value and isinstance(value, str) and \
                    value not in {option.value for option in item.options}:
                problems[item.id] = f"Choose one of the options for {item.label}."
            elif item.kind is FieldKind.MULTISELECT and isinstance(value, list) and \
                    not set(value) <= {option.value for option in item.options}:
                problems[item.id] = f"Choose only from the options for {item.label}."
        return problems


def initial_text(value: FieldValue) -> str | None:
    """A submitted value as a field's `initial` (lists comma-separated, flags true/false)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(value)
    return value


@dataclass(frozen=True)
class Submission:
    """A filled form, back from any platform."""

    form_id: FormId
    actor: Actor
    conversation: ConversationRef
    values: dict[str, FieldValue]
    context: dict[str, str] = field(default_factory=dict)

    def text(self, field_id: str) -> str:
        value = self.values.get(field_id)
        return value.strip() if isinstance(value, str) else ""

    def items(self, field_id: str) -> list[str]:
        """A MULTISELECT or PEOPLE value (a lone string counts as one item)."""
        value = self.values.get(field_id)
        if isinstance(value, list):
            return [item for item in value if item]
        return [value] if isinstance(value, str) and value else []

    def flag(self, field_id: str) -> bool:
        value = self.values.get(field_id)
        return value is True or value in ("true", "on", "yes", ["true"])
