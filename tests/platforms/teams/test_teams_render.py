"""Rendering cards and forms as Adaptive Cards 1.5, and reading submitted data back."""

from __future__ import annotations

import base64
import json
from typing import Any

from bot.core.cards import (
    Actions,
    Button,
    ButtonStyle,
    Card,
    Context,
    Divider,
    Fields,
    Picture,
    Text,
)
from bot.core.charts import Chart, ChartKind, Series, Tone
from bot.core.forms import HERE, FieldKind, Form, FormField, Option
from bot.platforms.teams.outbox import inline_charts
from bot.platforms.teams.payloads import ButtonPayload, FormPayload, read
from bot.platforms.teams.render import escape, markdown, message, render_card, render_form
from handlers.common.help import HelpAction
from handlers.elephants.fields import ElephantForm


def plain(card: object) -> dict[str, Any]:
    """A rendered card as the JSON Teams receives (also proves it is plain JSON)."""
    parsed: dict[str, Any] = json.loads(json.dumps(card))
    return parsed


HOSTILE = ("**boss** _said_ [click](http://evil.test) `rm` # not a title\n"
           "- item\n1. one\n> quote\n# head")


def test_user_text_is_escaped_so_it_cannot_inject_markdown() -> None:
    """Every Markdown trigger is escaped, and each line stays a line."""
    escaped = escape(HOSTILE)

    assert escaped == ("\\*\\*boss\\*\\* \\_said\\_ \\[click\\](http://evil.test) \\`rm\\` "
                       "# not a title\n\n\\- item\n\n1\\. one\n\n\\> quote\n\n\\# head")


def test_titles_facts_and_context_are_literal_while_markup_text_is_not() -> None:
    """Only Text(markup=True) passes Markdown through."""
    card = plain(render_card(Card(summary="s", title="E-1: *_x_*", blocks=(
        Text("**bold** for real", markup=True),
        Text("*not bold*"),
        Fields((("Reported by", "Ana_Lopez"), ("Status", "Open"))),
        Context("E-1 · `id`"),
    ))))

    title, rich, literal, facts, context = card["body"]
    assert title == {"type": "TextBlock", "text": "E-1: \\*\\_x\\_\\*", "wrap": True,
                     "weight": "Bolder", "size": "Large"}
    assert rich["text"] == "**bold** for real" and literal["text"] == "\\*not bold\\*"
    assert facts == {"type": "FactSet", "facts": [
        {"title": "Reported by", "value": "Ana\\_Lopez"}, {"title": "Status", "value": "Open"}]}
    assert context["isSubtle"] is True and context["size"] == "Small"
    assert card["$schema"].endswith("adaptive-card.json") and card["fallbackText"] == "s"


def test_divider_buttons_and_empty_blocks() -> None:
    """A Divider separates the next element; buttons become Action.Submit in an ActionSet."""
    card = plain(render_card(Card(summary="Summary only", blocks=(
        Divider(), Fields(()), Text("after"), Divider(), Actions((
            Button("See it too", HelpAction.SHOW, value="E-1", style=ButtonStyle.PRIMARY),
            Button("Drop", HelpAction.SHOW, style=ButtonStyle.DANGER))),
    ))))

    first, actions = card["body"]
    assert "separator" not in first
    assert actions["type"] == "ActionSet" and actions["separator"] is True
    primary, danger = actions["actions"]
    assert primary == {"type": "Action.Submit", "title": "See it too", "style": "positive",
                       "data": {"partnerops_action": "partnerops.help",
                                "partnerops_value": "E-1"}}
    assert danger["style"] == "destructive"
    assert plain(render_card(Card(summary="Only <this>")))["body"][0]["text"] == "Only \\<this>"


def test_angle_brackets_survive_a_renderer_that_allows_html() -> None:
    """`E-<n>` in a help line or `<Contoso>` in a title is text, not a tag: the Agents
    Playground's Markdown renderer passes inline HTML through and the browser drops it."""
    assert escape("Partner <Contoso> vs E-<n>, a<b") == "Partner \\<Contoso> vs E-\\<n>, a\\<b"
    assert markdown("Say <day> <HH:MM>, or `objective update O-<n> 40%`; 2 < 3") \
        == "Say \\<day> \\<HH:MM>, or `objective update O-<n> 40%`; 2 < 3"
    assert markdown("already \\<safe> **bold**") == "already \\<safe> **bold**"
    help_line = plain(render_card(Card(summary="s", blocks=(
        Fields((("elephant show E-<n>", "One elephant whole."),)),))))
    assert help_line["body"][0]["facts"][0]["title"] == "elephant show E-\\<n>"


