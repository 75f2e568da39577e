"""Cards and forms become valid Block Kit, within Slack's limits, with user text kept literal."""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.core.cards import Actions, Button, Card, Context, Fields, Text
from bot.core.conversation import Actor, ConversationKind, ConversationRef, Platform
from bot.core.forms import FieldKind, Form, FormField, Option
from bot.core.ids import ActionId, FormId
from bot.platforms.slack import parse
from bot.platforms.slack.modals import form_view, submission_from_view
from bot.platforms.slack.render import card_blocks, message_payload


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
                             Actions((Button("Help", ActionId.SHOW_HELP, "elephant"),))))
    blocks: list[Block] = card_blocks(card)
    assert [len(block.to_dict().get("fields", [])) for block in blocks[:3]] == [10, 10, 3]
    button = blocks[3].to_dict()["elements"][0]
    assert (button["action_id"], button["value"]) == ("partnerops.help", "elephant")


def test_form_round_trips_through_a_modal():
    form = Form(FormId.ELEPHANT_REPORT, "Report an elephant with a long title", (
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
    assert submission.form_id is FormId.ELEPHANT_REPORT
    assert submission.values == {"title": "Deal conflicts", "side": "partner", "anonymous": True}
    assert submission.conversation == origin and submission.context == {"partner": "7"}


def test_channel_mentions_in_command_text_are_recognised():
    text, channels = parse.command_text("settings elephants-channel <#C0999|partner-elephants>")
    assert text == "settings elephants-channel #partner-elephants"
    assert channels == (ConversationRef(Platform.SLACK, "C0999", ConversationKind.CHANNEL,
                                        "partner-elephants"),)
    assert parse.conversation("D123", "directmessage").kind is ConversationKind.DIRECT
