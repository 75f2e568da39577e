"""Filling forms at the prompt: every field kind, skipping, re-asking, cancelling."""

from __future__ import annotations

from textwrap import dedent

from bot.app import Application
from bot.core.clock import SimulatedClock
from bot.core.forms import FieldKind, Form, FormField, Option
from bot.core.responses import OpenForm, Reply
from handlers.elephants.fields import ElephantForm
from storage.cadences import repository as cadences
from tests.platforms.console.conftest import Chat, make_chat
from tests.platforms.console.scripted import ScriptedDispatcher

CHECK_IN = Form(
    id=ElephantForm.REPORT,
    title="Partner check-in",
    fields=(
        FormField("partner", "Partner", max_length=12, placeholder="Acme Resellers"),
        FormField("health", "Health", kind=FieldKind.SELECT, hint="How is it going?",
                  options=(Option("green", "Green"), Option("amber", "Amber"),
                           Option("red", "Red"))),
        FormField("notes", "Notes", kind=FieldKind.MULTILINE, required=False),
        FormField("met", "Met this week", kind=FieldKind.CHECKBOX, required=False),
        FormField("next", "Next step", required=False, initial="call"),
    ),
    context={"occurrence": "42"},
)


def check_in_chat(clock: SimulatedClock) -> tuple[Chat, ScriptedDispatcher]:
    dispatcher = ScriptedDispatcher(commands={"checkin": OpenForm(CHECK_IN)},
                                    on_submit=Reply("Thanks, check-in saved."))
    return make_chat(dispatcher, clock), dispatcher


async def test_a_form_is_asked_field_by_field(clock: SimulatedClock) -> None:
    chat, dispatcher = check_in_chat(clock)

    assert await chat.type("checkin") == dedent("""\
        (only you) bot: Partner check-in - 5 fields; :cancel abandons it.
          [1/5] Partner
            e.g. Acme Resellers
        """)
    assert (await chat.type("Northwind")).splitlines() == [
        "  [2/5] Health",
        "    1. Green",
        "    2. Amber",
        "    3. Red",
        "    How is it going?",
    ]
    assert await chat.type("2") == ("  [3/5] Notes (several lines; finish with a line holding "
                                     "only '.'; optional: Enter skips)\n")
    await chat.type("Slow quarter.", "Pipeline review on Friday.", ".")
    assert await chat.type("y") == "  [5/5] Next step (Enter keeps 'call', '-' clears it)\n"
    assert await chat.type("") == "(only you) bot: Thanks, check-in saved.\n"

    [submission] = dispatcher.submissions
    assert submission.form_id is ElephantForm.REPORT
    assert submission.values == {"partner": "Northwind", "health": "amber",
                                 "notes": "Slow quarter.\nPipeline review on Friday.",
                                 "met": True, "next": "call"}
    assert submission.context == {"occurrence": "42"}
    assert submission.actor.user_id == "ana"
    assert submission.conversation.label == "#general"


async def test_optional_fields_can_be_skipped(clock: SimulatedClock) -> None:
    chat, dispatcher = check_in_chat(clock)

    await chat.type("checkin", "Northwind", "green", "", "", "stop by")
    assert dispatcher.submissions[0].values == {"partner": "Northwind", "health": "green",
                                                "next": "stop by"}


async def test_only_bad_answers_are_asked_again(clock: SimulatedClock) -> None:
    chat, dispatcher = check_in_chat(clock)
    await chat.type("checkin")

    said = await chat.type("Northwind Traders International")
    assert said.startswith("  ! Partner can be at most 12 characters.\n  [1/5] Partner\n")
    said = await chat.type("Northwind", "purple")
    assert ("  ! 'purple' is not one of the options for Health: answer with numbers from 1 "
            "to 3 or names (Green, Amber, Red).\n  [2/5] Health\n") in said
    said = await chat.type("RED", ".", "maybe")
    assert said.endswith("  ! Answer y or n for Met this week.\n"
                         "  [4/5] Met this week (y/n; optional: Enter skips)\n")
    await chat.type("n", "")
    assert dispatcher.submissions[0].values == {"partner": "Northwind", "health": "red",
                                                "met": False, "next": "call"}


async def test_cancel_and_quit_leave_a_form_without_sending(clock: SimulatedClock) -> None:
    chat, dispatcher = check_in_chat(clock)

    said = await chat.type("checkin", "Northwind", ":cancel", ":now")
    assert "* Form 'Partner check-in' abandoned (you cancelled it); nothing was sent.\n" in said
    assert said.endswith("* Now Mon 2026-11-23 09:00 UTC; ana's time zone is UTC (the workspace "
                         "default).\n")

    said = await chat.type("checkin", ":quit", "checkin")
    assert said.endswith("* Form 'Partner check-in' abandoned (you left); nothing was sent.\n")
    assert chat.console.finished
    assert dispatcher.submissions == []


