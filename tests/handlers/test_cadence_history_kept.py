"""History never changes under you: a day keeps the questions it asked; a time zone change
never asks a person twice on one local day; moving a clock never makes history from before
a cadence existed or before a person joined it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from handlers.cadences.cards import answer_value
from handlers.cadences.ids import CadenceAction
from schedules.run_due import run_due
from schedules.wakeup import FollowTime
from storage.cadences import repository as cadences
from tests.handlers.cadence_team import REPORTS, Team, form_of, setup_values, text_of
from tests.handlers.test_cadence_membership import mentioning

MONDAY_0900 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
THURSDAY_0900 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


async def _at(team: Team, instant: datetime) -> None:
    team.clock.set(instant)
    await run_due(team.application.services, instant)


def _prompts(team: Team, user: str) -> list[str]:
    return [sent.text for sent in team.outbox.posts
            if sent.to.id == user and "Time for your" in sent.text]


async def _answer_today(team: Team, user: str, *texts: str) -> None:
    cadence = await team.cadence("Daily")
    async with team.application.database.session() as session:
        day = await cadences.occurrence(session, cadence.id or 0,
                                        team.clock.now().date())
    assert day is not None
    form = form_of(await team.press(user, CadenceAction.ANSWER, answer_value(day.id or 0)))
    await team.submit(user, form, {item.id: text for item, text in zip(form.fields, texts,
                                                                       strict=False)})


async def test_editing_the_questions_never_rewrites_an_earlier_day(team: Team):
    await team.set_up(participants=["ana"])  # the usual three standup questions
    await _at(team, MONDAY_0900)
    await _answer_today(team, "ana", "Shipped the renewal", "Demo prep", "Legal review")

    edit = form_of(await team.command("ana", "standup edit Daily"))
    values = setup_values(participants=["ana"], questions="Wins?\nPlans?")
    assert "is updated" in text_of(await team.submit("ana", edit, values))

    report = text_of(await team.command("ana", "standup report Daily 2026-11-23"))
    assert "What did you get done since last time?" in report and "Wins?" not in report
    assert "Legal review" in report  # the answer to the third question is still there
    async with team.application.database.session() as session:
        [row] = await team.application.registry.exporters["answers"].rows(session, None)
    assert [(item["question"], item["value"]) for item in row["answers"]] == [
        ("What did you get done since last time?", "Shipped the renewal"),
        ("What are you working on today?", "Demo prep"),
        ("Anything blocking you?", "Legal review")]
    # The next day asks the new questions.
    await _at(team, MONDAY_0900 + timedelta(days=1))
    form = form_of(await team.command("ana", "standup"))
    assert [item.label for item in form.fields] == ["Wins?", "Plans?"]


async def test_a_time_zone_change_after_answering_never_asks_again_that_day(team: Team):
    await team.set_up(participants=["ana"])
    await _at(team, THURSDAY_0900)
    await _answer_today(team, "ana", "Done", "Next", "Nothing")
    assert len(_prompts(team, "ana")) == 1

    team.zones["ana"] = "America/New_York"  # westwards: Thursday 09:00 comes again
    await team.command("ana", "partnerops whoami")  # her client says so
    for hours in (1, 5, 6, 8):
        await _at(team, THURSDAY_0900 + timedelta(hours=hours))
    assert len(_prompts(team, "ana")) == 1
    assert not [sent for sent in team.outbox.posts if "Reminder" in sent.text]

    team.zones["ana"] = "Asia/Tokyo"  # eastwards: Friday comes early, and only Friday
    await team.command("ana", "partnerops whoami")
    await _at(team, datetime(2026, 11, 27, 0, 0, tzinfo=UTC))  # Friday 09:00 in Tokyo
    assert len(_prompts(team, "ana")) == 2
    assert "Fri 27 Nov" in _prompts(team, "ana")[-1]


async def test_moving_the_clock_makes_no_history_before_the_cadence_or_the_person(team: Team):
    team.clock.set(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    await team.set_up(participants=["ana"])  # made on Tuesday 1 December
    follow = FollowTime(team.application.services, team.clock.now())

    team.clock.set(datetime(2026, 1, 1, 9, 0, tzinfo=UTC))  # back to January
    await follow(team.clock.now())
    team.clock.set(datetime(2026, 6, 3, 9, 30, tzinfo=UTC))  # then June
    await follow(team.clock.now())
    assert team.outbox.posts == [] or all(sent.to.id == REPORTS and "now receives" in sent.text
                                          for sent in team.outbox.posts)

    # Bob joins on Wednesday evening, after Wednesday's window closed: he is asked from
    # Thursday on, even when the clock is then moved back to Wednesday noon.
    team.clock.set(datetime(2026, 12, 2, 18, 0, tzinfo=UTC))
    edit = form_of(await team.command("ana", "standup edit Daily"))
    await team.submit("ana", edit, setup_values(participants=["ana", "bob"]))
    await _at(team, datetime(2026, 12, 2, 12, 0, tzinfo=UTC))
    await _at(team, datetime(2026, 12, 3, 9, 0, tzinfo=UTC))
    assert [("Thu 03 Dec" in text) for text in _prompts(team, "bob")] == [True]
    assert all("Wed 02 Dec" not in text for text in _prompts(team, "bob"))


async def test_a_long_jump_of_the_clock_is_not_lived_through_day_by_day(team: Team):
    team.clock.set(datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
    await team.set_up(participants=["ana"])
    follow = FollowTime(team.application.services, team.clock.now())
    team.clock.set(datetime(2027, 3, 1, 9, 30, tzinfo=UTC))  # more than three months on
    await follow(team.clock.now())
    # Only what is due at the new instant: Monday 1 March's prompt, not a pile of months.
    [prompt] = _prompts(team, "ana")
    assert "Mon 01 Mar 2027" in prompt


async def test_a_past_day_keeps_who_was_on_it_through_adds_and_removes(team: Team):
    """Monday: only Ana takes part and does not answer. Bob joins on Tuesday, Ana leaves:
    Monday's report and its closed message still show Ana, and never Bob."""
    await team.set_up(participants=["ana"])
    await team.command("bob", "partnerops whoami")  # Bob is known, not on the standup
    await _at(team, MONDAY_0900)
    await _at(team, MONDAY_0900 + timedelta(hours=9))  # closed
    await _at(team, MONDAY_0900 + timedelta(days=1) - timedelta(hours=1))  # Tuesday 08:00
    assert "Added" in await mentioning(team, "ana", "standup add Daily @bob")
    assert "Removed" in await mentioning(team, "ana", "standup remove Daily @ana")

    monday = text_of(await team.command("bob", "standup report Daily 2026-11-23"))
    assert "Ana" in monday and "no answer" in monday and "Bob" not in monday
    assert "1 no answer" in monday
    [closed] = [sent for sent in team.outbox.updates if "Did not answer" in sent.text]
    assert "Ana" in closed.text and "Bob" not in closed.text
    # Tuesday is Bob's, not Ana's.
    await _at(team, MONDAY_0900 + timedelta(days=1))
    tuesday = text_of(await team.command("bob", "standup report Daily 2026-11-24"))
    assert "Bob" in tuesday and "Ana" not in tuesday
