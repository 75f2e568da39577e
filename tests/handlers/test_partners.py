"""`/partner` on the real dispatcher: the list, contacts, leads, cards, who may do what, and
what a partner contact can never see."""

from __future__ import annotations

import pytest

from bot.core.conversation import Actor, Platform
from bot.core.requests import Invocation
from storage.common.models import Role
from tests.handlers.cadence_team import GENERAL, Team, text_of

NORTHWIND = '"Northwind Traders"'


async def say(team: Team, user: str, text: str, *, email: str | None = None) -> str:
    """`text` as `user` typed it; @words are mentions, as the platforms deliver them."""
    word, _, rest = text.partition(" ")
    actor = Actor(Platform.CONSOLE, user, user.capitalize(), email=email)
    mentioned = tuple(token[1:] for token in rest.split() if token.startswith("@"))
    return text_of(await team.application.dispatcher.command(
        Invocation(actor, GENERAL, word, rest, people=mentioned)))


async def northwind_with_pat(team: Team) -> None:
    """Ana (admin) adds Northwind, owned by Bob, with Pat as its contact, and Contoso."""
    for user in ("ana", "bob", "pat"):  # the bot learns their names as they first write
        await say(team, user, "partnerops whoami")
    assert "Added Northwind Traders (VAR, Gold tier, owned by Bob)" in await say(
        team, "ana", f"partner add {NORTHWIND} type VAR tier Gold owner @bob")
    assert "Added Contoso Ltd" in await say(team, "ana", "partner add Contoso Ltd type MSP")
    assert "Pat is now a contact of Northwind Traders" in await say(
        team, "bob", f"partner contact add {NORTHWIND} @pat")


async def test_names_are_unique_whatever_the_case_and_quotes(team: Team):
    await northwind_with_pat(team)
    said = await say(team, "ana", "partner add “NORTHWIND traders”")
    assert "There is already a partner called 'Northwind Traders'" in said
    assert "Northwind Traders" in await say(team, "ana", "partner show “northwind traders”")
    assert "Did you mean Northwind Traders?" in await say(team, "ana",
                                                          "partner show Northwind Trader")
    unknown = await say(team, "ana", "partner show Fabrikam")
    assert "There is no partner called 'Fabrikam'. `partner list` shows them all." in unknown


@pytest.mark.parametrize(("text", "words"), [
    ("partner add", "Name the partner first"),
    ("partner add Fabrikam type banana", "'banana' is not a partner type; use one of VAR"),
    ("partner add Fabrikam tier", "Say what the tier is"),
    ("partner add Fabrikam owner bob", "Mention the owner"),
    ('partner add "Fabrikam', "A quote is not closed"),
    ("partner add Fabrikam tier Gold colour red", "I don't understand 'colour' here"),
    (f"partner lead {NORTHWIND} \"Deal\" maybe", "Say how the lead ended"),
    (f"partner lead {NORTHWIND} \"Deal\" won hours many", "'many' is not a number of hours"),
    ("partner lead won", "Name the partner, then the deal in quotes"),
    (f"partner contact add {NORTHWIND} pat", "Mention the contact (@someone) or give their"),
    ("partner contact invite Northwind", "Add or remove a partner's contact"),
    ("partner list colour red", "List all partners, or by tier, type, owner"),
])
async def test_bad_input_says_what_would_work_and_changes_nothing(team: Team, text: str,
                                                                  words: str):
    await northwind_with_pat(team)
    before = await team_export(team)
    said = await say(team, "ana", text)
    assert words in said and "Example: `partner" in said
    assert await team_export(team) == before


async def team_export(team: Team) -> list[dict]:
    async with team.application.database.session() as session:
        exporters = team.application.registry.exporters
        return [*await exporters["partners"].rows(session, None),
                *await exporters["leads"].rows(session, None)]


async def test_leads_give_win_rate_and_engineer_hours_per_won_deal(team: Team):
    await northwind_with_pat(team)
    for deal, outcome, hours in (("Renewal", "won", 12), ("Expansion", "won", 6),
                                 ("Migration", "lost-to-competitor", 9),
                                 ("Tyre kicker", "unqualified", 1)):
        said = await say(team, "bob",
                         f'partner lead {NORTHWIND} "{deal}" {outcome} hours {hours}')
        assert f"Recorded the lead {deal} for Northwind Traders: {outcome}" in said
    card = await say(team, "bob", "partner show Northwind Traders")
    # 3 decided leads (the unqualified one is not), 28 engineer hours over 2 wins.
    assert "4 leads · win rate 2/3 (67%) · lost to a competitor 1/3 (33%) · 14 engineer " \
           "hours per won deal" in card
    assert "Renewal: won · 2026-11-23 · 12 engineer hours" in await say(
        team, "bob", "partner leads Northwind Traders")
    # The partner's own contact sees its leads, not what they cost the vendor's engineers.
    listed = await say(team, "pat", "partner leads")
    assert "Renewal: won" in listed and "engineer hours" not in listed
    assert "engineer hours" not in await say(team, "pat", "partner show")
    [*_, last] = await team_export(team)
    assert (last["partner"], last["deal"], last["outcome"], last["engineer_hours"]) == \
        ("Northwind Traders", "Tyre kicker", "unqualified", 1.0)


