"""`list`, `pause`, `resume`, `delete` and help: the cadences of one command, kept by admins."""

from __future__ import annotations

from datetime import UTC, date, datetime

from storage.common.models import Role
from tests.handlers.cadence_team import Team, text_of


async def test_list_shows_schedule_channel_participants_and_state(team: Team):
    assert "No standups are set up yet" in text_of(await team.command("bob", "standup list"))
    await team.set_up()
    team.directory.members_of["sales"] = ["carol"]
    await team.set_up(name="Async", participants=["bob"], participant_channel="sales",
                      days=["mon", "wed"], local_time="08:15", close_time="11:00")
    await team.set_up(command="checkin", name="Partners", kind="objective_review")
    listing = text_of(await team.command("bob", "standup list"))
    assert listing.splitlines()[:3] == [
        "Standups",
        "Async: mon,wed at 08:15, closes 11:00 · #standup-reports · 1 person + everyone in "
        "#sales · active",
        "Daily: mon,tue,wed,thu,fri at 09:00, closes 17:00 · #standup-reports · 2 people · "
        "active",
    ]
    assert "Partners" not in listing
    checkins = text_of(await team.command("bob", "checkin list"))
    assert "Partners: objective review · mon,tue,wed,thu,fri at 09:00" in checkins


async def test_pause_resume_and_delete(team: Team):
    changes: list[str] = []
    team.application.services.schedule_changed = lambda: changes.append("changed")
    await team.set_up()
    assert "Paused Daily" in text_of(await team.command("ana", "standup pause daily"))
    assert (await team.cadence("Daily")).paused is True
    assert "already paused" in text_of(await team.command("ana", "standup pause Daily"))
    assert "paused" in text_of(await team.command("bob", "standup list"))
    resumed = text_of(await team.command("ana", "standup resume Daily"))
    assert "Resumed Daily: it runs again on Mon 23 Nov 2026 at 09:00 (UTC)" in resumed
    assert (await team.cadence("Daily")).paused is False
    await team.occurrence("Daily", date(2026, 11, 23), datetime(2026, 11, 23, 17, tzinfo=UTC))
    asked = text_of(await team.command("ana", 'standup delete "Daily"'))
    assert "with its 1 day of answers" in asked and "standup delete Daily confirm" in asked
    assert len(await team.cadences()) == 1  # nothing deleted without the confirming word
    assert "Deleted Daily" in text_of(await team.command("ana", "standup delete Daily confirm"))
    assert await team.cadences() == []
    assert len(changes) == 4  # setup, pause, resume, delete: the scheduler rebuilds each time


async def test_managing_is_for_admins_and_names_must_exist(team: Team):
    await team.set_up()
    for word in ("pause", "resume", "delete", "edit"):
        assert "Only admins" in text_of(await team.command("bob", f"standup {word} Daily"))
    assert (await team.cadence("Daily")).paused is False
    missing = text_of(await team.command("ana", "standup pause Weekly"))
    assert "no standup called 'Weekly'" in missing and "Standups: Daily" in missing
    assert "Name the standup" in text_of(await team.command("ana", "standup delete"))


async def test_partner_contacts_see_no_lists_or_reports(team: Team):
    await team.set_up(command="checkin", name="Partners", participants=["pat"])
    await team.make_role("pat", Role.PARTNER_CONTACT)
    for text in ("checkin list", "checkin report", "standup report Partners"):
        denied = text_of(await team.command("pat", text))
        assert "partner contacts can't see them" in denied, text


async def test_help_lists_every_subcommand_with_examples(team: Team):
    shown = text_of(await team.command("bob", "standup help"))
    for usage in ("standup setup", "standup edit <name>", "standup list", "standup skip [name]",
                  "standup ooo until <YYYY-MM-DD>", "standup back",
                  "standup report [name] [YYYY-MM-DD]", "standup pause <name>"):
        assert usage in shown, usage
    assert "Examples:" in shown
    assert "report [partner|name]" in text_of(await team.command("bob", "checkin help"))


async def test_a_name_with_quotes_works_typed_back_as_shown(team: Team):
    await team.set_up(name='The "A" team')
    paused = text_of(await team.command("ana", 'standup pause The "A" team'))
    assert 'Paused The "A" team' in paused
    suggested = paused.split("`")[1]  # the bot's own suggestion: `standup resume The "A" team`
    assert suggested == 'standup resume The "A" team'
    assert 'Resumed The "A" team' in text_of(await team.command("ana", suggested))
    # Slack's clients turn the quotes typographic, and a whole name may be quoted.
    assert "is already active" in text_of(await team.command("ana", "standup resume The “A” team"))
    assert "is already active" in text_of(
        await team.command("ana", 'standup resume "The "A" team"'))
