"""The console's own `:` commands: users, places, time zones and the simulated clock."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.core.clock import SimulatedClock
from bot.core.conversation import ConversationKind
from bot.platforms.console import ConsolePlatform
from bot.platforms.console.commands import COMMANDS
from bot.platforms.console.parsing import (
    ConsoleInputError,
    parse_duration,
    parse_instant,
    parse_zone,
)
from tests.conftest import START
from tests.platforms.console.conftest import Chat, make_chat
from tests.platforms.console.scripted import ScriptedDispatcher


async def test_advance_moves_the_clock_exactly(chat: Chat) -> None:
    said = await chat.type(":advance 1d")

    assert chat.clock.now() == START + timedelta(days=1)
    assert said == "* Advanced 1d. Now Tue 2026-11-24 09:00 UTC; ana's time zone is UTC.\n"


@pytest.mark.parametrize(("typed", "delta"), [
    ("1d", timedelta(days=1)),
    ("2h", timedelta(hours=2)),
    ("30m", timedelta(minutes=30)),
    ("1w", timedelta(weeks=1)),
    ("1d2h", timedelta(days=1, hours=2)),
    ("1w 3d 4h 5m 6s", timedelta(days=10, hours=4, minutes=5, seconds=6)),
    ("90M", timedelta(minutes=90)),
])
def test_durations(typed: str, delta: timedelta) -> None:
    assert parse_duration(typed) == delta


@pytest.mark.parametrize("typed", ["soon", "1", "d", "-1d", "1.5h", "1y", "0m", "1d soon"])
def test_durations_that_make_no_sense(typed: str) -> None:
    with pytest.raises(ConsoleInputError):
        parse_duration(typed)


def test_instants_without_an_offset_are_utc() -> None:
    assert parse_instant("2026-12-01T09:00") == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert parse_instant("2026-12-01T09:00+01:00") == datetime(
        2026, 12, 1, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    assert parse_instant("2026-12-01T09:00Z") == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_zone_names_are_canonical() -> None:
    assert parse_zone("Europe/Berlin") == "Europe/Berlin"
    assert parse_zone("america/new_york") == "America/New_York"
    with pytest.raises(ConsoleInputError, match="Did you mean Europe/Berlin"):
        parse_zone("Europe/Berlln")


async def test_at_sets_the_clock_and_now_shows_both_zones(chat: Chat) -> None:
    said = await chat.type(":at 2026-12-01T09:00", ":tz Europe/Berlin", ":now")

    assert chat.clock.now() == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert said.splitlines() == [
        "* Clock set. Now Tue 2026-12-01 09:00 UTC; ana's time zone is UTC.",
        "* ana's time zone is now Europe/Berlin. Now Tue 2026-12-01 09:00 UTC; "
        "for ana (Europe/Berlin) it is Tue 2026-12-01 10:00 CET.",
        "* Now Tue 2026-12-01 09:00 UTC; for ana (Europe/Berlin, set with :tz) it is "
        "Tue 2026-12-01 10:00 CET.",
    ]


async def test_going_back_in_time_is_allowed_and_said(chat: Chat) -> None:
    said = await chat.type(":at 2026-01-01T00:00+01:00")
    assert chat.clock.now() == datetime(2025, 12, 31, 23, 0, tzinfo=UTC)
    assert said.startswith("* Clock set (earlier than before). Now Wed 2025-12-31 23:00 UTC")


async def test_time_zones_belong_to_each_user_and_reach_the_bot(chat: Chat) -> None:
    said = await chat.type(":tz Asia/Tokyo", "partnerops whoami")
    assert "Time zone: Asia/Tokyo" in said

    said = await chat.type(":as bob", "partnerops whoami")
    assert "Time zone: UTC (the workspace default)" in said


@pytest.mark.parametrize(("typed", "message"), [
    (":advance soon", "! I can't read 'soon' as a duration: use whole numbers with w, d, h, m "
                      "or s. Example: :advance 1d2h"),
    (":advance", "! Usage: :advance <duration>, such as :advance 1d2h."),
    (":at", "! Usage: :at <date and time>, such as :at 2026-12-01T09:00."),
    (":at yesterday", "! I can't read 'yesterday' as a date and time: use ISO 8601 (no offset "
                      "means UTC). Example: :at 2026-12-01T09:00 or :at 2026-12-01T09:00+01:00"),
    (":tz Mars/Base", "! I don't know the time zone 'Mars/Base': use an IANA name. "
                      "Example: :tz Europe/Berlin"),
    (":as two words", "! 'two words' is not a user name I can use: one word of letters, "
                      "digits, '.', '-', '_' or apostrophes. Example: :as bob"),
    (":as", "! Usage: :as <user>, such as :as bob."),
    (':as ""', "! Say who to be: a name. Example: :as bob"),
    (":as @", "! Say who to be: a name. Example: :as bob"),
    (":in #no way", "! '#no way' is not a channel name I can use: letters, digits, '-' and "
                    "'_'. Example: :in #sales"),
    (":dm bob", "! :dm takes nothing after it. Example: :dm"),
    (":press", "! Usage: :press <button> [<message>], such as :press 1."),
    (":press one", "! Say which button to press, counting from 1, and optionally the message "
                   "number. Example: :press 1   or   :press 1 3"),
    (":press 1", "! No message has buttons to press. Example: :press 1"),
    (":cancel", "! No form is open, so there is nothing to cancel."),
    (":foo", "! There is no console command ':foo'. Type :help for the list; lines without ':' "
             "go to the bot. Example: :help"),
    (":advnce 1d", "! There is no console command ':advnce'. Did you mean :advance? Type :help "
                   "for the list; lines without ':' go to the bot. Example: :help"),
])
async def test_bad_console_input_says_why_and_changes_nothing(chat: Chat, typed: str,
                                                             message: str) -> None:
    said = await chat.type(typed)

    assert said == message + "\n"
    assert chat.clock.now() == START
    assert chat.console.session.user == "ana"
    assert chat.console.session.zones == {}
    assert chat.console.session.conversation.id == "general"
    assert not chat.console.finished


async def test_help_lists_every_console_command(chat: Chat) -> None:
    said = await chat.type(":help")
    for command in COMMANDS:
        assert f"  {command.usage} " in said


async def test_the_clock_hook_runs_after_each_move(clock: SimulatedClock) -> None:
    moves: list[datetime] = []

    async def record(instant: datetime) -> None:
        moves.append(instant)

    console = ConsolePlatform(dispatcher=ScriptedDispatcher(), clock=clock, user="ana",
                              stdin=io.StringIO(), stdout=io.StringIO(), on_time_change=record)
    for line in (":advance 2h", ":advance soon", ":at 2027-01-01T00:00"):
        await console.handle_line(line)
    assert moves == [START + timedelta(hours=2), datetime(2027, 1, 1, tzinfo=UTC)]


async def test_chat_commands_carry_the_user_place_and_channels(clock: SimulatedClock) -> None:
    dispatcher = ScriptedDispatcher()
    chat = make_chat(dispatcher, clock)

    await chat.type(":tz Europe/Lisbon", "partnerops settings elephants-channel #Elephants,",
                    ":dm", "Help elephant")
    settings, help_ = dispatcher.invocations
    assert settings.actor.user_id == "ana"
    assert settings.actor.display_name == "Ana"
    assert settings.actor.timezone == "Europe/Lisbon"
    assert settings.conversation.label == "#general"
    assert (settings.command, settings.text) == ("partnerops",
                                                 "settings elephants-channel #Elephants,")
    assert [(ref.id, ref.name, ref.kind) for ref in settings.channels] == [
        ("elephants", "elephants", ConversationKind.CHANNEL)]
    assert (help_.command, help_.text, help_.channels) == ("help", "elephant", ())
    assert help_.conversation.kind is ConversationKind.DIRECT


async def test_names_in_any_alphabet_and_never_empty(tmp_path) -> None:
    from bot.platforms.console.parsing import ConsoleInputError, parse_user

    assert parse_user("Éva") == "éva" and parse_user("@李雷") == "李雷"
    # Apostrophes, typographic too (the same person), and a name quoted whole.
    assert parse_user("o'brien") == parse_user("O\u2019Brien") == parse_user('"o\'brien"') \
        == "o'brien"
    for bad in ("", "   ", '""', "''", "@", "two words", "_x", "'bob"):
        with pytest.raises(ConsoleInputError):
            parse_user(bad)


async def test_a_name_with_an_apostrophe_is_one_user_as_typed_and_as_mentioned(
        clock: SimulatedClock) -> None:
    dispatcher = ScriptedDispatcher()
    chat = make_chat(dispatcher, clock)

    said = await chat.type(":as O\u2019Brien")
    assert said == "* You are now o'brien (O'Brien) in #general.\n"
    await chat.type("standup add Daily @o'brien @O\u2019Brien @éva")
    [invocation] = dispatcher.invocations
    assert invocation.actor.user_id == "o'brien"
    assert invocation.people == ("o'brien", "éva")


async def test_tz_alone_shows_the_zone_and_how_to_set_it(chat: Chat) -> None:
    said = await chat.type(":tz")
    assert said == ("* Now Mon 2026-11-23 09:00 UTC; ana's time zone is UTC (the workspace "
                    "default). Usage: :tz <zone>, such as :tz Europe/Berlin.\n")
    assert chat.console.session.zones == {}

    await chat.type(":tz Asia/Tokyo")
    said = await chat.type(":tz")
    assert said.startswith("* Now Mon 2026-11-23 09:00 UTC; for ana (Asia/Tokyo, set with :tz) "
                           "it is Mon 2026-11-23 18:00 JST.")


async def test_tz_reaches_the_bot_at_once_not_at_the_next_message(chat: Chat) -> None:
    """The bot knows ana; `:tz` is learned as a profile change would be, before she types."""
    await chat.type("partnerops whoami", ":tz Asia/Tokyo")
    said = await chat.type(":now")
    assert said == ("* Now Mon 2026-11-23 09:00 UTC; for ana (Asia/Tokyo, set with :tz) it is "
                    "Mon 2026-11-23 18:00 JST.\n")

    await chat.type("partnerops tz Europe/Berlin")  # a zone she chose comes first
    said = await chat.type(":tz America/Chicago")
    assert said.startswith("* ana's profile time zone is now America/Chicago, but ana chose "
                           "Europe/Berlin with 'partnerops tz', which comes first")
    assert "for ana (Europe/Berlin) it is Mon 2026-11-23 10:00 CET." in said
