"""`/standup setup` and `edit`: the form, every bad field named, nothing saved on error."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.core.cards import Content
from bot.core.conversation import ConversationKind, ConversationRef, MessageRef, Platform
from bot.core.forms import FieldKind
from bot.core.responses import Reply
from handlers.cadences.ids import CadenceForm
from storage.cadences import repository as cadence_store
from storage.cadences.models import Cadence, CadenceKind
from storage.common.models import Role
from tests.handlers.cadence_team import (
    GENERAL,
    REPORTS,
    WEEKDAYS,
    Team,
    form_of,
    setup_values,
    text_of,
)


async def test_setup_opens_a_form_with_defaults(team: Team):
    form = form_of(await team.command("ana", "standup setup"))
    assert form.id is CadenceForm.SETUP
    assert form.context == {"family": "standup"}
    kinds = {item.id: item.kind for item in form.fields}
    assert kinds["report_channel"] is FieldKind.CHANNEL
    assert kinds["participants"] is FieldKind.PEOPLE
    assert kinds["days"] is FieldKind.MULTISELECT
    assert "kind" not in kinds and "partners" not in kinds
    initial = {item.id: item.initial for item in form.fields}
    assert initial["days"] == "mon,tue,wed,thu,fri"
    assert (initial["local_time"], initial["close_time"]) == ("09:00", "17:00")
    assert (initial["reminder_minutes"], initial["skip_weekends"]) == ("120", "true")


async def test_setup_saves_the_cadence_and_announces_it_in_the_report_channel(team: Team):
    reply = await team.set_up(questions="Yesterday?\nToday?\n\nToday?\n", holiday_country="de",
                              timezone="Europe/Berlin")
    shown = text_of(reply)
    assert "Daily is set up" in shown and "mon,tue,wed,thu,fri at 09:00, closes 17:00" in shown
    assert "2 people" in shown and "- Yesterday?" in shown
    [notice] = team.outbox.to(REPORTS)
    assert "now receives the reports of Daily" in notice.text
    daily = await team.cadence("daily")
    assert (daily.kind, daily.platform, daily.report_channel_id) == (
        CadenceKind.STANDUP, "console", REPORTS)
    assert (daily.days, daily.local_time, daily.close_time) == (
        "mon,tue,wed,thu,fri", "09:00", "17:00")
    assert (daily.reminder_minutes, daily.skip_weekends, daily.holiday_country) == (
        120, True, "DE")
    assert daily.timezone == "Europe/Berlin"
    assert daily.questions == ["Yesterday?", "Today?"]
    assert await team.participant_ids("Daily") == ["ana", "bob"]


async def test_setup_without_questions_stores_the_kind_defaults(team: Team):
    await team.set_up(reminder_minutes="", participants=[], participant_channel="here")
    daily = await team.cadence("Daily")
    assert daily.questions[0] == "What did you get done since last time?"
    assert daily.reminder_minutes == 0
    assert daily.participant_channel_id == GENERAL.id


@pytest.mark.parametrize(("overrides", "field", "words"), [
    ({"name": "  "}, "name", "Give the standup a name"),
    ({"report_channel": ""}, "report_channel", "Choose the channel"),
    ({"participants": [], "participant_channel": ""}, "participants", "Nobody would be asked"),
    ({"days": []}, "days", "at least one day"),
    ({"days": ["sat", "sun"]}, "days", "only weekend days"),
    ({"local_time": "25:00"}, "local_time", "'25:00' is not a time of day"),
    ({"local_time": "9am"}, "local_time", "HH:MM"),
    ({"close_time": "08:30"}, "close_time", "must be after the local time (09:00)"),
    ({"close_time": "09:00"}, "close_time", "must be after"),
    ({"timezone": "Mars/Olympus"}, "timezone", "'Mars/Olympus' is not a time zone"),
    ({"reminder_minutes": "2h"}, "reminder_minutes", "not a whole number of minutes"),
    ({"reminder_minutes": "-5"}, "reminder_minutes", "not a whole number of minutes"),
    ({"reminder_minutes": "600"}, "reminder_minutes", "after the close at 17:00"),
    ({"questions": "\n".join(f"Q{n}?" for n in range(11))}, "questions", "at most 10"),
    ({"holiday_country": "Narnia"}, "holiday_country", "not a country code"),
    ({"schedule": "monthly"}, "schedule", "which day of the month"),
    ({"schedule": "every 2 weeks from soon"}, "schedule", "YYYY-MM-DD"),
    ({"schedule": "monthly on the first sunday"}, "schedule", "every sunday is a weekend"),
])
async def test_every_bad_field_is_named_the_form_keeps_what_was_typed_nothing_is_saved(
        team: Team, overrides: dict, field: str, words: str):
    reply = await team.set_up(**overrides)
    assert isinstance(reply, Reply)
    assert list(reply.field_errors) == [field]
    assert words.lower() in reply.field_errors[field].lower()
    assert reply.field_errors[field] in text_of(reply)
    # The form comes back (Teams, console) filled in as typed, the problem beside it.
    assert reply.form is not None and reply.form.problems == reply.field_errors
    assert reply.form.field("name").initial == overrides.get("name", "Daily")
    assert await team.cadences() == []
    assert team.outbox.posts == []


async def test_every_bad_field_is_reported_at_once(team: Team):
    reply = await team.set_up(name="x" * 81, local_time="25:00", holiday_country="Narnia",
                              days=[], timezone="Mars/Olympus", reminder_minutes="-5",
                              questions="Q?\n" + "y" * 10_000)
    assert isinstance(reply, Reply)
    assert set(reply.field_errors) == {"name", "local_time", "holiday_country", "days",
                                       "timezone", "reminder_minutes", "questions"}
    # A rule across fields names the fields it involves, once they are right themselves.
    crossed = await team.set_up(local_time="10:00", close_time="09:00")
    assert isinstance(crossed, Reply) and list(crossed.field_errors) == ["close_time"]


async def test_a_report_channel_the_bot_cannot_post_in_is_refused(team: Team):
    team.outbox.refuse.add("secret")
    reply = await team.set_up(report_channel="secret")
    assert isinstance(reply, Reply) and list(reply.field_errors) == ["report_channel"]
    assert "Invite me" in text_of(reply)
    assert await team.cadences() == []


async def test_here_means_the_conversation_of_the_submission_but_not_a_direct_one(team: Team):
    await team.set_up(report_channel="here")
    daily = await team.cadence("Daily")
    assert (daily.report_channel_id, daily.report_channel_name) == ("general", "general")
    assert [posted.to for posted in team.outbox.posts] == [GENERAL]
    dm = GENERAL.__class__(GENERAL.platform, "dm-ana", ConversationKind.DIRECT)
    form = form_of(await team.command("ana", "standup setup", where=dm))
    refused = await team.submit("ana", form, setup_values(name="Other", report_channel="here"),
                                where=dm)
    assert isinstance(refused, Reply) and list(refused.field_errors) == ["report_channel"]


async def test_names_are_unique_whatever_the_case(team: Team):
    await team.set_up()
    reply = await team.set_up(name="DAILY")
    assert isinstance(reply, Reply) and list(reply.field_errors) == ["name"]
    assert "already a cadence called 'DAILY'" in text_of(reply)
    assert len(await team.cadences()) == 1 and len(team.outbox.posts) == 1


class SavedMeanwhile:
    """The team's outbox, except that while a setup announces its report channel (after the
    form's name was found free, before it is saved) another cadence called `name` is saved."""

    def __init__(self, team: Team, name: str) -> None:
        self.team, self.name, self.saved = team, name, False

    async def post(self, to: ConversationRef, content: Content, *,
                   thread: MessageRef | None = None, key: str | None = None) -> MessageRef:
        if not self.saved:
            self.saved = True
            workspace, now = await self.team.workspace(), self.team.clock.now()
            async with self.team.application.database.session() as session:
                await cadence_store.save(session, Cadence(
                    workspace_id=workspace.id or 0, name=self.name, kind=CadenceKind.STANDUP,
                    platform="console", report_channel_id="elsewhere", created_at=now,
                    updated_at=now))
        return await self.team.outbox.post(to, content, thread=thread, key=key)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.team.outbox, name)


