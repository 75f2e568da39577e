"""Cards, posts, edits and private messages as console text, and pressing their buttons."""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path
from textwrap import dedent

from bot.core.cards import Actions, Button, Card, Context, Divider, Fields, Picture, Text
from bot.core.charts import Chart, ChartKind, Series, Tone
from bot.core.clock import SimulatedClock
from bot.core.conversation import ConversationRef, MessageRef, Platform
from bot.core.responses import Reply
from bot.platforms.console import ConsoleOutbox
from bot.platforms.console.render import Style, card_lines, inline
from handlers.common.help import HelpAction
from tests.platforms.console.conftest import make_chat
from tests.platforms.console.scripted import ScriptedDispatcher

GENERAL = ConversationRef(Platform.CONSOLE, "general", name="general")
CARD = Card(
    summary="E-7",
    title="🐘 E-7: Reps hide the forecast",
    blocks=(
        Text("Seen **twice** this _week_; see `snake_case_name`", markup=True),
        Text("**literal**"),
        Fields((("Status", "Reported"), ("Hours lost / week", "6"))),
        Divider(),
        Actions((Button("I see it too", HelpAction.SHOW, "7"),
                 Button("Help", HelpAction.SHOW))),
        Context("E-7 · **reported** today"),
    ),
)


def test_a_card_reads_as_plain_text() -> None:
    assert card_lines(CARD) == [
        "🐘 E-7: Reps hide the forecast",
        "Seen twice this week; see `snake_case_name`",
        "**literal**",
        "Status:            Reported",
        "Hours lost / week: 6",
        "─" * 32,
        "[I see it too] (:press 1)   [Help] (:press 2)",
        "  E-7 · reported today",
    ]


def test_long_labels_put_their_value_below() -> None:
    card = Card("usage", blocks=(Fields((("partnerops settings [elephants-channel <#c>]",
                                          "Show or set."), ("whoami", "Who you are."))),))
    assert card_lines(card) == ["partnerops settings [elephants-channel <#c>]:",
                                "    Show or set.", "whoami: Who you are."]


def test_a_terminal_gets_emphasis_instead_of_markup() -> None:
    assert inline("a **b** _c_", Style(color=True)) == "a \x1b[1mb\x1b[0m \x1b[3mc\x1b[0m"
    assert card_lines(Card("only a summary")) == ["only a summary"]


async def test_the_outbox_prints_posts_edits_threads_and_private_messages() -> None:
    output = io.StringIO()
    outbox = ConsoleOutbox(output)

    first = await outbox.post(GENERAL, "Standup for **Monday**")
    second = await outbox.post(GENERAL, "ana: all good", thread=first)
    await outbox.update(first, Card("Standup", title="Standup for Monday",
                                    blocks=(Context("Answered: ana"),)))
    await outbox.post_private(GENERAL, "bob", "Your answer is late.")

    assert (first, second) == (MessageRef(GENERAL, "1"), MessageRef(GENERAL, "2"))
    assert output.getvalue() == dedent("""\
        [#general] bot: Standup for Monday  (msg 1)
        [#general, thread of msg 1] bot: ana: all good  (msg 2)
        [#general] bot (edited 1): Standup for Monday
            Answered: ana
        (only bob) bot: Your answer is late.
        """)


async def test_press_sends_the_button_of_the_last_card_as_the_current_user(
        clock: SimulatedClock) -> None:
    dispatcher = ScriptedDispatcher(commands={"card": Reply(CARD)},
                                    on_action=Reply("You see it too. Herd: 2."))
    chat = make_chat(dispatcher, clock)
    posted = await chat.console.outbox.post(GENERAL, CARD)
    await chat.type(":in #sales", "card")

    said = await chat.type(":as bob", ":press 1")
    assert said.endswith("(only you) bot: You see it too. Herd: 2.\n")
    pressed = dispatcher.actions[-1]
    assert (pressed.actor.user_id, pressed.action, pressed.value) == ("bob",
                                                                      HelpAction.SHOW, "7")
    assert pressed.conversation.label == "#sales"
    assert pressed.message is None  # a private reply has no message to update

    await chat.type(f":press 1 {posted.id}")
    assert dispatcher.actions[-1].message == posted
    assert dispatcher.actions[-1].conversation == GENERAL

    assert await chat.type(":press 3") == ("! That message has 2 button(s); choose 1 to 2. "
                                           "Example: :press 1\n")
    plain = await chat.console.outbox.post(GENERAL, "No buttons here.")
    assert (await chat.type(f":press 1 {plain.id}")).endswith(
        f"! Message {plain.id} has no buttons to press. Example: :press 1\n")
    assert await chat.type(":press 1 99") == ("! There is no message 99: the last one is msg 2. "
                                              "Example: :press 1 2\n")


async def test_press_on_a_message_before_any_was_posted(clock: SimulatedClock) -> None:
    chat = make_chat(ScriptedDispatcher(), clock)
    assert await chat.type(":press 1 1") == ("! There is no message 1: none has been shown "
                                             "yet. Example: :press 1\n")


async def test_a_chart_is_drawn_to_a_png_file_and_its_numbers_printed(tmp_path: Path) -> None:
    output = io.StringIO()
    outbox = ConsoleOutbox(output, charts_dir=tmp_path)
    chart = Chart(ChartKind.STACKED, "Partners that answered, by tier", ("Gold", "Silver"),
                  (Series("answered", (2, 1), Tone.GOOD), Series("not yet", (1, 1), Tone.NONE)))

    await outbox.post(GENERAL, Card("Summary", blocks=(Picture(chart),)))

    printed = output.getvalue()
    assert "- Gold: answered 2, not yet 1" in printed  # the numbers, for anyone reading
    drawn = tmp_path / "msg-1-1.png"
    assert f"drawn to {drawn}" in printed
    assert drawn.read_bytes().startswith(b"\x89PNG")


async def test_a_private_answer_draws_its_charts_too(clock: SimulatedClock) -> None:
    chart = Chart(ChartKind.BARS, "Objectives by partner", ("Northwind",),
                  (Series("met", (1,), Tone.GOOD),))
    dispatcher = ScriptedDispatcher(commands={"objective": Reply(Card("Review", blocks=(
        Picture(chart),)))})
    chat = make_chat(dispatcher, clock)
    said = await chat.type("objective review")
    assert said.startswith("(only you) bot:") and "- Northwind: met 1" in said
    [path] = re.findall(r"chart 'Objectives by partner' drawn to (\S+/answer-\d+-1\.png)",
                        said)
    assert (await asyncio.to_thread(Path(path).read_bytes)).startswith(b"\x89PNG")
