"""Check-ins about real partners: by the partner row, and, when a check-in lists none, about
the partners each participant owns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.cards import Actions
from bot.core.responses import Reply
from handlers.cadences.ids import CadenceAction
from schedules.run_due import run_due
from tests.handlers.cadence_team import REPORTS, Team, form_of, setup_values, text_of
from tests.handlers.test_partners import say

NINE = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday


async def owners(team: Team) -> None:
    """Bob owns Northwind and Contoso, Cem owns Fabrikam; Dee owns nothing."""
    for user in ("ana", "bob", "cem", "dee"):
        await say(team, user, "partnerops whoami")
    for partner, owner in (("Northwind", "bob"), ("Contoso", "bob"), ("Fabrikam", "cem"),
                           ("Tailspin", "")):
        said = await say(team, "ana",
                         f"partner add {partner}" + (f" owner @{owner}" if owner else ""))
        assert said.startswith(f"Added {partner}"), said


def prompts_to(team: Team, user: str) -> list[str]:
    return [sent.text for sent in team.outbox.posts
            if sent.to.id == user and "Time for your" in sent.text]


def answer_buttons(team: Team, user: str) -> list[tuple[str, str]]:
    [prompt] = [sent for sent in team.outbox.posts
                if sent.to.id == user and "Time for your" in sent.text]
    return [(button.label, button.value) for block in prompt.card.blocks
            if isinstance(block, Actions) for button in block.buttons
            if button.action is CadenceAction.ANSWER]


async def test_a_check_in_listing_no_partners_asks_each_owner_about_their_own(team: Team):
    await owners(team)
    form = form_of(await team.command("ana", "checkin setup"))
    saved = await team.submit("ana", form, setup_values(
        name="Owners", kind="checkin", participants=["bob", "cem", "dee"],
        questions="Health? [green|amber|red]"))
    assert "Partners: each participant's own partners" in text_of(saved)

    await run_due(team.application.services, NINE)

    northwind, contoso = await team.partner_id("Northwind"), await team.partner_id("Contoso")
    day = await team.occurrence("Owners", NINE.date(), NINE)
    assert "about 2 partners" in prompts_to(team, "bob")[0]
    assert answer_buttons(team, "bob") == [
        ("Answer for Contoso", f"{day.id}:p{contoso}"),
        ("Answer for Northwind", f"{day.id}:p{northwind}")]
    assert "about Fabrikam" in prompts_to(team, "cem")[0]
    assert prompts_to(team, "dee") == []  # owns nothing: nothing to ask
    parent = [sent for sent in team.outbox.to(REPORTS) if not sent.thread][-1]
    assert "Bob" in parent.text and "Cem" in parent.text and "Dee" not in parent.text

    said = text_of(await team.submit("bob", form_of(await team.command("bob", "checkin")),
                                     {"q0": "green"}))
    assert said.endswith("Still to answer: Northwind (`checkin Northwind`).")
    refused = text_of(await team.command("cem", "checkin Northwind"))
    assert "No open check-in asks you about 'Northwind'. Open now: Fabrikam." in refused
    nothing = text_of(await team.command("dee", "checkin"))
    assert "asks each person about the partners they own, and you own none" in nothing

    report = await team.command("ana", "checkin report Owners")
    assert isinstance(report, Reply)
    assert "Bob: waiting (1 of 2 partners)" in text_of(report)
    assert "Dee" not in text_of(report)
    one = text_of(await team.command("ana", "checkin report Fabrikam"))
    assert one.startswith("Owners · Fabrikam") and "Cem: waiting" in one and "Bob" not in one


async def test_setup_refuses_a_check_in_with_nothing_to_ask(team: Team):
    await owners(team)
    form = form_of(await team.command("ana", "checkin setup"))
    refused = text_of(await team.submit("ana", form, setup_values(
        name="Nobody", kind="checkin", participants=["dee"])))
    assert "lists no partners, so it asks each participant about the partners they own, " \
        "and none of them owns one" in refused
    assert "`partner edit <partner> owner @someone`" in refused
    assert await team.cadences() == []


async def test_an_answer_stays_with_its_partner_through_a_rename(team: Team):
    await owners(team)
    await team.set_up(command="checkin", name="Partners", kind="checkin",
                      participants=["bob"], partners="Northwind\nContoso",
                      questions="Health? [green|amber|red]")
    await run_due(team.application.services, NINE)
    contoso = form_of(await team.command("bob", "checkin Contoso"))
    await team.submit("bob", contoso, {"q0": "amber"})
    form = form_of(await team.command("bob", "checkin Northwind"))
    # Renamed while the form was open: the answer still belongs to the same partner.
    assert "Northwind Traders" in await say(team, "ana",
                                           'partner edit Northwind name "Northwind Traders"')
    assert "Contoso Ltd" in await say(team, "ana", 'partner edit Contoso name "Contoso Ltd"')
    said = text_of(await team.submit("bob", form, {"q0": "red"}))
    assert said.startswith("Thanks, posted"), said
    day = await team.occurrence("Partners", NINE.date(), NINE)
    # Each answer is kept by the partner's row, with the name it was given about.
    assert {(kept.partner_id, kept.subject) for kept in await team.answers(day)} == {
        (await team.partner_id("Contoso Ltd"), "Contoso"),
        (await team.partner_id("Northwind Traders"), "Northwind Traders")}
    team.clock.set(NINE + timedelta(hours=1))
    report = text_of(await team.command("ana", "checkin report contoso ltd"))
    assert report.startswith("Partners · Contoso Ltd") and "Bob: answered" in report
    assert "Bob about Contoso" in report  # as it was answered
    card = text_of(await team.command("ana", "partner show Northwind Traders"))
    assert "latest red" in card  # the scorecard reads health by the partner's row


async def test_run_says_why_nobody_is_asked_when_no_participant_owns_a_partner(team: Team):
    await owners(team)
    await team.submit("ana", form_of(await team.command("ana", "checkin setup")), setup_values(
        name="Owners", kind="checkin", participants=["cem"]))
    # Fabrikam moves to Dee, who is not on the check-in: Cem owns nothing now.
    assert "owned by Dee" in await say(team, "ana", "partner edit Fabrikam owner @dee")
    team.clock.set(NINE)
    said = text_of(await team.command("ana", "checkin run Owners"))
    assert "Nothing to send: none of its participants owns a partner" in said
    assert prompts_to(team, "cem") == []
