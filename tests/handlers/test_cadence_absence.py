"""`skip`, `ooo` and `back`, in each person's own local calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from handlers.cadences.cards import answer_value
from handlers.cadences.ids import CadenceAction
from schedules.run_due import run_due
from storage.cadences import absences
from storage.cadences.models import AnswerStatus
from tests.handlers.cadence_team import Team, form_of, text_of

MONDAY = date(2026, 11, 23)


async def away_on(team: Team, user: str, day: date, cadence: str = "Daily") -> bool:
    person = await team.person(user)
    found = await team.cadence(cadence)
    async with team.application.database.session() as session:
        return person.id in await absences.absent_on(session, [person.id or 0], day,
                                                     found.id or 0)


async def test_skip_is_for_today_and_marks_open_days_as_skipped(team: Team):
    await team.set_up()
    day = await team.occurrence("Daily", MONDAY, datetime(2026, 11, 23, 17, tzinfo=UTC))
    reply = text_of(await team.command("bob", "standup skip"))
    assert "Skipped today (Mon 23 Nov 2026) for Daily" in reply
    assert await away_on(team, "bob", MONDAY)
    assert not await away_on(team, "bob", MONDAY + timedelta(days=1))
    [skipped] = await team.answers(day)
    assert skipped.status is AnswerStatus.SKIPPED


async def test_skip_one_cadence_by_name(team: Team):
    await team.set_up()
    await team.set_up(name="Weekly")
    assert "for Weekly" in text_of(await team.command("bob", "standup skip weekly"))
    assert await away_on(team, "bob", MONDAY, "Weekly")
    assert not await away_on(team, "bob", MONDAY, "Daily")
    assert "no standup called" in text_of(await team.command("bob", "standup skip Nope"))


async def test_today_is_the_persons_local_date(team: Team):
    await team.set_up()
    team.zones["bob"] = "Asia/Tokyo"
    team.clock.set(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))  # Tuesday 05:00 in Tokyo
    assert "Tue 24 Nov 2026" in text_of(await team.command("bob", "standup skip"))
    assert await away_on(team, "bob", date(2026, 11, 24))
    assert not await away_on(team, "bob", MONDAY)


async def test_ooo_until_a_date_is_inclusive(team: Team):
    await team.set_up()
    reply = text_of(await team.command("bob", "standup ooo until 2026-12-24"))
    assert "Out of office Mon 23 Nov 2026 to Thu 24 Dec 2026, inclusive" in reply
    assert await away_on(team, "bob", MONDAY)
    assert await away_on(team, "bob", date(2026, 12, 24))
    assert not await away_on(team, "bob", date(2026, 12, 25))


async def test_ooo_between_two_dates(team: Team):
    await team.set_up()
    reply = text_of(await team.command("bob", "checkin ooo 2026-12-20 2026-12-24"))
    assert "Sun 20 Dec 2026 to Thu 24 Dec 2026" in reply and "`checkin back`" in reply
    assert not await away_on(team, "bob", date(2026, 12, 19))
    assert await away_on(team, "bob", date(2026, 12, 20))


@pytest.mark.parametrize(("text", "words"), [
    ("standup ooo", "Say until when"),
    ("standup ooo until", "Say until when"),
    ("standup ooo until 24/12/2026",
     "I don't understand '24/12/2026' as a date; write it as YYYY-MM-DD"),
    ("standup ooo until 2026-02-30", "2026-02-30 does not exist"),
    ("standup ooo until 2026-11-20", "2026-11-20 is in the past (today is 2026-11-23"),
    ("standup ooo 2026-12-24 2026-12-20", "The last day (2026-12-20) is before the first"),
    ("standup ooo 2026-12-01 2028-01-01", "more than a year"),
    ("standup ooo next week please", "Say until when"),
])
async def test_bad_ooo_dates_get_a_specific_error_and_change_nothing(team: Team, text: str,
                                                                     words: str):
    await team.set_up()
    reply = text_of(await team.command("bob", text))
    assert words in reply and "Example: `standup ooo" in reply
    bob = await team.person("bob")
    async with team.application.database.session() as session:
        assert await absences.end_absences(session, bob.id or 0, MONDAY) == 0
        assert await absences.planned_absences(session, bob.id or 0, MONDAY) == []


async def test_back_ends_absences_from_today(team: Team):
    await team.set_up()
    assert "weren't away or skipping" in text_of(await team.command("bob", "standup back"))
    team.clock.set(datetime(2026, 11, 20, 9, tzinfo=UTC))
    await team.command("bob", "standup ooo until 2026-12-24")
    team.clock.set(datetime(2026, 11, 23, 9, tzinfo=UTC))
    assert "Welcome back" in text_of(await team.command("bob", "standup back"))
    assert await away_on(team, "bob", date(2026, 11, 22))  # the days already away stay
    assert not await away_on(team, "bob", MONDAY)


async def test_back_today_keeps_a_trip_planned_for_later(team: Team):
    await team.set_up()
    await team.command("bob", "standup ooo 2026-12-21 2026-12-23")
    await team.command("bob", "standup skip")  # today, Monday 23 November
    said = text_of(await team.command("bob", "standup back"))
    assert "Welcome back" in said
    assert "Your time away from Mon 21 Dec 2026 to Wed 23 Dec 2026 still stands" in said
    assert not await away_on(team, "bob", MONDAY)
    assert await away_on(team, "bob", date(2026, 12, 22))
    again = text_of(await team.command("bob", "standup back"))
    assert "weren't away or skipping today" in again and "still stands" in again


async def test_skip_follows_the_cadence_zone_for_people_without_one(team: Team):
    await team.set_up(timezone="Asia/Tokyo")
    team.clock.set(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))  # Tuesday 05:00 in Tokyo
    await team.command("bob", "standup skip")
    assert await away_on(team, "bob", date(2026, 11, 24), "Daily")
    assert not await away_on(team, "bob", MONDAY, "Daily")


async def test_skip_ooo_and_back_agree_everywhere(team: Team):
    """One rule: answered beats skipped beats out; the reply, the day's message and the
    report always say the same thing."""
    await team.set_up(command="checkin", participants=["ana", "bob"], partners="A\nB")
    nine = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    team.clock.set(nine)
    await run_due(team.application.services, nine)

    # bob answers about one partner of two: still waiting, for the other one, everywhere.
    day = await team.occurrence("Daily", date(2026, 11, 23), nine)
    form = form_of(await team.press("bob", CadenceAction.ANSWER,
                                    answer_value(day.id or 0, await team.partner_id("A"))))
    await team.submit("bob", form, {form.fields[0].id: "green"})
    assert "Bob (1 of 2 partners)" in team.outbox.updates[-1].text
    assert "Bob: waiting (1 of 2 partners)" in text_of(await team.command(
        "ana", "checkin report Daily"))
    assert "Bob: waiting" in text_of(await team.command("ana", "checkin report B"))
    # Then skips the rest: the day is answered (one answered, one skipped), everywhere.
    said = text_of(await team.command("bob", "checkin skip"))
    assert "Skipped the partners still open today in Daily; your answers about the others " \
           "stay, so the day counts as answered." in said and "Skipped today" not in said
    assert "Answered: Bob" in team.outbox.updates[-1].text
    assert "Bob: answered" in text_of(await team.command("ana", "checkin report Daily"))
    assert "Bob: skipped" in text_of(await team.command("ana", "checkin report B"))
    again = text_of(await team.command("bob", "checkin skip"))
    assert "You already answered Daily today" in again and "Skipped today" not in again

    # ana is out today: the day's message says so at once, and so does the report.
    await team.command("ana", "checkin ooo until 2026-11-24")
    assert "Out of office: Ana" in team.outbox.updates[-1].text
    assert "Ana: out" in text_of(await team.command("ana", "checkin report Daily"))
    # Back: asked again, today too, and shown as waiting again everywhere.
    said = text_of(await team.command("ana", "checkin back"))
    assert "every cadence asks you again" in said
    assert "Waiting for: Ana" in team.outbox.updates[-1].text
    assert "Ana: waiting" in text_of(await team.command("ana", "checkin report Daily"))

    # A skip, then back: the skip is taken back, not left behind in the report.
    await team.command("ana", "checkin skip")
    assert "Ana: skipped" in text_of(await team.command("ana", "checkin report Daily"))
    await team.command("ana", "standup back")  # back is back, whichever command says it
    assert "Ana: waiting" in text_of(await team.command("ana", "checkin report Daily"))


async def test_skip_on_a_day_without_a_prompt_says_so(team: Team):
    await team.set_up(participants=["ana"])  # weekdays only
    team.clock.set(datetime(2026, 11, 28, 10, 0, tzinfo=UTC))  # a Saturday
    said = text_of(await team.command("ana", "standup skip"))
    assert "Daily does not ask you today" in said and "Skipped today" not in said


async def test_out_of_office_days_are_in_the_export_as_in_the_report(team: Team):
    """Bob is out Monday and Tuesday, Ana skips Monday: the answers export holds Ana's skip
    and one `out` row for each of Bob's days, as the reports show them."""
    await team.set_up()
    await team.command("bob", "standup ooo until 2026-11-24")
    for day in range(2):
        instant = datetime(2026, 11, 23 + day, 9, 30, tzinfo=UTC)
        team.clock.set(instant)
        await run_due(team.application.services, instant)
        if day == 0:
            await team.command("ana", "standup skip")
    assert "Bob: out" in text_of(await team.command("ana", "standup report Daily 2026-11-24"))
    async with team.application.database.session() as session:
        rows = await team.application.registry.exporters["answers"].rows(session, None)
    assert [(row["date"], row["person"], row["status"]) for row in rows] == [
        ("2026-11-23", "Ana", "skipped"), ("2026-11-23", "Bob", "out"),
        ("2026-11-24", "Bob", "out")]


