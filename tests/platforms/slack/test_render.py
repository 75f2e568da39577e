"""Cards and forms become valid Block Kit, within Slack's limits, with user text kept literal."""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.core.cards import Actions, Button, Card, Context, Fields, Text
from bot.core.conversation import Actor, ConversationKind, ConversationRef, Platform
from bot.core.forms import FieldKind, Form, FormField, Option
from bot.platforms.slack import parse
from bot.platforms.slack.modals import form_view, submission_from_view
from bot.platforms.slack.render import card_blocks, message_payload
from handlers.common.help import HelpAction
from handlers.elephants.fields import ElephantForm


def test_user_text_cannot_ping_the_channel_or_inject_links():
    payload = message_payload(Card("<!channel> hi", blocks=(
        Text("<!channel> <https://evil|click> **not bold**"),
        Text("we **mean** bold & <this>", markup=True),
        Fields((("Reporter", "<@U123>"),)),
    )))
    plain, marked, fields = payload["blocks"]
    assert plain["text"] == {"type": "plain_text", "emoji": True,
                             "text": "<!channel> <https://evil|click> **not bold**"}
    assert marked["text"]["text"] == "we *mean* bold &amp; &lt;this&gt;"
    assert fields["fields"][0]["text"] == "*Reporter*\n&lt;@U123&gt;"
    assert payload["text"] == "&lt;!channel&gt; hi"


def test_long_text_is_split_into_sections_under_3000_characters():
    blocks = card_blocks(Card("long", blocks=(Text("word " * 1500),)))
    assert len(blocks) == 3
    assert all(len(block.to_dict()["text"]["text"]) <= 3000 for block in blocks)


def test_more_than_50_blocks_is_cut_with_a_note():
    card = Card("many", title="Many", blocks=tuple(Context(f"line {n}") for n in range(80)))
    blocks = card_blocks(card)
    assert len(blocks) == 50
    assert "more blocks" in blocks[-1].to_dict()["elements"][0]["text"]
    for block in blocks:
        block.validate_json()


def test_fields_chunk_by_ten_and_buttons_keep_their_action_ids():
    card = Card("x", blocks=(Fields(tuple((f"L{n}", "v") for n in range(23))),
                             Actions((Button("Help", HelpAction.SHOW, "elephant"),))))
    blocks: list[Block] = card_blocks(card)
    assert [len(block.to_dict().get("fields", [])) for block in blocks[:3]] == [10, 10, 3]
    button = blocks[3].to_dict()["elements"][0]
    assert (button["action_id"], button["value"]) == ("partnerops.help", "elephant")


def test_form_round_trips_through_a_modal():
    form = Form(ElephantForm.REPORT, "Report an elephant with a long title", (
        FormField("title", "Title", max_length=200),
        FormField("side", "Side", kind=FieldKind.SELECT,
                  options=(Option("sales", "Direct sales"), Option("partner", "Partner"))),
        FormField("anonymous", "Anonymous", kind=FieldKind.CHECKBOX, required=False),
    ), context={"partner": "7"})
    origin = ConversationRef(Platform.SLACK, "C1", ConversationKind.CHANNEL, "general")
    view: View = form_view(form, origin)
    view.validate_json()
    as_sent = view.to_dict()
    assert len(as_sent["title"]["text"]) <= 24
    as_sent["state"] = {"values": {
        "title": {"value": {"type": "plain_text_input", "value": "Deal conflicts"}},
        "side": {"value": {"type": "static_select", "selected_option": {"value": "partner"}}},
        "anonymous": {"value": {"type": "checkboxes", "selected_options": [{"value": "true"}]}},
    }}
    actor = Actor(Platform.SLACK, "U1")
    submission = submission_from_view(as_sent, actor)
    assert submission.form_id == ElephantForm.REPORT  # ids travel as plain strings now
    assert submission.values == {"title": "Deal conflicts", "side": "partner", "anonymous": True}
    assert submission.conversation == origin and submission.context == {"partner": "7"}


