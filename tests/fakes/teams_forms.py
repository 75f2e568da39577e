"""Filling and pressing the Adaptive Cards the bot sent, as a Teams client would.

Teams answers an Action.Submit with a message whose `value` is the button's `data` merged
with every input's current value keyed by the input's id: text as typed, a toggle as its
valueOn/valueOff, a multi-select (and the people picker) as one comma-separated string.
It refuses to submit while a required input is empty, and offers only a ChoiceSet's own
choices (the people picker, with `choices.data`, offers the organisation's people by their
Microsoft Entra object ids). These helpers do the same and fail loudly where a person could
not have done what a test asks.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from tests.fakes.recorder import RecordedCall

Args = dict[str, Any]
CARD_TYPE = "application/vnd.microsoft.card.adaptive"
INPUT_TYPES = ("Input.Text", "Input.Number", "Input.ChoiceSet", "Input.Toggle")


def card_of(call: RecordedCall | Args) -> Args:
    """The Adaptive Card a connector call (send, reply or update) carried."""
    activity = call.args if isinstance(call, RecordedCall) else call
    cards = [attachment["content"] for attachment in activity.get("attachments") or ()
             if attachment.get("contentType") == CARD_TYPE]
    assert len(cards) == 1, f"expected one Adaptive Card, got {activity!r}"
    return cards[0]


def _elements(card: Args) -> Iterator[Args]:
    yield from card.get("body") or ()


def inputs(card: Args) -> dict[str, Args]:
    """The card's inputs by id, in card order."""
    return {element["id"]: element for element in _elements(card)
            if element.get("type") in INPUT_TYPES}


def actions(card: Args) -> dict[str, Args]:
    """Every Action.Submit of the card (ActionSets in the body, then its own actions) by title."""
    found = [action for element in _elements(card) if element.get("type") == "ActionSet"
             for action in element["actions"]]
    found += card.get("actions") or []
    return {action["title"]: action for action in found if action.get("type") == "Action.Submit"}


def texts(card: Args) -> list[str]:
    """Every TextBlock's text and every fact as "title: value", for assertions."""
    found: list[str] = []
    for element in _elements(card):
        if element.get("type") == "TextBlock":
            found.append(element["text"])
        elif element.get("type") == "FactSet":
            found += [f"{fact['title']}: {fact['value']}" for fact in element["facts"]]
    return found


def facts(card: Args) -> dict[str, str]:
    """The card's FactSet rows, title -> value."""
    return {fact["title"]: fact["value"] for element in _elements(card)
            if element.get("type") == "FactSet" for fact in element["facts"]}


def _typed(element: Args, given: object) -> str:
    """What Teams sends for `given` typed or chosen in `element`."""
    kind = element["type"]
    if kind == "Input.Toggle":
        assert isinstance(given, bool), f"{element['id']}: a toggle is ticked or not"
        return str(element["valueOn"] if given else element["valueOff"])
    if kind == "Input.ChoiceSet":
        chosen = list(given) if isinstance(given, list | tuple) else [str(given)]
        assert element.get("isMultiSelect") or len(chosen) <= 1, \
            f"{element['id']} takes one choice, got {chosen}"
        if "choices.data" not in element:
            offered = [choice["value"] for choice in element["choices"]]
            assert all(value in offered for value in chosen), \
                f"{element['id']} offers {offered}, not {chosen}"
        return ",".join(chosen)
    if kind == "Input.Number":
        # The card gives a number; Teams sends back what the box shows, as text.
        assert isinstance(given, int | float | str), f"{element['id']} is a number box"
        return _number_text(given)
    assert isinstance(given, str), f"{element['id']} is a text box"
    if "maxLength" in element:
        assert len(given) <= element["maxLength"], f"{element['id']} is longer than allowed"
    return given


def _number_text(number: object) -> str:
    """A number as a Teams number box shows it: 3, not 3.0."""
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    return str(number)


def submit_value(card: Args, values: Mapping[str, object] | None = None, *,
                 action: str | None = None) -> Args:
    """The `value` of the message Teams sends when `action` (else the only one) is pressed.

    `values` are what the person types or picks, by input id: str for text and single
    choices, a list for multi-selects and the people picker, bool for toggles; every other
    input keeps the value the card gave it (an empty one is sent as "").
    """
    values = dict(values or {})
    fields = inputs(card)
    unknown = set(values) - set(fields)
    assert not unknown, f"the card has no inputs {sorted(unknown)}; it has {list(fields)}"
    buttons = actions(card)
    if action is None:
        assert len(buttons) == 1, f"choose one of the buttons {list(buttons)}"
        [button] = buttons.values()
    else:
        assert action in buttons, f"no button {action!r}; the card has {list(buttons)}"
        button = buttons[action]
    sent: Args = {}
    for input_id, element in fields.items():
        current = _typed(element, values[input_id]) if input_id in values \
            else _number_text(element["value"]) \
            if element["type"] == "Input.Number" and "value" in element \
            else element.get("value")
        if element.get("isRequired") and not current:
            raise AssertionError(f"Teams would not submit with {input_id!r} empty "
                                 f"({element.get('errorMessage')})")
        sent[input_id] = current if current is not None else ""
    return {**button["data"], **sent}
