"""An elephant's life: acknowledged with an owner, addressed, resolved or won't fix, reopened;
each change on the post, in its thread and told to the reporter; and reading the herd."""

from __future__ import annotations

import asyncio

from bot.core.cards import Actions, Text
from bot.core.responses import Reply
from handlers.elephants.ids import ElephantAction
from storage.common.models import Role
from storage.elephants.models import ElephantStatus
from storage.partners import repository as partners
from tests.handlers.cadence_team import GENERAL, Team, form_of, text_of
from tests.handlers.elephant_lifecycle_helpers import filed
from tests.handlers.test_elephant_form import FILLED, stored
from tests.handlers.test_partners import say


def direct_to(team: Team, user: str) -> list[str]:
    return [sent.text for sent in team.outbox.posts if sent.to.id == user]


async def test_from_reported_to_resolved_and_reopened(team: Team):
    await filed(team)
    refused = await say(team, "bob", "elephant ack E-1")
    assert "Only admins and E-1's owner (nobody yet) change its status" in refused
    assert "Bob owns it" in await say(team, "ana", "elephant ack E-1 @bob")
    [elephant] = await stored(team)
    assert elephant.status is ElephantStatus.ACKNOWLEDGED
    assert any("Owner: Bob" in update.text and "Acknowledged" in update.text
               for update in team.outbox.updates)  # the channel post shows it
    thread = [sent.text for sent in team.outbox.posts if sent.thread is not None]
    assert thread == ["Ana acknowledged it; Bob owns it."]
    assert direct_to(team, "cem")[-1] == ("The elephant you reported, E-1 (Reps hide the "
                                          "forecast): Ana acknowledged it; Bob owns it.")

    assert "being addressed" in await say(team, "bob", "elephant addressing E-1")  # the owner
    said = await say(team, "bob", "elephant resolve E-1")
    assert "Say what was done" in said
    assert (await stored(team))[0].status is ElephantStatus.ADDRESSING  # nothing changed
    assert "E-1 is resolved." in await say(
        team, "bob", "elephant resolve E-1 Deal registration now names the partner first")
    [elephant] = await stored(team)
    assert (elephant.status, elephant.note) == (ElephantStatus.RESOLVED,
                                                "Deal registration now names the partner first")
    assert "Bob marked it resolved: Deal registration" in direct_to(team, "cem")[-1]
    assert "open again (acknowledged)" in await say(team, "ana", "elephant reopen E-1")
    assert "E-1 is still open (acknowledged)" in await say(team, "ana", "elephant reopen E-1")


async def test_unknown_and_malformed_ids_are_refused_with_an_example(team: Team):
    await filed(team)
    assert "There is no E-9 here" in await say(team, "ana", "elephant ack E-9")
    assert "'forecast' is not an elephant's id; they look like E-12." in await say(
        team, "ana", "elephant show forecast")
    assert "Name the elephant" in await say(team, "ana", "elephant resolve")


async def test_an_anonymous_reporter_is_told_nothing_and_named_nowhere(team: Team):
    await filed(team)
    form = form_of(await team.command("cem", "elephant"))
    await team.submit("cem", form, {**FILLED, "anonymous": True})
    before = len(direct_to(team, "cem"))
    await say(team, "ana", "elephant ack E-2 @bob")
    await say(team, "bob", "elephant wontfix E-2 Pricing is the distributor's")
    assert len(direct_to(team, "cem")) == before
    mine = await say(team, "cem", "elephant mine")
    assert "E-1" in mine and "E-2" not in mine


async def test_list_show_and_mine(team: Team):
    await filed(team)
    await say(team, "ana", "partner add Northwind")
    form = form_of(await team.command("bob", "elephant"))
    await team.submit("bob", form, {**FILLED, "partner": str(await team.partner_id("Northwind"))})
    await say(team, "ana", "elephant ack E-1 @ana")
    await say(team, "ana", "elephant resolve E-1 Fixed in the forecast call")
    listed = await say(team, "bob", "elephant list")
    assert "E-2 Partner marketing never sees the pipeline (reported) · Northwind" in listed
    assert "E-1" not in listed
    assert "E-1 Reps hide the forecast (resolved)" in await say(team, "bob", "elephant list all")
    assert "E-2" in await say(team, "bob", "elephant list Northwind")
    assert "No open elephants (information withheld)" in await say(
        team, "bob", "elephant list information withheld")
    assert "E-2" in await say(team, "bob", "elephant list lead or deal conflict")
    refused = await say(team, "bob", "elephant list open ones")
    assert "'ones' is neither a partner nor a category" in refused
    assert len(await stored(team)) == 2  # a list that reads oddly files nothing
    shown = await say(team, "bob", "elephant show e-1")
    assert "Resolution: Fixed in the forecast call" in shown and "Owner: Ana" in shown
    assert "E-1" in await say(team, "ana", "elephant mine")  # she owns it


async def test_text_that_reads_like_a_command_is_asked_about_not_filed(team: Team):
    await filed(team)
    for text in ("status E-1 resolved", "delete E-3"):
        reply = await team.command("bob", f"elephant {text}")
        assert "reads like a command, so I filed nothing" in text_of(reply)
        assert isinstance(reply, Reply) and not isinstance(reply.content, str)
        [button] = [button for block in reply.content.blocks if isinstance(block, Actions)
                    for button in block.buttons]
        assert (button.label, button.action, button.value) == (
            "File it as a report", ElephantAction.FILE_ANYWAY, text)
    assert len(await stored(team)) == 1
    # The question is shown where the text was typed, and so is its button.
    filed_anyway = await team.press("bob", ElephantAction.FILE_ANYWAY, "delete E-3", GENERAL)
    assert "Filed **E-2**" in text_of(filed_anyway)
    for slip in ("lists open ones", "resolved the pricing thing", "help me file this"):
        assert "reads like a command" in text_of(await team.command("bob", f"elephant {slip}"))
    assert len(await stored(team)) == 2