def test_channel_mentions_in_command_text_are_recognised():
    typed = parse.command_text("settings elephants-channel <#C0999|partner-elephants>")
    assert typed.text == "settings elephants-channel #partner-elephants"
    assert typed.channels == (ConversationRef(Platform.SLACK, "C0999", ConversationKind.CHANNEL,
                                              "partner-elephants"),)


def test_people_mentioned_in_command_text_are_recognised():
    typed = parse.command_text("add Daily <@U0002|bob> <@W0003> <@U0002|bob>", "T0001")
    assert typed.text == "add Daily @bob @W0003 @bob"
    assert typed.people == ("U0002", "W0003")
    assert parse.conversation("D123", "directmessage").kind is ConversationKind.DIRECT


def test_multiselect_channel_and_people_fields_round_trip_through_a_modal():
    form = Form(ElephantForm.REPORT, "Set up a standup", (
        FormField("days", "Days", kind=FieldKind.MULTISELECT, initial="mon, fri",
                  options=(Option("mon", "Monday"), Option("wed", "Wednesday"),
                           Option("fri", "Friday"))),
        FormField("report", "Report channel", kind=FieldKind.CHANNEL, initial="C0REPORT"),
        FormField("where", "Participants' channel", kind=FieldKind.CHANNEL, initial="here",
                  required=False),
        FormField("people", "People", kind=FieldKind.PEOPLE, initial="U0001,U0002",
                  required=False),
    ))
    view: View = form_view(form, ConversationRef(Platform.SLACK, "C1"))
    view.validate_json()
    days, report, where, people = (block["element"] for block in view.to_dict()["blocks"])

    assert days["type"] == "multi_static_select"
    assert [option["value"] for option in days["initial_options"]] == ["mon", "fri"]
    assert report == {"type": "conversations_select", "action_id": "value",
                      "initial_conversation": "C0REPORT",
                      "default_to_current_conversation": True,
                      "filter": {"include": ["public", "private"], "exclude_bot_users": True}}
    assert "initial_conversation" not in where and where["default_to_current_conversation"]
    assert people == {"type": "multi_users_select", "action_id": "value",
                      "initial_users": ["U0001", "U0002"]}

    as_sent = view.to_dict()
    as_sent["state"] = {"values": {
        "days": {"value": {"type": "multi_static_select", "selected_options": [
            {"text": {"type": "plain_text", "text": "Monday"}, "value": "mon"},
            {"text": {"type": "plain_text", "text": "Wednesday"}, "value": "wed"}]}},
        "report": {"value": {"type": "conversations_select", "selected_conversation": "C0NEW"}},
        "where": {"value": {"type": "conversations_select", "selected_conversation": None}},
        "people": {"value": {"type": "multi_users_select", "selected_users": ["U0002"]}},
    }}
    submission = submission_from_view(as_sent, Actor(Platform.SLACK, "U1"))
    assert submission.values == {"days": ["mon", "wed"], "report": "C0NEW", "where": None,
                                 "people": ["U0002"]}
    assert submission.items("people") == ["U0002"] and form.errors(submission.values) == {}


def test_an_empty_multiselect_reads_back_as_an_empty_list_the_form_refuses():
    form = Form(ElephantForm.REPORT, "x", (
        FormField("days", "Days", kind=FieldKind.MULTISELECT, options=(Option("mon", "Mon"),)),))
    view = form_view(form, ConversationRef(Platform.SLACK, "C1")).to_dict()
    assert "initial_options" not in view["blocks"][0]["element"]
    view["state"] = {"values": {"days": {"value": {"type": "multi_static_select",
                                                   "selected_options": []}}}}
    submission = submission_from_view(view, Actor(Platform.SLACK, "U1"))
    assert submission.values == {"days": []}
    assert form.errors(submission.values) == {"days": "Days is required."}
