"""Multi-select, channel and people fields at the prompt; channel members; DMs by user."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from textwrap import dedent

from bot.core.clock import SimulatedClock
from bot.core.conversation import ConversationKind, ConversationRef, Platform
from bot.core.forms import HERE, FieldKind, Form, FormField, Option
from bot.core.responses import OpenForm, Reply
from bot.platforms.console import ConsoleOutbox
from handlers.elephants.fields import ElephantForm
from tests.platforms.console.conftest import Chat, make_chat
from tests.platforms.console.scripted import ScriptedDispatcher

SETUP = Form(
    id=ElephantForm.REPORT,
    title="Standup setup",
    fields=(
        FormField("days", "Days", kind=FieldKind.MULTISELECT,
                  options=(Option("mon", "Monday"), Option("wed", "Wednesday"),
                           Option("fri", "Friday"))),
        FormField("report", "Report channel", kind=FieldKind.CHANNEL),
        FormField("people", "People", kind=FieldKind.PEOPLE, required=False,
                  initial="ana,bob"),
    ),
)


def setup_chat(clock: SimulatedClock) -> tuple[Chat, ScriptedDispatcher]:
    dispatcher = ScriptedDispatcher(commands={"setup": OpenForm(SETUP), "hi": Reply("Hi.")},
                                    on_submit=Reply("Saved."))
    return make_chat(dispatcher, clock), dispatcher


async def test_pickers_are_asked_with_how_to_answer_them(clock: SimulatedClock) -> None:
    chat, dispatcher = setup_chat(clock)

    assert await chat.type("setup") == dedent("""\
        (only you) bot: Standup setup - 3 fields; :cancel abandons it.
          [1/3] Days (one or more: numbers or names, separated by commas)
            1. Monday
            2. Wednesday
            3. Friday
        """)
    assert await chat.type("1, friday, Monday") == (
        "  [2/3] Report channel (a #channel, or 'here' for this conversation)\n")
    assert await chat.type("#Partner-Reports") == (
        "  [3/3] People (user names separated by commas, e.g. ana, bob; Enter keeps "
        "'ana, bob', '-' clears it)\n")
    assert await chat.type("@Bob, cy ,bob") == "(only you) bot: Saved.\n"

    assert dispatcher.submissions[0].values == {"days": ["mon", "fri"],
                                                "report": "partner-reports",
                                                "people": ["bob", "cy"]}


async def test_here_initial_people_and_bad_answers(clock: SimulatedClock) -> None:
    chat, dispatcher = setup_chat(clock)
    await chat.type("setup")

    said = await chat.type("1, sunday")
    assert said.startswith("  ! 'sunday' is not one of the options for Days: answer with "
                           "numbers from 1 to 3 or names (Monday, Wednesday, Friday).\n"
                           "  [1/3] Days")
    await chat.type("2")
    said = await chat.type("#no such channel")
    assert said.startswith("  ! Answer with a channel such as #sales, or 'here', for Report "
                           "channel.\n")
    await chat.type("here")
    said = await chat.type("ana, b@d")
    assert said.startswith("  ! 'b@d' is not a user name; answer with names separated by "
                           "commas for People, e.g. ana, bob.\n")
    await chat.type("")

    assert dispatcher.submissions[0].values == {"days": ["wed"], "report": HERE,
                                                "people": ["ana", "bob"]}


async def test_channel_members_are_who_typed_there(clock: SimulatedClock) -> None:
    chat, _ = setup_chat(clock)
    channels = chat.console.channels

    await chat.type("hi", ":as bob", "hi", ":in #sales", "hi", ":dm", "hi",
                    ":as cy", ":in #general", ":now")

    assert await channels.members("general") == ["ana", "bob"]
    assert await channels.members("#Sales") == ["bob"]
    assert await channels.members("marketing") == []


async def test_a_dm_by_user_id_is_printed_as_that_users_dm() -> None:
    output = io.StringIO()
    outbox = ConsoleOutbox(output)
    bob = ConversationRef(Platform.CONSOLE, "bob", ConversationKind.DIRECT)

    sent = await outbox.post(bob, "Standup time: how was yesterday?", key="prompt:1:bob")
    await outbox.update(sent, "Standup time: answered.")

    assert sent.conversation == bob
    assert output.getvalue() == dedent("""\
        [dm-bob] bot: Standup time: how was yesterday?  (msg 1)
        [dm-bob] bot (edited 1): Standup time: answered.
        """)
    assert await outbox.find_delivery(bob, "prompt:1:bob", datetime(2026, 1, 1, tzinfo=UTC)) \
        is None
