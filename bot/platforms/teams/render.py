"""Cards, forms and text to Teams activities: Adaptive Cards 1.5 and Markdown messages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from itertools import pairwise

from botbuilder.schema import Activity, ActivityTypes, Attachment, TextFormatTypes

from bot.core import cards
from bot.core.cards import Block, ButtonStyle, Card, Content
from bot.core.charts import Chart
from bot.core.forms import Form
from bot.platforms.teams import adaptive
from bot.platforms.teams.inputs import input_for
from bot.platforms.teams.payloads import button_data, form_data

STYLES: dict[ButtonStyle, adaptive.ActionStyle] = {
    ButtonStyle.DEFAULT: "default", ButtonStyle.PRIMARY: "positive",
    ButtonStyle.DANGER: "destructive",
}
# Escaped anywhere: emphasis, code, links, strike-through, escapes themselves, and `<`: a
# renderer that allows inline HTML (the Agents Playground's) drops `<n>` or `<Contoso>` as a tag.
_SPECIAL = re.compile(r"([\\`*_\[\]~<])")
# In our own Markdown, a `<` that could open an HTML tag, outside `code spans` and escapes.
_CODE_OR_TAG = re.compile(r"\\[\s\S]|(`+)[\s\S]*?\1|<(?=[A-Za-z/!?])")
# Escaped at the start of a line only: quotes, headings, list markers ("- ", "1. ", "1) ").
_LINE_START = re.compile(r"^(\s*)([>#]|[-+](?=\s))", re.MULTILINE)
_NUMBERED = re.compile(r"^(\s*\d+)([.)])(?=\s)", re.MULTILINE)
_LIST_ITEM = re.compile(r"^\s*([-+*]|\d+[.)])\s")


def escape(text: str) -> str:
    """Literal text for an Adaptive Card TextBlock or Fact: no Markdown, every line kept."""
    text = _SPECIAL.sub(r"\\\1", text.replace("\r\n", "\n"))
    text = _NUMBERED.sub(r"\1\\\2", _LINE_START.sub(r"\1\\\2", text))
    return text.replace("\n", "\n\n")


def markdown(text: str) -> str:
    """Our CommonMark-ish text with its line breaks kept (Teams needs blank lines between),
    and a placeholder such as `<day>` shown as typed rather than taken for an HTML tag."""
    text = _CODE_OR_TAG.sub(lambda found: "\\<" if found.group(0) == "<" else found.group(0),
                            text)
    lines = text.replace("\r\n", "\n").split("\n")
    out = lines[:1]
    for previous, line in pairwise(lines):
        both_items = _LIST_ITEM.match(previous) and _LIST_ITEM.match(line)
        out.append(("\n" if both_items else "\n\n") + line)
    return "".join(out)


# Charts drawn for this message, as data: URIs (a chart missing here is shown as its numbers).
Images = Mapping[Chart, str]


def render_card(card: Card, images: Images | None = None) -> adaptive.AdaptiveCard:
    """A neutral Card as an Adaptive Card; a Divider becomes the next element's separator."""
    body: list[adaptive.Element] = []
    if card.title:
        body.append(adaptive.text_block(escape(card.title), bold=True, size="Large"))
    separate = False
    for block in card.blocks:
        if isinstance(block, cards.Divider):
            separate = bool(body)
            continue
        element = _element(block, images or {})
        if element is None:
            continue
        if separate:
            element["separator"] = True
            separate = False
        body.append(element)
    if not body:
        body.append(adaptive.text_block(escape(card.summary)))
    return adaptive.card(body, summary=card.summary)


def _element(block: Block, images: Images) -> adaptive.Element | None:
    """One card block as an Adaptive Card element (None when it would be empty)."""
    match block:
        case cards.Text(body=body, markup=markup):
            return adaptive.text_block(markdown(body) if markup else escape(body))
        case cards.Fields(items=items) if items:
            facts = [adaptive.Fact(title=escape(label), value=escape(value))
                     for label, value in items]
            return adaptive.FactSet(type="FactSet", facts=facts)
        case cards.Actions(buttons=buttons) if buttons:
            actions = [adaptive.submit(button.label, button_data(button), STYLES[button.style])
                       for button in buttons]
            return adaptive.ActionSet(type="ActionSet", actions=actions)
        case cards.Context(body=body):
            return adaptive.text_block(escape(body), size="Small", subtle=True)
        case cards.Picture(chart=chart) if chart in images:
            return adaptive.Image(type="Image", url=images[chart], altText=chart.text(),
                                  size="Stretch")
        case cards.Picture(chart=chart):
            return adaptive.text_block(escape(chart.text()))
    return None


FIX_AND_RESUBMIT = "Nothing was saved: fix what is marked below and submit again."


def render_form(form: Form) -> adaptive.AdaptiveCard:
    """A form as an Adaptive Card with one input per field and one submit button."""
    body: list[adaptive.Element] = [
        adaptive.text_block(escape(form.title), bold=True, size="Large")]
    if form.problems:
        body.append(adaptive.text_block(FIX_AND_RESUBMIT, attention=True))
    for item in form.fields:
        body.append(input_for(item))
        if problem := form.problems.get(item.id):
            body.append(adaptive.text_block(escape(problem), size="Small", attention=True))
        if item.hint:
            body.append(adaptive.text_block(escape(item.hint), size="Small", subtle=True))
    action = adaptive.submit(form.submit_label, form_data(form), "positive")
    return adaptive.card(body, summary=form.title, actions=[action])


def card_activity(card: adaptive.AdaptiveCard, summary: str) -> Activity:
    """A message carrying one Adaptive Card; `summary` is the notification and preview text.

    No `text`: Teams would show it as a second line above the card.
    """
    attachment = Attachment(content_type=adaptive.CONTENT_TYPE, content=card)
    return Activity(type=ActivityTypes.message, summary=summary, attachments=[attachment])


def message(content: Content, images: Images | None = None) -> Activity:
    """Text as a Markdown message, a Card as an Adaptive Card message (its charts drawn
    where `images` holds them)."""
    if isinstance(content, Card):
        return card_activity(render_card(content, images), content.summary)
    return Activity(type=ActivityTypes.message, text=markdown(content),
                    text_format=TextFormatTypes.markdown)


def form_message(form: Form) -> Activity:
    """A message carrying a form as an Adaptive Card."""
    summary = f"{form.title}: {FIX_AND_RESUBMIT}" if form.problems else form.title
    return card_activity(render_form(form), summary)