async def test_a_name_taken_between_the_check_and_the_save_is_refused(team: Team):
    team.application.add_platform(Platform.CONSOLE, SavedMeanwhile(team, "DAILY"))
    reply = await team.set_up()
    assert isinstance(reply, Reply) and list(reply.field_errors) == ["name"]
    assert "already a cadence called 'Daily'" in text_of(reply)
    assert len(team.outbox.to(REPORTS)) == 1  # announced: the name was free when checked
    [only] = await team.cadences()
    assert (only.name, only.report_channel_id) == ("DAILY", "elsewhere")
    assert await team.participant_ids("Daily") == []


async def test_setup_is_for_admins_even_when_the_form_is_forged(team: Team):
    denied = await team.command("bob", "standup setup")
    assert "Only admins" in text_of(denied)
    form = form_of(await team.command("ana", "standup setup"))
    forged = await team.submit("bob", form, setup_values())
    assert "Only admins" in text_of(forged)
    assert await team.cadences() == []


async def test_a_partner_contact_cannot_set_up(team: Team):
    await team.make_role("pat", Role.PARTNER_CONTACT)
    assert "Only admins" in text_of(await team.command("pat", "checkin setup"))


async def test_edit_opens_the_same_form_filled_in_and_saves_onto_the_row(team: Team):
    await team.set_up(questions="Yesterday?\nToday?", holiday_country="US", timezone="UTC")
    before = await team.cadence("Daily")
    form = form_of(await team.command("ana", "standup edit daily"))
    assert form.context == {"family": "standup", "cadence": str(before.id)}
    initial = {item.id: item.initial for item in form.fields}
    assert initial["name"] == "Daily" and initial["participants"] == "ana,bob"
    assert initial["questions"] == "Yesterday?\nToday?" and initial["holiday_country"] == "US"
    assert initial["report_channel"] == REPORTS and initial["days"] == ",".join(WEEKDAYS)
    assert initial["timezone"] == "UTC"
    reply = await team.submit("ana", form, setup_values(
        name="Daily sync", participants=["bob", "carol"], days=["mon", "wed"],
        local_time="10:30", close_time="12:00", reminder_minutes="30"))
    assert "Daily sync is updated" in text_of(reply)
    after = await team.cadence("Daily sync")
    assert after.id == before.id and after.created_at == before.created_at
    assert (after.days, after.local_time, after.reminder_minutes) == ("mon,wed", "10:30", 30)
    assert after.timezone is None
    assert await team.participant_ids("Daily sync") == ["bob", "carol"]
    assert len(team.outbox.posts) == 1  # same report channel: announced once


