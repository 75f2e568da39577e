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


async def owner_check_in(team: Team) -> None:
    await owners(team)
    await team.submit("ana", form_of(await team.command("ana", "checkin setup")), setup_values(
        name="Owners", kind="checkin", participants=["bob", "cem", "dee"],
        questions="Health? [green|amber|red]", reminder_minutes="60"))
    await run_due(team.application.services, NINE)


async def test_a_past_day_keeps_who_owed_what_whatever_changes_later(team: Team):
    await owner_check_in(team)
    await team.submit("bob", form_of(await team.command("bob", "checkin Contoso")),
                      {"q0": "green"})
    await run_due(team.application.services, NINE + timedelta(hours=9))  # closed
    team.clock.set(NINE + timedelta(days=1))
    # Since: Northwind moved to Cem, Fabrikam archived.
    await say(team, "ana", "partner edit Northwind owner @cem")
    await say(team, "ana", "partner archive Fabrikam")
    report = text_of(await team.command("ana", "checkin report Owners 2026-11-23"))
    assert "Bob: partly answered (1 of 2 partners)" in report
    assert "Cem: no answer" in report and "Dee" not in report
    northwind = text_of(await team.command("ana", "checkin report Northwind 2026-11-23"))
    assert "Bob: no answer" in northwind and "Cem" not in northwind


async def test_an_owner_change_mid_day_moves_nothing_already_asked(team: Team):
    await owner_check_in(team)
    await team.submit("bob", form_of(await team.command("bob", "checkin Northwind")),
                      {"q0": "red"})
    assert "owned by Cem" in await say(team, "ana", "partner edit Northwind owner @cem")
    # Bob was asked about Northwind today: he may still correct his answer.
    again = form_of(await team.command("bob", "checkin Northwind"))
    assert again.title == "Northwind" and again.fields[0].initial == "red"
    # Cem was asked about Fabrikam only today: no reminder about Northwind, no answer owed.
    await run_due(team.application.services, NINE + timedelta(hours=1))
    [reminder] = [sent for sent in team.outbox.posts
                  if sent.to.id == "cem" and "Reminder" in sent.text]
    labels = [button.label for block in reminder.card.blocks if isinstance(block, Actions)
              for button in block.buttons if button.action is CadenceAction.ANSWER]
    assert labels == ["Answer for Fabrikam"]
    northwind = text_of(await team.command("ana", "checkin report Northwind"))
    assert "Bob: answered" in northwind and "Cem" not in northwind


async def test_someone_asked_nothing_is_told_why_and_skips_nothing(team: Team):
    await owner_check_in(team)
    said = text_of(await team.command("dee", "checkin Northwind"))
    assert "asks each person about the partners they own, and you own none" in said
    skipped = text_of(await team.command("dee", "checkin skip"))
    assert "Owners does not ask you today, so there is nothing to skip there." in skipped
    day = await team.occurrence("Owners", NINE.date(), NINE)
    assert [answer for answer in await team.answers(day) if answer.person_id ==
            (await team.person("dee")).id] == []


async def test_an_archived_partner_cannot_be_typed_into_a_check_in(team: Team):
    await say(team, "ana", "partner add Acme")
    await say(team, "ana", "partner archive Acme")
    form = form_of(await team.command("ana", "checkin setup"))  # no list left: typed
    refused = text_of(await team.submit("ana", form, setup_values(
        name="Old", kind="checkin", partners="Acme")))
    assert "Acme is archived, so a check-in cannot ask about it" in refused
    assert await team.cadences() == []


async def test_a_button_from_before_rows_finds_its_partner_past_an_archived_one(team: Team):
    await team.set_up(command="checkin", name="Partners", kind="checkin", participants=["bob"],
                      partners="Northwind\nContoso", questions="Health?")
    day = await team.occurrence("Partners", NINE.date(), NINE + timedelta(hours=8))
    team.clock.set(NINE)
    await say(team, "ana", "partner archive Northwind")
    # Sent when the list was [Northwind, Contoso]: place 1 is still Contoso.
    form = form_of(await team.press("bob", CadenceAction.ANSWER, f"{day.id}:1"))
    assert form.title == "Contoso"
