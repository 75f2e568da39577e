"""Chatting with the real bot through the console, read as transcripts."""

from __future__ import annotations

import io
from textwrap import dedent

from bot.app import Application
from bot.core.clock import SimulatedClock
from bot.core.conversation import Platform
from bot.platforms.console import ConsolePlatform
from tests.platforms.console.conftest import Chat, make_chat
from tests.platforms.console.scripted import ExplodingDispatcher


async def test_help_lists_the_bots_commands(chat: Chat) -> None:
    said = await chat.type("help")

    assert said.startswith("(only you) bot: PartnerOps\n")
    assert "  elephant:" in said
    assert "  partnerops:" in said
    assert "Type `<command> help`" in said


async def test_a_quick_elephant_is_posted_and_confirmed_privately(chat: Chat) -> None:
    said = await chat.type("elephant Reps hide the forecast")

    assert said == dedent("""\
        [#general] bot: 🐘 E-1: Reps hide the forecast  (msg 1)
          Status:      Reported
          Herd:        nobody has said they see it too yet
          Reported by: Ana
          [I see it too] (:press 1)   [Not for me] (:press 2)
            E-1 · reported 2026-11-23 09:00 UTC · votes are counted, never named
        (only you) bot: Thanks. Filed E-1 and posted it to #general.
            Sides involved, category, hours lost and a related partner help it get fixed.
          [Add details] (:press 1)
        """)


async def test_elephant_alone_walks_through_the_form(chat: Chat) -> None:
    await chat.type("elephant Reps hide the forecast")

    asked = await chat.type("elephant")
    assert "(only you) bot: Report an elephant - 7 fields; :cancel abandons it." in asked
    assert "[1/7] Title: what is the elephant?" in asked
    assert chat.console.prompt == "  > "

    asked = await chat.type("Partner marketing never sees the pipeline")
    assert "[2/7] Description: what happens, and what does it cost? (several lines" in asked
    assert "optional" in asked

    asked = await chat.type("They learn about deals after close.", "", "It costs renewals.", ".")
    assert "[3/7] Sides involved" in asked and "Partner marketing" in asked
    filed = await chat.type("partner marketing, direct sales", "lead or deal conflict", "4",
                            "2", "")
    assert "[#general] bot: 🐘 E-2: Partner marketing never sees the pipeline  (msg 2)" in filed
    assert "  They learn about deals after close.\n\n  It costs renewals.\n" in filed
    assert "Sides involved:      Direct sales, Partner marketing" in filed
    assert "Category:            Lead or deal conflict" in filed
    assert "Hours lost per week: 4" in filed and "Deals affected:      2" in filed
    assert filed.endswith("(only you) bot: Thanks. Filed E-2 and posted it to #general.\n")
    assert chat.console.prompt == "ana@#general> "


async def test_a_form_asks_again_for_what_is_missing_and_can_be_cancelled(chat: Chat) -> None:
    await chat.type("elephant")

    said = await chat.type("")
    assert "  ! Title: what is the elephant? is required.\n  [1/7] Title: what is the " \
        "elephant?" in said

    said = await chat.type(":cancel")
    assert said == "* Form 'Report an elephant' abandoned (you cancelled it); nothing was sent.\n"
    said = await chat.type("partnerops whoami")
    assert "Who you are to PartnerOps" in said


async def test_only_the_first_user_is_admin(chat: Chat) -> None:
    await chat.type("help")  # ana is the first person the bot meets

    said = await chat.type(":as bob", "partnerops settings elephants-channel #elephants")
    assert said.startswith("* You are now bob (Bob) in #general.\n")
    assert "(only you) bot: Only admins can use 'partnerops settings'." in said
    assert chat.console.prompt == "bob@#general> "

    said = await chat.type(":as ana", "partnerops settings elephants-channel #elephants")
    assert "[#elephants] bot: This channel now receives elephant reports (set by Ana)." in said
    assert "(only you) bot: Done: elephant reports now go to #elephants." in said

    said = await chat.type(":as bob", "elephant Engineers skip partner calls")
    assert "[#elephants] bot: 🐘 E-1: Engineers skip partner calls" in said
    assert "Reported by: Bob" in said