async def test_partner_contacts_can_neither_read_nor_change_the_herd(team: Team):
    await filed(team)
    await say(team, "ana", "partner add Northwind")
    await say(team, "pat", "partnerops whoami")
    await team.make_role("pat", Role.PARTNER_CONTACT)
    for text in ("elephant list", "elephant show E-1", "elephant mine", "elephant ack E-1",
                 "elephant resolve E-1 done"):
        assert "for the vendor's own teams" in await say(team, "pat", text), text


async def test_two_changes_at_once_never_lose_one(team: Team):
    """An ack and a resolve at the same moment: whatever wins, a resolve that said so stays
    resolved (the later change is refused, never written over it)."""
    await filed(team)
    acked, resolved = await asyncio.gather(
        say(team, "ana", "elephant ack E-1 @bob"),
        say(team, "ana", "elephant resolve E-1 Fixed in the forecast call"))
    [elephant] = await stored(team)
    if "E-1 is resolved." in resolved:
        assert elephant.status is ElephantStatus.RESOLVED  # never written over by the ack
    else:
        assert "changed meanwhile" in resolved and elephant.status is ElephantStatus.ACKNOWLEDGED
    assert any(said in acked for said in ("Bob owns it", "changed meanwhile", "reopen it first"))


async def test_ack_says_what_it_did_and_wants_a_mention(team: Team):
    await filed(team)
    said = await say(team, "ana", "elephant ack E-1 cem")
    assert "Mention the owner with @" in said
    assert (await stored(team))[0].owner_id is None  # nothing changed
    await say(team, "ana", "elephant ack E-1")
    await say(team, "ana", "elephant addressing E-1")
    owned = await say(team, "ana", "elephant ack E-1 @bob")
    assert owned == "Bob owns E-1 now (still addressing)."
    await say(team, "bob", "elephant resolve E-1 Shared on Mondays")
    await say(team, "ana", "elephant reopen E-1")
    assert (await stored(team))[0].note == ""  # the old resolution went with the reopening


async def test_a_second_add_details_keeps_the_first(team: Team):
    reply = await team.command("bob", "elephant Reps hide the forecast")
    [button] = [button for block in reply.content.blocks if isinstance(block, Actions)
                for button in block.buttons]
    form = form_of(await team.press("bob", ElephantAction.DETAILS, button.value))
    await team.submit("bob", form, {**FILLED, "title": "Reps hide the forecast",
                                    "anonymous": False})
    again = form_of(await team.press("bob", ElephantAction.DETAILS, button.value))
    assert again.field("category").initial == "deal-conflict"
    assert again.field("hours").initial == "3.5" and again.field("deals").initial == "2"
    values = {item.id: item.initial for item in again.fields if item.initial is not None}
    await team.submit("bob", again, {**values, "sides": values["sides"].split(","),
                                     "anonymous": False})
    [elephant] = await stored(team)
    assert (elephant.category, elephant.deals_affected, elephant.sides) == (
        "deal-conflict", 2, ["partner-marketing", "direct-sales"])


async def test_list_narrows_by_a_partner_and_a_category_together(team: Team):
    await filed(team)
    await say(team, "ana", "partner add Northwind Traders")
    form = form_of(await team.command("bob", "elephant"))
    partner = str(await team.partner_id("Northwind Traders"))
    await team.submit("bob", form, {**FILLED, "partner": partner})
    both = await say(team, "bob", "elephant list all Northwind Traders lead or deal conflict")
    assert "of Northwind Traders (lead or deal conflict)" in both and "E-2" in both
    none = await say(team, "bob", "elephant list Northwind Traders information withheld")
    assert "No open elephants of Northwind Traders (information withheld)" in none
    # A category by a word only its label holds; a status instead of open or all.
    assert "E-2" in await say(team, "bob", "elephant list deal")
    assert "(channel/pricing conflict)" in await say(team, "bob", "elephant list pricing")
    assert "neither a partner nor a category" in await say(team, "bob", "elephant list conflict")
    await say(team, "ana", "elephant ack E-1")
    await say(team, "ana", "elephant resolve E-1 Fixed")
    resolved = await say(team, "bob", "elephant list resolved")
    assert "Resolved elephants" in resolved and "E-1" in resolved and "E-2" not in resolved
    assert "E-1" in await say(team, "bob", "elephant list closed")


async def test_a_note_is_shown_as_written_in_the_thread(team: Team):
    await filed(team)
    await say(team, "ana", "elephant ack E-1")
    await say(team, "ana", "elephant resolve E-1 *not* a <b>joke</b>")
    [note] = [sent for sent in team.outbox.posts if sent.thread is not None
              and "marked it resolved" in sent.text]
    [block] = note.card.blocks
    assert isinstance(block, Text) and not block.markup
    assert block.body.endswith("*not* a <b>joke</b>")


async def test_help_after_a_subcommand_explains_it_and_changes_nothing(team: Team):
    await filed(team)
    for sub in ("ack", "resolve", "show", "follow", "list", "mine", "digest", "votes"):
        said = await say(team, "ana", f"elephant {sub} help")
        assert f"Help for elephant {sub}" in said or "Usage" in said, (sub, said)
        assert "not an elephant's id" not in said
    assert "Usage" in await say(team, "ana", "partner add help")
    async with team.application.database.session() as session:
        assert await partners.all_partners(session, (await team.workspace()).id or 0) == []
    assert (await stored(team))[0].status is ElephantStatus.REPORTED
