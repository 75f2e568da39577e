"""Wording a reviewer found off: long input quoted short, people named, one example, and
words that fit every platform's form."""

from __future__ import annotations

import pytest

from bot.core.commands import QUOTE_MAX
from bot.core.responses import Reply
from handlers.cadences import setup_checks as checks
from handlers.common.questions import EXAMPLE, read_question
from tests.handlers.cadence_team import REPORTS, Team, text_of
from tests.handlers.test_cadence_membership import mentioning

LONG = "x" * 10_000


def quoted_short(said: str) -> bool:
    """Whether a message quotes LONG as an excerpt, not whole."""
    return "…" in said and "x" * QUOTE_MAX not in said and len(said) < 400


@pytest.mark.parametrize("subcommand", ["pause", "resume", "edit", "run", "skip", "delete"])
async def test_a_long_standup_name_is_quoted_short(team: Team, subcommand: str):
    await team.set_up()
    said = text_of(await team.command("ana", f"standup {subcommand} {LONG}"))
    assert "There is no standup called 'xxx" in said and quoted_short(said)


async def test_a_long_date_and_a_long_setting_are_quoted_short(team: Team):
    await team.set_up()
    date = text_of(await team.command("ana", f"standup ooo until {LONG}"))
    assert "I don't understand 'xxx" in date and "YYYY-MM-DD" in date and quoted_short(date)
    setting = text_of(await team.command("ana", f"partnerops settings {LONG}"))
    assert "There is no setting 'xxx" in setting and quoted_short(setting)


@pytest.mark.parametrize(("check", "typed"), [
    (checks.clock("local time"), LONG), (checks.zone, LONG), (checks.schedule, LONG),
    (checks.minutes, LONG), (checks.country, LONG),
    (checks.questions, "x" * 150 + " ["),  # within the length a question may have
])
def test_setup_fields_quote_long_input_short(check: checks.Check, typed: str):
    said = check(typed)
    assert said is not None and quoted_short(said)


async def test_removing_someone_not_on_the_cadence_names_them(team: Team):
    await team.set_up(name="Trial", participants=["ana", "bob"])
    await team.command("cem", "partnerops whoami")  # known to the bot, not on Trial
    said = await mentioning(team, "ana", "standup remove Trial @cem")
    assert said == "Cem is not on Trial, so nobody was removed."
    both = await mentioning(team, "ana", "standup remove Trial @cem @dee")
    assert both == "Cem and dee are not on Trial, so nobody was removed."
    some = await mentioning(team, "ana", "standup remove Trial @bob @cem")
    assert some == ("Removed bob from Trial; their answers so far stay in its history. "
                    "Cem is not on Trial.")
    assert await team.participant_ids("Trial") == ["ana"]


async def test_removing_with_a_participant_channel_says_they_are_not_named(team: Team):
    await team.set_up(name="Trial", participants=["ana"], participant_channel="sales")
    said = await mentioning(team, "ana", "standup remove Trial @bob")
    assert said == ("bob is not named on Trial (everyone in #sales takes part too), so "
                    "nobody was removed.")


async def test_the_report_channel_announcement_reads_well_for_a_name_starting_the(team: Team):
    await team.set_up(name='The "A" team')
    [notice] = team.outbox.to(REPORTS)
    assert notice.text == ('This channel now receives the reports of The "A" team '
                           "(set up by Ana).")


@pytest.mark.parametrize(("overrides", "field"), [
    ({"days": ["sat", "sun"]}, "days"),
    ({"schedule": "monthly on the first sunday"}, "schedule"),
])
async def test_weekend_problems_say_turn_off_not_untick(team: Team, overrides: dict,
                                                        field: str):
    reply = await team.set_up(**overrides)
    assert isinstance(reply, Reply)
    said = reply.field_errors[field]
    assert "turn off Skip weekends" in said and "untick" not in said


@pytest.mark.parametrize("line", ["Health? [green|amber", "[green|amber|red]",
                                  "Budget? [low||high]"])
def test_a_bad_question_gives_its_example_once(line: str):
    said = checks.questions(line)
    assert said is not None and said.count(EXAMPLE) == 1


def test_the_reminder_error_says_to_use_0_for_none():
    assert checks.minutes("2h") == ("'2h' is not a whole number of minutes; use 0 for no "
                                    "reminder.")


async def test_a_long_report_name_and_a_long_answer_are_quoted_short(team: Team):
    await team.set_up()
    said = text_of(await team.command("ana", f"standup report {LONG}"))
    assert "There is no standup called 'xxx" in said and quoted_short(said)
    for line in ("Health? [green|amber|red]", "Demos? [number]"):
        problem = read_question(line).problem(LONG)
        assert problem is not None and quoted_short(problem)


async def test_one_of_a_thing_is_said_in_the_singular(team: Team):
    await team.set_up(questions="What moved?")
    listed = await team.command("ana", "standup list")
    assert isinstance(listed, Reply) and listed.content.summary == "1 standup"
    await team.command("ana", "standup run Daily")
    [prompt, *_] = [sent.text for sent in team.outbox.posts if "Time for your" in sent.text]
    assert "1 short question;" in prompt