async def test_an_email_contact_is_linked_when_that_person_first_appears(team: Team):
    await northwind_with_pat(team)
    said = await say(team, "ana", "partner contact add Contoso Ltd sam@contoso.example")
    assert "sam@contoso.example will be a contact of Contoso Ltd" in said
    assert "sam@contoso.example (not seen yet)" in await say(team, "ana",
                                                            "partner show Contoso Ltd")
    card = await say(team, "sam", "partner show", email="Sam@Contoso.example")
    assert card.startswith("Contoso Ltd") and "Owner" not in card
    assert (await team.person("sam")).role is Role.PARTNER_CONTACT
    assert "Contacts: Sam" in await say(team, "ana", "partner show Contoso Ltd")


async def test_a_partner_contact_sees_their_own_partner_and_nothing_else(team: Team):
    await northwind_with_pat(team)
    own = await say(team, "pat", "partner show")
    assert own.startswith("Northwind Traders") and "Leads" in own
    assert all(word not in own for word in ("Owner", "Bob", "Tier", "Contacts"))
    # Another partner, a partner that does not exist: the same answer, so nothing leaks.
    other = await say(team, "pat", "partner show Contoso Ltd")
    missing = await say(team, "pat", "partner show Fabrikam")
    assert other == missing == ("As a partner contact you see Northwind Traders only.\n"
                                "Example: `partner show Northwind Traders`")
    assert await say(team, "pat", "partner leads Contoso Ltd") == other
    listed = await say(team, "pat", "partner list")
    assert "Contoso" not in listed and "Northwind Traders" in listed


@pytest.mark.parametrize(("user", "allowed"), [
    ("ana", True),  # admin
    ("bob", True),  # member who owns Northwind
    ("cem", False),  # member who does not
    ("pat", False),  # Northwind's own contact
])
async def test_who_may_change_a_partner(team: Team, user: str, allowed: bool):
    await northwind_with_pat(team)
    await say(team, "cem", "partnerops whoami")
    changes = (f"partner edit {NORTHWIND} tier Platinum",
               f'partner lead {NORTHWIND} "Deal" won',
               f"partner contact add {NORTHWIND} @dee",
               f"partner archive {NORTHWIND}")
    for text in changes:
        said = await say(team, user, text)
        refused = "Only its owner (Bob) or an admin" in said or "for the vendor team" in said
        assert refused is not allowed, (user, text, said)
    after = await say(team, "ana", "partner show Northwind Traders")
    assert ("Platinum" in after) is allowed and ("archived" in after) is allowed


async def test_adding_partners_is_for_the_vendor_team(team: Team):
    await northwind_with_pat(team)
    assert "Adding partners is for the vendor team" in await say(team, "pat",
                                                                 "partner add Evil Corp")
    assert "Added Fabrikam (partner, owned by Cem)" in await say(team, "cem",
                                                                 "partner add Fabrikam")


async def test_edit_renames_and_archive_keeps_history(team: Team):
    await northwind_with_pat(team)
    said = await say(team, "bob", f'partner edit {NORTHWIND} name "Northwind Group" tier Silver')
    assert "Updated Northwind Group (VAR, Silver tier, owned by Bob)" in said
    taken = await say(team, "bob", 'partner edit "Northwind Group" name "contoso ltd"')
    assert "There is already a partner called 'Contoso Ltd'" in taken
    await say(team, "bob", 'partner lead "Northwind Group" "Renewal" won')
    assert "Archived Northwind Group" in await say(team, "bob",
                                                   'partner archive "Northwind Group"')
    assert "Northwind" not in await say(team, "ana", "partner list")
    assert "Northwind Group" in await say(team, "ana", "partner list archived")
    card = await say(team, "ana", "partner show Northwind Group")
    assert "State: archived" in card and "1 lead" in card
    assert "No partners with that tier yet" in await say(team, "ana",
                                                         "partner list tier Silver")


async def test_a_contact_removed_stays_outside_the_vendor_team(team: Team):
    await northwind_with_pat(team)
    said = await say(team, "bob", f"partner contact remove {NORTHWIND} @pat")
    assert "Pat is no longer a contact of Northwind Traders" in said
    assert "You are not linked to a partner yet" in await say(team, "pat", "partner show")
    assert "for the vendor team" in await say(team, "pat", "partner add Pat Co")
    assert "Contoso" not in await say(team, "pat", "partner list")


async def test_a_near_miss_name_is_added_with_a_note(team: Team):
    await northwind_with_pat(team)
    said = await say(team, "ana", "partner add Northwind Trader")
    assert "Added Northwind Trader" in said
    assert "Note: Northwind Traders exists too; if this was a slip, `partner archive " \
           "Northwind Trader`." in said
    assert "Note:" not in await say(team, "ana", "partner add Fabrikam")


async def test_a_colleague_is_never_made_a_contact(team: Team):
    await northwind_with_pat(team)  # Bob owns Northwind
    for who in ("@bob", "@ana"):
        said = await say(team, "ana", f"partner contact add Contoso Ltd {who}")
        assert "is on the vendor team" in said
    assert (await team.person("bob")).role is Role.MEMBER
