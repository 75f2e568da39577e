"""`/objective` on the real dispatcher: a partner's own goals from add to review, who may
keep them, and what a partner contact can never see."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.cards import Card
from bot.core.responses import Reply
from tests.handlers.cadence_team import Team
from tests.handlers.test_partners import NORTHWIND, northwind_with_pat, say


async def two_partners_with_objectives(team: Team) -> None:
    """Northwind (owned by Bob, Pat its contact): O-1 open at 40%, O-2 met, O-3 missed;
    Contoso (owned by Ana): O-4 open. All due in 2026-Q4."""
    await northwind_with_pat(team)
    for text in (f"{NORTHWIND} Certify 3 engineers by 2026-12-15 target 3 engineers",
                 f"{NORTHWIND} Launch a managed offer by 2026-11-30",
                 f"{NORTHWIND} Ten new logos by 2026-12-31"):
        assert "Added O-" in await say(team, "bob", f"objective add {text}")
    assert "Added O-4 for Contoso Ltd" in await say(
        team, "ana", "objective add Contoso Ltd Grow renewals by 2026-12-20")
    assert "O-1 (Northwind Traders): open · 40%" in await say(team, "pat",
                                                             "objective update O-1 40% booked")
    assert "O-2 (Northwind Traders) is met" in await say(team, "bob", "objective done O-2")
    assert "O-3 (Northwind Traders) is missed" in await say(team, "pat",
                                                           "objective missed O-3")


async def test_the_review_counts_met_missed_and_open_per_partner_and_in_total(team: Team):
    await two_partners_with_objectives(team)
    said = await say(team, "ana", "objective review 2026-Q4")  # on 23 November
    assert "Did partners meet their objectives? 2026-Q4" in said
    # O-1 and O-4 are open and not due yet: shown, not judged.
    assert "Northwind Traders: 1/2 met (50%) · 1 met · 1 missed · 1 open" in said
    assert "Contoso Ltd: none to judge · 1 open" in said
    assert "Total: 1/2 met (50%) · 1 met · 1 missed · 2 open" in said
    # Past their due dates, open ones are overdue, and judged as not met.
    team.clock.set(team.clock.now() + timedelta(days=40))
    later = await say(team, "ana", "objective review 2026-Q4")
    assert "Northwind Traders: 1/3 met (33%) · 1 met · 1 missed · 1 overdue" in later
    assert "Total: 1/4 met (25%) · 1 met · 1 missed · 2 overdue" in later
    # A dropped objective counts for neither side.
    await say(team, "ana", "objective drop O-4")
    assert "Total: 1/3 met (33%)" in await say(team, "ana", "objective review 2026")
    assert "No objectives are due, or were closed, in 2027-Q1" in await say(
        team, "ana", "objective review 2027-Q1")


async def test_a_review_can_be_posted_to_the_channel_it_is_asked_in(team: Team):
    await two_partners_with_objectives(team)
    said = await say(team, "ana", "objective review 2026-Q4 here")
    assert said == "Posted the 2026-Q4 review to #general."
    [posted] = team.outbox.to("general")
    assert "Total: 1/2 met (50%)" in posted.text


async def test_a_partner_contact_sees_and_keeps_their_own_objectives_only(team: Team):
    await two_partners_with_objectives(team)
    listed = await say(team, "pat", "objective list all")
    assert "O-1" in listed and "O-2" in listed and "Contoso" not in listed and "O-4" not in listed
    review = await say(team, "pat", "objective review 2026-Q4")
    assert "Northwind Traders: 1/2 met" in review and "Contoso" not in review
    # Another partner's objective and one that does not exist get the same answer.
    other = await say(team, "pat", "objective update O-4 10%")
    missing = await say(team, "pat", "objective update O-99 10%")
    assert other == missing.replace("O-99", "O-4")
    assert "There is no objective O-4 that you can see" in other
    assert "Added O-5 for Northwind Traders" in await say(
        team, "pat", "objective add Run two joint webinars by 2026-12-10")
    assert "As a partner contact you see Northwind Traders only" in await say(
        team, "pat", "objective list Contoso Ltd")


@pytest.mark.parametrize(("user", "allowed"), [("ana", True), ("bob", True), ("cem", False),
                                               ("pat", True)])
async def test_who_may_keep_northwinds_objectives(team: Team, user: str, allowed: bool):
    await two_partners_with_objectives(team)
    await say(team, "cem", "partnerops whoami")
    said = await say(team, user, "objective update O-1 60%")
    assert ("O-1 (Northwind Traders): open · 60%" in said) is allowed, said
    if not allowed:
        assert "Only the owner of Northwind Traders, its contacts or an admin" in said


@pytest.mark.parametrize(("text", "words"), [
    ("objective add Fabrikam Grow", "There is no partner called 'Fabrikam'"),
    (f"objective add {NORTHWIND}", "Say what Northwind Traders aims for"),
    (f"objective add {NORTHWIND} Grow by 2026-02-30", "2026-02-30 does not exist"),
    (f"objective add {NORTHWIND} Grow target many", "'many' is not a number for the target"),
    ("objective update O-1 150%", "'150%' is not a share of the objective"),
    ("objective update O-1", "Give the objective's id, then its progress"),
    ("objective update 1x 10%", "Name the objective by its id, such as O-1"),
    ("objective update O-2 10%", "O-2 is already met"),
    ("objective review next", "Give a quarter (2026-Q4) or a year (2026)"),
])
async def test_bad_objective_input_says_why_and_changes_nothing(team: Team, text: str,
                                                                words: str):
    await two_partners_with_objectives(team)
    before = await _objectives(team)
    said = await say(team, "ana", text)
    assert words in said and "Example: `objective" in said
    assert await _objectives(team) == before


async def _objectives(team: Team) -> list[dict]:
    async with team.application.database.session() as session:
        return await team.application.registry.exporters["objectives"].rows(session, None)


async def test_the_export_keeps_each_objective_as_it_stands(team: Team):
    await two_partners_with_objectives(team)
    first, second, *_ = await _objectives(team)
    assert (first["id"], first["partner"], first["percent"], first["target"], first["unit"],
            first["status"]) == ("O-1", "Northwind Traders", 40, 3.0, "engineers", "open")
    assert (second["id"], second["status"], second["due_on"]) == ("O-2", "met", "2026-11-30")


async def test_no_objective_for_an_archived_partner_or_due_in_the_past(team: Team):
    await northwind_with_pat(team)
    past = await say(team, "bob", f"objective add {NORTHWIND} Certify by 2026-10-15")
    assert "Thu 15 Oct 2026 is already past (today is Mon 23 Nov 2026)" in past
    await say(team, "ana", "partner archive Contoso Ltd")
    archived = await say(team, "ana", "objective add Contoso Ltd Grow renewals")
    assert "Contoso Ltd is archived" in archived
    assert await _objectives(team) == []


async def test_a_value_counts_towards_a_target_and_says_when_it_is_reached(team: Team):
    await northwind_with_pat(team)
    await say(team, "bob", f"objective add {NORTHWIND} Certify engineers target 3 engineers")
    await say(team, "bob", f"objective add {NORTHWIND} Grow the pipeline")
    assert "O-2 has no target to count towards" in await say(team, "bob",
                                                             "objective update O-2 40")
    reached = await say(team, "bob", "objective update O-1 3")
    assert "open · 3 of 3" in reached and "`objective done O-1` if it is met" in reached
    assert "reaches its target" not in await say(team, "bob", "objective update O-1 2")


async def test_a_contact_asking_to_post_a_review_sees_it_privately(team: Team):
    await two_partners_with_objectives(team)
    said = await say(team, "pat", "objective review 2026-Q4 here")
    assert "Northwind Traders: 1/2 met" in said and "Contoso" not in said
    assert team.outbox.to("general") == []  # nothing posted for the channel
    extra = await say(team, "ana", "objective review 2026-Q4 2026-Q3")
    assert "Give one period" in extra and team.outbox.to("general") == []


async def test_the_review_charts_each_partner_best_share_first(team: Team):
    await two_partners_with_objectives(team)
    response = await team.command("ana", "objective review 2026-Q4")
    assert isinstance(response, Reply) and isinstance(response.content, Card)
    [chart] = response.content.charts
    assert chart.text() == ("Objectives by partner\n"
                            "- Northwind Traders: met 1, missed 1, open 1\n"
                            "- Contoso Ltd: met 0, missed 0, open 1")  # none to judge: last