async def test_a_form_without_fields_is_submitted_at_once(clock: SimulatedClock) -> None:
    empty = Form(ElephantForm.REPORT, "Confirm", ())
    dispatcher = ScriptedDispatcher(commands={"confirm": OpenForm(empty)},
                                    on_submit=Reply("Confirmed."))
    chat = make_chat(dispatcher, clock)

    assert await chat.type("confirm") == "(only you) bot: Confirmed.\n"
    assert dispatcher.submissions[0].values == {}


async def test_console_commands_inside_a_form_say_how_to_leave_it(clock: SimulatedClock) -> None:
    chat, _ = check_in_chat(clock)
    await chat.type("checkin")
    said = await chat.type(":as bob")
    assert "You are filling" in said and ":cancel to leave it" in said
    assert "[1/5] Partner" in said  # asked again, nothing taken as the answer
    said = await chat.type(":cancel")
    assert "abandoned (you cancelled it)" in said
    assert "You are now bob" in await chat.type(":as bob")


async def test_a_setup_form_asks_again_only_what_is_wrong_and_keeps_the_rest(
        chat: Chat) -> None:
    """Through the real bot: a bad field is asked again as it is typed; a rule across fields
    (close before start) asks only the field involved; nothing typed is lost."""
    await chat.type("standup setup", "Daily", "#standups", "ana", "", "", "mon-fri")
    said = await chat.type("25:00")  # the local time, checked as it is typed
    assert "'25:00' is not a time of day" in said and "[7/13] Local time" in said
    said = await chat.type("10:00", "09:00", "Mars/Olympus")  # close before start; bad zone
    assert "'Mars/Olympus' is not a time zone I know" in said
    said = await chat.type("Europe/Berlin", "30", "", "", "")
    assert "must be after the local time (10:00)" in said and "1 field to fix" in said
    said = await chat.type("17:00")  # only the field involved is asked again
    assert "Daily is set up" in said and "Europe/Berlin" in said


async def test_the_edit_form_shows_questions_as_lines_and_clears_optional_values(
        chat: Chat, application: Application) -> None:
    """Through the real bot: what a cadence holds is offered as it reads (no literal \\n),
    Enter keeps it, and `-` empties an optional value such as the time zone."""
    await chat.type("standup setup", "Daily", "#standups", "ana", "", "", "mon-fri", "09:00",
                    "17:00", "Europe/Berlin", "30", "", "", "DE")
    said = await chat.type("standup edit Daily", *[""] * 8)
    assert "[2/13] Report channel (a #channel, or 'here' for this conversation; Enter keeps " \
           "'#standups')" in said  # named as everywhere else, with its #
    assert "[9/13] Time zone for people without one (Enter keeps 'Europe/Berlin', '-' " \
           "clears it)" in said
    said = await chat.type("-", "")
    assert "Enter keeps the 3 lines below" in said and "\\n" not in said
    assert "  | What did you get done since last time?" in said
    said = await chat.type("")  # the questions, kept
    assert "Skip weekends (y/n; Enter keeps 'y')" in said
    said = await chat.type("")
    assert "Holiday country" in said and "Enter keeps 'DE', '-' clears it" in said
    said = await chat.type("-", "")
    assert "Daily is updated" in said
    async with application.database.session() as session:
        [daily] = await cadences.active_cadences(session)
    assert daily.timezone is None and daily.holiday_country is None
    assert daily.questions[0] == "What did you get done since last time?"


async def test_run_add_and_remove_in_the_console(chat: Chat) -> None:
    await chat.type("standup setup", "Daily", "#standups", "ana", "", "", "mon-fri", "09:00",
                    "17:00", "", "", "", "", "")
    said = await chat.type(":as bob", "partnerops whoami", ":as ana",
                           "standup add Daily @bob")
    assert "Added Bob to Daily" in said or "Added bob to Daily" in said
    said = await chat.type("standup run Daily")
    assert "Sent Daily to 2 people now." in said
    assert "[dm-ana] bot: Daily:" in said and "[dm-bob] bot: Daily:" in said
    said = await chat.type("standup run Daily")
    assert "Nothing to send: everyone on Daily (2) was already asked today" in said
    assert "[dm-" not in said  # nobody asked twice
    said = await chat.type("standup remove Daily @bob")
    assert "Removed" in said and "bob" in said.lower()


async def test_refused_question_lines_are_shown_back_to_fix(chat: Chat) -> None:
    await chat.type("standup setup", "Daily", "#standups", "ana", "", "", "mon-fri", "09:00",
                    "17:00", "", "0")
    said = await chat.type("What moved?", "Health? [green|amber", ".")
    assert "opens a [ it never closes" in said
    assert "You typed (fix it and type the lines again):\n    | What moved?\n" \
           "    | Health? [green|amber\n" in said
    assert "[11/13] Questions" in said  # asked again, just that field