async def test_skip_after_the_day_closed_or_before_the_cadence_existed_skips_nothing(
        team: Team):
    team.clock.set(datetime(2026, 11, 23, 18, tzinfo=UTC))  # Monday, after the 17:00 close
    await team.set_up()  # made after today's close: today asked nobody
    said = text_of(await team.command("bob", "standup skip"))
    assert "Daily does not ask you today, so there is nothing to skip" in said
    assert "Skipped" not in said and not await away_on(team, "bob", MONDAY)
    await run_due(team.application.services, datetime(2026, 11, 24, 9, 30, tzinfo=UTC))
    team.clock.set(datetime(2026, 11, 24, 18, tzinfo=UTC))  # Tuesday, after its close
    said = text_of(await team.command("bob", "standup skip"))
    assert "Daily has already closed for today, so there is nothing left to skip" in said
    assert not await away_on(team, "bob", date(2026, 11, 24))


async def test_ooo_shows_on_an_open_day_that_is_not_yet_the_persons_today(team: Team):
    """Tuesday opened in Tokyo (Kai) while it is still Monday evening in New York (Bob):
    Bob's ooo marks him out on Tuesday's message at once, and back takes it off."""
    team.zones.update(kai="Asia/Tokyo", bob="America/New_York")
    for user in ("kai", "bob"):
        await team.command(user, "partnerops whoami")  # the bot learns their zones
    await team.set_up(participants=["kai", "bob"])
    tuesday_in_tokyo = datetime(2026, 11, 24, 3, tzinfo=UTC)  # 22:00 Monday in New York
    team.clock.set(tuesday_in_tokyo)
    await run_due(team.application.services, tuesday_in_tokyo)
    [parent] = [sent for sent in team.outbox.posts if "Tue 24 Nov 2026" in sent.text
                and "Waiting for" in sent.text]
    assert "Bob" in parent.text
    await team.command("bob", "standup ooo until 2026-11-26")
    assert "Out of office: Bob" in team.outbox.updates[-1].text
    team.clock.set(datetime(2026, 11, 24, 13, tzinfo=UTC))  # Tuesday 08:00 in New York
    await team.command("bob", "standup back")
    assert "Out of office" not in team.outbox.updates[-1].text