async def test_edit_keeps_its_own_name_but_not_another_cadences(team: Team):
    await team.set_up()
    await team.set_up(name="Weekly", participants=["bob"])
    form = form_of(await team.command("ana", "standup edit Daily"))
    assert "is updated" in text_of(await team.submit("ana", form, setup_values(name="daily")))
    clash = await team.submit("ana", form, setup_values(name="weekly"))
    assert isinstance(clash, Reply) and list(clash.field_errors) == ["name"]


async def test_edit_names_what_exists_and_where_other_kinds_live(team: Team):
    await team.set_up(command="checkin", name="Partners", partners="Northwind")
    missing = text_of(await team.command("ana", "standup edit Nope"))
    assert "no standup called 'Nope'" in missing
    elsewhere = text_of(await team.command("ana", "standup edit partners"))
    assert "`checkin edit Partners`" in elsewhere


async def test_checkin_setup_offers_objective_review_and_partners(team: Team):
    # With no partner list yet, partners are typed one per line and join the list; a
    # check-in without any is refused.
    empty = form_of(await team.command("ana", "checkin setup"))
    assert empty.field("partners").kind is FieldKind.MULTILINE
    refused = text_of(await team.submit("ana", empty, setup_values(name="First",
                                                                   kind="checkin")))
    assert "A check-in asks about partners, and the partner list is empty: name at least " \
        "one" in refused
    typed = text_of(await team.submit("ana", empty, setup_values(
        name="First", kind="checkin", partners="Northwind\nContoso\nnorthwind")))
    assert "Partners: Northwind, Contoso" in typed
    assert "Northwind" in text_of(await team.command("ana", "partner list"))
    ids = await team.partner_ids(["Northwind", "Contoso"])
    form = form_of(await team.command("ana", "checkin setup"))
    kind = form.field("kind")
    assert [option.value for option in kind.options] == ["checkin", "objective_review"]
    offered = form.field("partners")
    assert offered.kind is FieldKind.MULTISELECT
    assert [(option.value, option.label) for option in offered.options] == \
        [(ids[1], "Contoso"), (ids[0], "Northwind")]
    unchosen = text_of(await team.submit("ana", form, setup_values(name="Partners",
                                                                   kind="checkin")))
    assert "lists no partners, so it asks each participant about the partners they own, " \
        "and none of them owns one" in unchosen
    reply = await team.submit("ana", form, setup_values(
        name="Partners", kind="checkin", partners=[ids[0], ids[1], ids[0]]))  # from the list
    assert "Partners: Northwind, Contoso" in text_of(reply)
    assert await team.listed_partners("Partners") == ["Northwind", "Contoso"]
    edit = form_of(await team.command("ana", "checkin edit Partners"))
    assert edit.field("partners").initial == f"{ids[0]},{ids[1]}"
    await team.submit("ana", form, setup_values(name="Objectives", kind="objective_review",
                                                partners=[ids[0]]))
    review = await team.cadence("Objectives")
    assert review.kind is CadenceKind.OBJECTIVE_REVIEW
    assert await team.listed_partners("Objectives") == []
    assert "progress" in review.questions[0].lower()
    await team.submit("ana", form_of(await team.command("ana", "standup setup")),
                      setup_values(name="Sneaky", kind="checkin"))
    assert (await team.cadence("Sneaky")).kind is CadenceKind.STANDUP


