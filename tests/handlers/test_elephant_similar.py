"""Before filing, open elephants that look alike are shown with "I see it too"; a far text
files at once; "File mine anyway" files the held-back report once."""

from __future__ import annotations

import pytest

from bot.core.cards import Actions, Button
from bot.core.responses import Reply
from handlers.elephants.ids import ElephantAction
from handlers.elephants.similar import meaningful_words, similar_to
from storage.elephants.models import Elephant
from tests.handlers.cadence_team import Team, form_of, text_of
from tests.handlers.elephant_lifecycle_helpers import filed
from tests.handlers.test_elephant_form import FILLED, stored

NOW_OPEN = "Direct reps hide the forecast from our VARs"


def _elephant(number: int, title: str, description: str = "") -> Elephant:
    return Elephant(id=number, workspace_id=1, number=number, title=title,
                    description=description, platform="console", created_at=None)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "alike"), [
    ("Reps keep hiding forecasts from VARs", True),          # near: plurals, other words
    ("The forecast is hidden from VARs by direct reps", True),
    ("Quotes take a week to approve", False),                # far
    ("Partner sales never hears about deals", False),        # only words every report uses
    ("Forecast calls start at 7am", False),                  # one shared word is not enough
])
def test_near_texts_are_alike_and_far_ones_are_not(text: str, alike: bool):
    found = similar_to(text, "", [_elephant(1, NOW_OPEN)])
    assert bool(found) is alike, meaningful_words(text)


def buttons(reply: object) -> list[Button]:
    assert isinstance(reply, Reply) and not isinstance(reply.content, str)
    return [button for block in reply.content.blocks if isinstance(block, Actions)
            for button in block.buttons]


async def test_a_near_quick_report_is_held_back_beside_the_open_one(team: Team):
    await filed(team, text=NOW_OPEN)
    reply = await team.command("bob", "elephant Reps keep hiding forecasts from VARs")
    assert "These open elephants look like yours" in text_of(reply)
    assert "E-1 Direct reps hide the forecast from our VARs (reported)" in text_of(reply)
    see, mine = buttons(reply)
    assert (see.label, see.action) == ("I see E-1 too", ElephantAction.SEE_IT_TOO)
    assert len(await stored(team)) == 1  # nothing filed yet
    assert "Counted: 1 sees E-1" in text_of(await team.press("bob", see.action, see.value))

    filed_mine = await team.press("bob", mine.action, mine.value)
    assert "Filed **E-2**" in text_of(filed_mine)
    again = await team.press("bob", mine.action, mine.value)
    assert "filed already" in text_of(again) and len(await stored(team)) == 2


async def test_a_form_report_is_held_back_too_and_keeps_every_field(team: Team):
    await filed(team, text="Partner marketing never sees the pipeline")
    form = form_of(await team.command("bob", "elephant"))
    reply = await team.submit("bob", form, FILLED)  # the same title as E-1
    *_, mine = buttons(reply)
    assert "Filed **E-2**" in text_of(await team.press("bob", mine.action, mine.value))
    second = (await stored(team))[-1]
    assert (second.category, second.deals_affected, second.sides) == (
        "deal-conflict", 2, ["partner-marketing", "direct-sales"])


async def test_a_far_report_files_at_once(team: Team):
    await filed(team, text=NOW_OPEN)
    assert "Filed **E-2**" in text_of(await team.command("bob",
                                                        "elephant Quotes take a week to approve"))


async def test_an_anonymous_report_files_at_once_and_names_the_alike_ones_in_the_form(
        team: Team):
    """Holding an anonymous report back would keep a draft and a button that address its
    reporter: it is filed, and the answer in the form names the open ones that look alike."""
    await filed(team, text="Partner marketing never sees the pipeline")
    form = form_of(await team.command("bob", "elephant"))
    reply = await team.submit("bob", form, {**FILLED, "anonymous": True})
    assert isinstance(reply, Reply) and reply.in_form
    said = text_of(reply)
    assert "Filed **E-2**" in said and "look alike" in said \
        and "E-1 (Partner marketing never sees the pipeline)" in said
    far = await team.submit("bob", form, {**FILLED, "title": "Quotes take a week to approve",
                                          "description": "", "anonymous": True})
    assert "Filed **E-3**" in text_of(far) and "look alike" not in text_of(far)