def test_form_inputs_and_their_data_round_trip() -> None:
    """Each field kind becomes its Adaptive Card input; the submitted data reads back."""
    form = Form(ElephantForm.REPORT, "Report", fields=(
        FormField("title", "Title", max_length=200, placeholder="What?", hint="Short *please*"),
        FormField("body", "Body", kind=FieldKind.MULTILINE, required=False),
        FormField("side", "Side", kind=FieldKind.SELECT, initial="direct",
                  options=(Option("direct", "Direct sales"), Option("partner", "Partner"))),
        FormField("anonymous", "Stay anonymous", kind=FieldKind.CHECKBOX, required=False),
    ), context={"origin.id": "19:x"})

    card = plain(render_form(form))

    _, title, hint, body, side, anonymous = card["body"]
    assert title == {"type": "Input.Text", "id": "title", "label": "Title", "isRequired": True,
                     "errorMessage": "Title is required.", "maxLength": 200,
                     "placeholder": "What?"}
    assert hint["text"] == "Short \\*please\\*" and hint["isSubtle"] is True
    assert body["isMultiline"] is True and body["isRequired"] is False
    assert side["type"] == "Input.ChoiceSet" and side["value"] == "direct"
    assert side["choices"][0] == {"title": "Direct sales", "value": "direct"}
    assert anonymous["type"] == "Input.Toggle" and anonymous["value"] == "false"
    (submit,) = card["actions"]

    submitted = {**submit["data"], "title": "Hidden forecast", "side": "partner",
                 "anonymous": "true", "body": ""}
    assert read(submitted) == FormPayload(
        "partnerops.elephant.report", {"origin.id": "19:x"},
        {"title": "Hidden forecast", "body": None, "side": "partner", "anonymous": True})


def test_reading_foreign_or_partial_data() -> None:
    """Data we did not write is not ours; an unchecked toggle Teams left out is False."""
    assert read({"action": "approve"}) is None and read("text") is None
    assert read({"partnerops_action": "x"}) == ButtonPayload("x", "")
    partial = read({"partnerops_form": "f", "partnerops_fields": {"ok": "checkbox"}})
    assert isinstance(partial, FormPayload) and partial.values == {"ok": False}


def test_plain_text_messages_keep_their_lines() -> None:
    """Strings go out as Markdown messages; single line breaks survive, lists stay lists."""
    assert markdown("Nope.\nExample: `help`\n- a\n- b") == "Nope.\n\nExample: `help`\n\n- a\n- b"
    sent = message("Filed **E-1**.")
    assert sent.text == "Filed **E-1**." and sent.text_format == "markdown"
    card = message(Card(summary="Elephant E-1", title="E-1"))
    assert card.summary == "Elephant E-1" and card.text is None


def test_multiselect_channel_and_people_inputs_and_their_values() -> None:
    """Several choices come back comma-separated and are read as lists; people are AAD ids."""
    form = Form(ElephantForm.REPORT, "Set up a standup", fields=(
        FormField("days", "Days", kind=FieldKind.MULTISELECT, initial="mon,fri",
                  options=(Option("mon", "Monday"), Option("fri", "Friday"))),
        FormField("report", "Report channel", kind=FieldKind.CHANNEL),
        FormField("where", "Participants' channel", kind=FieldKind.CHANNEL, required=False,
                  initial="19:sales@thread.tacv2"),
        FormField("people", "People", kind=FieldKind.PEOPLE),
    ))

    card = plain(render_form(form))

    _, days, report, where, people = card["body"]
    assert days == {"type": "Input.ChoiceSet", "id": "days", "label": "Days",
                    "isRequired": True, "style": "compact", "isMultiSelect": True,
                    "choices": [{"title": "Monday", "value": "mon"},
                                {"title": "Friday", "value": "fri"}],
                    "errorMessage": "Choose at least one of the options for Days.",
                    "value": "mon,fri"}
    assert report["choices"] == [{"title": "This conversation", "value": HERE}]
    assert report["value"] == HERE and "isMultiSelect" not in report
    assert where["choices"] == [
        {"title": "The conversation chosen before", "value": "19:sales@thread.tacv2"},
        {"title": "This conversation", "value": HERE}]
    assert where["value"] == "19:sales@thread.tacv2" and where["isRequired"] is False
    assert people == {"type": "Input.ChoiceSet", "id": "people", "label": "People",
                      "isRequired": False, "style": "compact", "isMultiSelect": True,
                      "choices": [],
                      "choices.data": {"type": "Data.Query",
                                       "dataset": "graph.microsoft.com/users"}}

    (submit,) = card["actions"]
    submitted = {**submit["data"], "days": "mon,fri", "report": HERE,
                 "where": "19:sales@thread.tacv2",
                 "people": "6f1c2b1e-aad-ana, 0b7d-aad-bob"}
    payload = read(submitted)
    assert isinstance(payload, FormPayload)
    assert payload.values == {"days": ["mon", "fri"], "report": HERE,
                              "where": "19:sales@thread.tacv2",
                              "people": ["6f1c2b1e-aad-ana", "0b7d-aad-bob"]}
    assert form.errors(payload.values) == {}
    empty = read({**submit["data"], "days": "", "report": HERE})
    assert isinstance(empty, FormPayload)
    assert empty.values["days"] is None and empty.values["people"] is None
    assert form.errors(empty.values) == {"days": "Days is required.",
                                         "people": "People is required."}


async def test_a_chart_travels_inside_the_card_with_its_numbers_as_alt_text():
    chart = Chart(ChartKind.STACKED, "Partners that answered, by tier", ("Gold", "Silver"),
                  (Series("answered", (2, 1), Tone.GOOD), Series("not yet", (1, 1), Tone.NONE)))
    card = Card("Summary", blocks=(Picture(chart),))
    images = await inline_charts(card)
    attachment = message(card, images).attachments[0].content
    [image] = [element for element in attachment["body"] if element["type"] == "Image"]
    assert image["url"].startswith("data:image/png;base64,")
    assert base64.b64decode(image["url"].split(",", 1)[1]).startswith(b"\x89PNG")
    assert image["altText"] == chart.text()
    # Without a drawing (too large to travel), the numbers are shown instead.
    [text] = message(card).attachments[0].content["body"]
    assert "- Gold: answered 2, not yet 1" in text["text"]