async def test_edit_to_a_new_report_channel_announces_there_first(team: Team):
    await team.set_up()
    form = form_of(await team.command("ana", "standup edit Daily"))
    team.outbox.refuse.add("closed-room")
    refused = await team.submit("ana", form, setup_values(report_channel="closed-room",
                                                          local_time="10:00"))
    assert isinstance(refused, Reply) and list(refused.field_errors) == ["report_channel"]
    unchanged = await team.cadence("Daily")
    assert (unchanged.report_channel_id, unchanged.local_time) == (REPORTS, "09:00")
    await team.submit("ana", form, setup_values(report_channel="leads"))
    assert [posted.to.id for posted in team.outbox.posts] == [REPORTS, "leads"]
    assert (await team.cadence("Daily")).report_channel_id == "leads"


async def test_a_schedule_is_stored_one_way_and_every_n_weeks_counts_from_the_day_saved(
        team: Team):
    """Saved on Monday 23 November 2026 (the team's clock): "biweekly" is stored as
    counting from that day, shown so in the edit form, and kept by an edit that leaves it."""
    reply = await team.set_up(schedule="Biweekly", days=["mon", "thu"])
    assert "every 2 weeks from 2026-11-23 on mon,thu at 09:00" in text_of(reply)
    daily = await team.cadence("Daily")
    assert daily.schedule == "every 2 weeks from 2026-11-23"
    form = form_of(await team.command("ana", "standup edit Daily"))
    assert form.field("schedule").initial == "every 2 weeks from 2026-11-23"
    team.clock.set(team.clock.now() + timedelta(days=9))
    await team.submit("ana", form, setup_values(schedule=form.field("schedule").initial))
    assert (await team.cadence("Daily")).schedule == "every 2 weeks from 2026-11-23"
    # A monthly schedule needs no days of the week, and says when it runs next.
    monthly = await team.set_up(name="Month end", schedule="monthly on the last weekday",
                                days=[])
    assert "monthly on the last weekday at 09:00" in text_of(monthly)
    assert "Next: Thu 31 Dec 2026 at 09:00" in text_of(monthly)  # the clock is on 2 December
