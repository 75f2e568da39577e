"""The elephant form: every field, every bad field at once, a quick report's details added
later by its reporter only, anonymity that stores no reporter, and the partner it names."""

from __future__ import annotations

from bot.core.cards import Actions
from bot.core.conversation import Actor, ConversationKind, ConversationRef, Platform
from bot.core.forms import FieldKind, Submission
from bot.core.responses import Reply
from handlers.elephants.ids import ElephantAction
from storage.elephants import repository as elephants
from storage.elephants.models import Elephant
from tests.handlers.cadence_team import Team, form_of, text_of
from tests.handlers.test_partners import say

FILLED = {"title": "Partner marketing never sees the pipeline",
          "description": "They learn about deals after close.",
          "sides": ["partner-marketing", "direct-sales"], "category": "deal-conflict",
          "hours": "3.5", "deals": "2", "anonymous": False}


async def stored(team: Team) -> list[Elephant]:
    async with team.application.database.session() as session:
        return list(await elephants.all_elephants(session, (await team.workspace()).id or 0))


async def test_the_form_asks_every_field_in_the_words_people_look_for(team: Team):
    await say(team, "ana", "partner add Northwind")
    form = form_of(await team.command("bob", "elephant"))
    labels = [item.label for item in form.fields]
    for words in ("Title", "Description", "Sides involved", "Category",
                  "Hours lost per week", "Deals affected", "Related partner", "Anonymous"):
        assert any(words in label for label in labels), words
    sides = form.field("sides")
    assert sides.kind is FieldKind.MULTISELECT
    assert [option.label for option in sides.options] == [
        "Direct sales", "Sales engineering/IT", "Partner sales", "Partner marketing",
        "Distributor", "Marketing", "Operations/finance", "Other"]
    assert [option.label for option in form.field("category").options] == [
        "Information withheld", "Lead or deal conflict", "Channel/pricing conflict",
        "Compensation conflict", "Process or tooling", "Excluded from meetings", "Other"]
    assert [option.label for option in form.field("partner").options] == ["Northwind"]


async def test_a_filled_form_files_and_posts_every_field(team: Team):
    await say(team, "ana", "partner add Northwind")
    form = form_of(await team.command("bob", "elephant"))
    northwind = str(await team.partner_id("Northwind"))
    reply = await team.submit("bob", form, {**FILLED, "partner": northwind})
    assert text_of(reply).startswith("Thanks. Filed **E-1**")
    [posted] = [sent for sent in team.outbox.posts if "E-1" in sent.text]
    for shown in ("Sides involved", "Direct sales, Partner marketing", "Lead or deal conflict",
                  "Hours lost per week", "3.5", "Deals affected", "Related partner",
                  "Northwind", "Reported by", "Bob"):
        assert shown in posted.text, shown
    [elephant] = await stored(team)
    assert (elephant.sides, elephant.category, elephant.deals_affected, elephant.partner_id,
            elephant.anonymous) == (["partner-marketing", "direct-sales"], "deal-conflict", 2,
                                    int(northwind), False)
    card = text_of(await team.command("ana", "partner show Northwind"))
    assert "Elephants: 1 open (E-1), 0 resolved or closed" in card


async def test_every_bad_field_is_reported_at_once_and_nothing_is_filed(team: Team):
    form = form_of(await team.command("bob", "elephant"))
    reply = await team.submit("bob", form, {**FILLED, "title": "Meh", "hours": "-2",
                                            "deals": "a few"})
    assert isinstance(reply, Reply)
    assert set(reply.field_errors) == {"title", "hours", "deals"}
    assert "a few words at least" in reply.field_errors["title"]
    assert "between 0 and 168" in reply.field_errors["hours"]
    assert "whole number" in reply.field_errors["deals"]
    assert reply.form is not None and reply.form.field("title").initial == "Meh"  # kept
    assert await stored(team) == []


async def test_anonymous_stores_no_reporter_and_says_so(team: Team):
    form = form_of(await team.command("bob", "elephant"))
    reply = await team.submit("bob", form, {**FILLED, "anonymous": True})
    assert "It names nobody" in text_of(reply)
    [elephant] = await stored(team)
    assert elephant.reporter_id is None and elephant.anonymous
    [posted] = [sent for sent in team.outbox.posts if "E-1" in sent.text]
    assert "Reported by: anonymous" in posted.text and "Bob" not in posted.text
    async with team.application.database.session() as session:
        [row] = await team.application.registry.exporters["elephants"].rows(session, None)
    assert row["reporter"] == "" and row["anonymous"] is True


async def test_a_quick_report_offers_its_details_to_its_reporter_only(team: Team):
    reply = await team.command("bob", "elephant Reps hide the forecast")
    assert isinstance(reply, Reply) and not isinstance(reply.content, str)
    [button] = [button for block in reply.content.blocks if isinstance(block, Actions)
                for button in block.buttons]
    assert (button.label, button.action) == ("Add details", ElephantAction.DETAILS)
    refused = await team.press("cem", ElephantAction.DETAILS, button.value)
    assert "Only the person who filed E-1 adds its details" in text_of(refused)
    form = form_of(await team.press("bob", ElephantAction.DETAILS, button.value))
    assert form.field("title").initial == "Reps hide the forecast"
    said = await team.submit("bob", form, {**FILLED, "title": "Reps hide the forecast",
                                           "anonymous": False})
    assert text_of(said) == "Saved the details of E-1."
    [elephant] = await stored(team)
    assert elephant.category == "deal-conflict" and elephant.reporter_id is not None
    assert [update for update in team.outbox.updates if "Lead or deal conflict" in update.text]
    assert len(await stored(team)) == 1  # details never file a second report


async def test_a_long_description_is_kept_whole_and_cut_in_messages_with_a_notice(team: Team):
    words = " ".join(f"word{n}" for n in range(1500))  # about 10,000 characters
    description = words[:10000]
    await team.command("bob", f"elephant Reps hide the forecast\n{description}")
    [elephant] = await stored(team)
    assert elephant.description.endswith(description[-50:])  # stored whole
    assert len(elephant.description) >= 10000
    [posted] = [sent for sent in team.outbox.posts if "E-1" in sent.text]
    assert "Description cut here: 10,0" in posted.text and "characters in all" in posted.text
    assert description[-50:] not in posted.text


async def test_markup_and_quotes_are_kept_verbatim(team: Team):
    title = 'Reps say "<b>not now</b>" & *never* in QBRs'
    await team.command("bob", f"elephant {title}")
    [elephant] = await stored(team)
    assert elephant.title == title  # stored as typed; each platform escapes it when shown


async def test_an_empty_title_files_nothing(team: Team):
    form = form_of(await team.command("bob", "elephant"))
    reply = await team.submit("bob", form, {**FILLED, "title": ""})
    assert isinstance(reply, Reply) and "title" in reply.field_errors
    assert await stored(team) == []


async def test_an_anonymous_report_from_a_direct_chat_without_a_channel_is_refused(team: Team):

    direct = ConversationRef(Platform.CONSOLE, "bob", ConversationKind.DIRECT)
    form = form_of(await team.command("bob", "elephant"))
    reply = await team.application.dispatcher.submit(Submission(
        form.id, Actor(Platform.CONSOLE, "bob", "Bob"), direct,
        {**FILLED, "anonymous": True}, dict(form.context)))
    assert isinstance(reply, Reply) and "anonymous" in reply.field_errors
    assert "none is chosen yet" in reply.field_errors["anonymous"]
    assert await stored(team) == []
