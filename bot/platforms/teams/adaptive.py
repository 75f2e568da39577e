"""Typed models of the Adaptive Card 1.5 subset we send to Teams (plain JSON-ready dicts).

We do not use Microsoft's `microsoft-teams-cards` models: they serialise `$schema` as `schema`,
integers such as `maxLength` as floats, do not declare their pydantic dependency, and describe
features newer than the 1.5 schema Teams renders, so they would not keep us inside it.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"

ActionStyle = Literal["default", "positive", "destructive"]


class TextBlock(TypedDict):
    """A paragraph; its text is Markdown (a subset: bold, italic, lists, links)."""

    type: Literal["TextBlock"]
    text: str
    wrap: bool
    weight: NotRequired[Literal["Default", "Bolder"]]
    size: NotRequired[Literal["Small", "Default", "Large"]]
    isSubtle: NotRequired[bool]
    separator: NotRequired[bool]
    color: NotRequired[Literal["Default", "Attention"]]


class Fact(TypedDict):
    """One label/value pair of a FactSet."""

    title: str
    value: str


class FactSet(TypedDict):
    """Label/value pairs, shown as a two-column table."""

    type: Literal["FactSet"]
    facts: list[Fact]
    separator: NotRequired[bool]


class SubmitAction(TypedDict):
    """A button that sends `data` (plus every input's value) back as `activity.value`."""

    type: Literal["Action.Submit"]
    title: str
    data: dict[str, Any]
    style: NotRequired[ActionStyle]


class ActionSet(TypedDict):
    """Buttons placed inside the card body."""

    type: Literal["ActionSet"]
    actions: list[SubmitAction]
    separator: NotRequired[bool]


class Choice(TypedDict):
    """One option of a ChoiceSet."""

    title: str
    value: str


class InputText(TypedDict):
    """A text box (one line or several)."""

    type: Literal["Input.Text"]
    id: str
    label: str
    isRequired: bool
    errorMessage: NotRequired[str]
    isMultiline: NotRequired[bool]
    maxLength: NotRequired[int]
    placeholder: NotRequired[str]
    value: NotRequired[str]
    separator: NotRequired[bool]


class InputNumber(TypedDict):
    """A number box; Teams refuses anything else before it submits."""

    type: Literal["Input.Number"]
    id: str
    label: str
    isRequired: bool
    errorMessage: NotRequired[str]
    placeholder: NotRequired[str]
    value: NotRequired[float]
    separator: NotRequired[bool]


class DataQuery(TypedDict):
    """Choices fetched as the person types: Teams' people picker over Microsoft Graph."""

    type: Literal["Data.Query"]
    dataset: str


# A drop-down list: several choices with isMultiSelect, a people picker with choices.data
# ("choices.data" is not an identifier, hence the functional syntax).
InputChoiceSet = TypedDict("InputChoiceSet", {
    "type": Literal["Input.ChoiceSet"],
    "id": str,
    "label": str,
    "isRequired": bool,
    "choices": list[Choice],
    "style": Literal["compact", "expanded"],
    "isMultiSelect": NotRequired[bool],
    "choices.data": NotRequired[DataQuery],
    "errorMessage": NotRequired[str],
    "placeholder": NotRequired[str],
    # Several chosen values come back (and are given) comma-separated.
    "value": NotRequired[str],
    "separator": NotRequired[bool],
})


class InputToggle(TypedDict):
    """A checkbox; its value is "true" or "false"."""

    type: Literal["Input.Toggle"]
    id: str
    title: str
    label: NotRequired[str]
    value: Literal["true", "false"]
    valueOn: Literal["true"]
    valueOff: Literal["false"]
    separator: NotRequired[bool]


class Image(TypedDict):
    """A picture; a chart here is a data: URI with its numbers as the alt text."""

    type: Literal["Image"]
    url: str
    altText: str
    size: NotRequired[Literal["Auto", "Stretch"]]
    separator: NotRequired[bool]


Element = TextBlock | FactSet | ActionSet | InputText | InputNumber | InputChoiceSet \
    | InputToggle | Image


# "$schema" is not an identifier, hence the functional syntax.
AdaptiveCard = TypedDict("AdaptiveCard", {
    "type": Literal["AdaptiveCard"],
    "$schema": str,
    "version": str,
    "body": list[Element],
    "actions": NotRequired[list[SubmitAction]],
    "fallbackText": NotRequired[str],
    "speak": NotRequired[str],
})


def card(body: list[Element], *, summary: str,
         actions: list[SubmitAction] | None = None) -> AdaptiveCard:
    """A 1.5 card; `summary` is what clients that cannot render it show instead."""
    built: AdaptiveCard = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION,
                           "body": body, "fallbackText": summary, "speak": summary}
    if actions:
        built["actions"] = actions
    return built


def text_block(text: str, *, bold: bool = False, size: Literal["Small", "Large"] | None = None,
               subtle: bool = False, attention: bool = False) -> TextBlock:
    """A wrapping TextBlock, optionally bold, small or large, subtle, or in the warning colour."""
    block = TextBlock(type="TextBlock", text=text, wrap=True)
    if attention:
        block["color"] = "Attention"
    if bold:
        block["weight"] = "Bolder"
    if size:
        block["size"] = size
    if subtle:
        block["isSubtle"] = True
    return block


def submit(title: str, data: dict[str, Any], style: ActionStyle = "default") -> SubmitAction:
    """An Action.Submit button."""
    action = SubmitAction(type="Action.Submit", title=title, data=data)
    if style != "default":
        action["style"] = style
    return action
