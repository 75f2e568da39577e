"""Form validation rules and the simulated clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.cards import Card, Fields, Text, as_card
from bot.core.clock import SimulatedClock
from bot.core.conversation import ConversationKind, ConversationRef, Platform
from bot.core.forms import FieldKind, Form, FormField, Option
from handlers.elephants.fields import ElephantForm

FORM = Form(ElephantForm.REPORT, "Report", (
    FormField("title", "Title", max_length=10),
    FormField("notes", "Notes", kind=FieldKind.MULTILINE, required=False),
    FormField("side", "Side", kind=FieldKind.SELECT,
              options=(Option("sales", "Direct sales"), Option("partner", "Partner"))),
))


def test_form_errors_name_each_bad_field():
    assert FORM.errors({"title": "", "side": "marketing"}) == {
        "title": "Title is required.", "side": "Choose one of the options for Side."}
    assert FORM.errors({"title": "x" * 11, "side": "sales"}) == {
        "title": "Title can be at most 10 characters."}
    assert FORM.errors({"title": "ok", "side": "partner", "notes": None}) == {}


def test_simulated_clock_moves_only_when_told():
    clock = SimulatedClock(datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
    assert clock.now() == clock.now()
    clock.advance(timedelta(days=1))
    assert clock.now() == datetime(2026, 3, 29, 12, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        clock.set(datetime(2026, 3, 29, 12, 0))


def test_conversation_round_trips_through_a_dict():
    ref = ConversationRef(Platform.TEAMS, "19:x", ConversationKind.GROUP, "deal desk")
    assert ConversationRef.from_dict(ref.to_dict()) == ref
    assert ConversationRef.from_dict({"platform": "fax", "id": "1"}) is None


def test_card_plain_text_reads_like_the_message():
    card = Card("sum", title="Title", blocks=(Text("Body"), Fields((("Status", "Open"),))))
    assert card.plain_text() == "Title\nBody\nStatus: Open"
    assert as_card("hello").summary == "hello"