async def test_channels_and_direct_conversations(chat: Chat) -> None:
    said = await chat.type(":in #Sales", "elephant Quotes bypass the distributor")
    assert chat.console.prompt == "ana@#sales> "
    assert "[#sales] bot: 🐘 E-1: Quotes bypass the distributor" in said

    said = await chat.type(":dm", "elephant Nobody invites partners to QBRs")
    assert chat.console.prompt == "ana@dm> "
    assert "[dm-ana] bot: 🐘 E-2: Nobody invites partners to QBRs" in said
    assert "only you see that post: ask an admin to choose one" in said

    await chat.type(":as bob")
    assert chat.console.prompt == "bob@dm> "


async def test_slash_prefix_and_mentions_are_accepted(application: Application,
                                                      clock: SimulatedClock) -> None:
    chat = make_chat(application.dispatcher, clock, prefix="pp-")
    application.add_platform(Platform.CONSOLE, chat.console.outbox)

    said = await chat.type("/pp-elephant Reps hide the forecast",
                           "@PartnerOps elephant Leads go cold at the VAR")
    assert "Filed E-1" in said
    assert "Filed E-2" in said


async def test_unknown_chat_commands_get_the_bots_answer(chat: Chat) -> None:
    said = await chat.type("elephnat Reps hide the forecast")
    assert said.startswith("(only you) bot: I don't know the command 'elephnat'.")
    assert "Example: `help`" in said


async def test_a_failure_outside_the_bot_does_not_end_the_console(
        application: Application, clock: SimulatedClock) -> None:
    chat = make_chat(ExplodingDispatcher(application.dispatcher), clock)
    application.add_platform(Platform.CONSOLE, chat.console.outbox)

    said = await chat.type("boom")
    assert said == ("! Sorry, that failed inside the bot (RuntimeError: the flux capacitor "
                    "melted). The console is still running.\n")
    assert not chat.console.finished
    assert "Filed E-1" in await chat.type("elephant Reps hide the forecast")


async def test_run_reads_piped_input_until_the_end(application: Application,
                                                   clock: SimulatedClock) -> None:
    piped = "help\nelephant\nResellers hear about price changes last\n.\n\n\n\n\n\n" \
        ":advance 2h\n"
    chat = make_chat(application.dispatcher, clock, stdin=piped)
    application.add_platform(Platform.CONSOLE, chat.console.outbox)

    await chat.console.run()

    printed = chat.output.getvalue()
    assert "ana@#general>" not in printed  # no prompts when the input is not a terminal
    assert "(only you) bot: PartnerOps" in printed
    assert "Filed E-1 and posted it to #general." in printed
    assert printed.endswith("* Advanced 2h. Now Mon 2026-11-23 11:00 UTC; "
                            "ana's time zone is UTC.\n")
    assert chat.console.finished


async def test_quit_stops_run_and_end_of_input_abandons_a_form(
        application: Application, clock: SimulatedClock) -> None:
    chat = make_chat(application.dispatcher, clock, stdin=":quit\nhelp\n")
    await chat.console.run()
    assert chat.output.getvalue() == ""

    output = io.StringIO()
    console = ConsolePlatform(dispatcher=application.dispatcher, clock=clock, user="ana",
                              stdin=io.StringIO("elephant\n"), stdout=output)
    await console.run()
    assert output.getvalue().endswith(
        "* Form 'Report an elephant' abandoned (the input ended); nothing was sent.\n")


async def test_an_elephant_filed_in_a_direct_conversation_never_names_its_id(
        chat: Chat) -> None:
    said = await chat.type(":dm", "elephant Direct reps keep the forecast from our VARs")
    assert "Filed E-1 and posted it to our direct messages." in said
    assert "dm-ana" not in said.split("bot:", 1)[1]
