"""`report`: participation, answers and streaks of one day of a cadence."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.core.cards import Fields, Text
from bot.core.responses import Reply
from handlers.cadences.cards import answer_value
from handlers.cadences.ids import CadenceAction
from storage.cadences.models import Occurrence
from tests.handlers.cadence_team import Team, form_of, text_of

THURSDAY, FRIDAY, MONDAY = date(2026, 11, 19), date(2026, 11, 20), date(2026, 11, 23)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


async def day_of(team: Team, day: date, name: str = "Daily") -> Occurrence:
    team.clock.set(at(day, 9))
    return await team.occurrence(name, day, at(day, 17))


async def answer(team: Team, user: str, day: Occurrence, text: str,
                 partner: str | None = None) -> None:
    about = await team.partner_id(partner) if partner else None
    form = form_of(await team.press(user, CadenceAction.ANSWER,
                                    answer_value(day.id or 0, about)))
    reply = await team.submit(user, form, {"q0": text})
    assert text_of(reply).startswith("Thanks"), text_of(reply)


async def three_days(team: Team) -> None:
    """Thu: all answer. Fri: Bob skips, Carol is out. Mon: Bob is silent."""
    team.clock.set(at(THURSDAY, 8))
    await team.set_up(participants=["ana", "bob", "carol"], questions="Done?")
    thursday = await day_of(team, THURSDAY)
    for user in ("ana", "bob", "carol"):
        await answer(team, user, thursday, f"{user} on Thursday")
    await team.command("carol", "standup ooo 2026-11-20")
    friday = await day_of(team, FRIDAY)
    await answer(team, "ana", friday, "ana on Friday")
    await team.press("bob", CadenceAction.SKIP, str(friday.id))
    monday = await day_of(team, MONDAY)
    await answer(team, "ana", monday, "ana on Monday")
    await answer(team, "carol", monday, "carol on Monday")


def rows(reply: object) -> dict[str, str]:
    assert isinstance(reply, Reply)
    card = reply.content
    fields = next(block for block in card.blocks if isinstance(block, Fields))
    return dict(fields.items)


async def test_report_of_the_latest_day_with_streaks(team: Team):
    await three_days(team)
    team.clock.set(at(MONDAY, 17, 30))
    reply = await team.command("bob", "standup report")
    assert rows(reply) == {"Ana": "answered · streak 3", "Bob": "no answer · streak 0",
                           "Carol": "answered · streak 2"}  # a day out does not break it
    shown = text_of(reply)
    assert shown.startswith("Daily: Mon 23 Nov 2026")
    assert "closed · 2 answered · 1 no answer" in shown
    answers = [block.body for block in reply.content.blocks if isinstance(block, Text)]
    assert answers == ["Ana\n• Done?\n    ana on Monday", "Carol\n• Done?\n    carol on Monday"]


async def test_report_of_a_given_day(team: Team):
    await three_days(team)
    reply = await team.command("ana", "standup report daily 2026-11-20")
    assert rows(reply) == {"Ana": "answered · streak 2", "Bob": "skipped · streak 0",
                           "Carol": "out · streak 1"}
    assert text_of(reply).startswith("Daily: Fri 20 Nov 2026")


async def test_a_day_still_open_shows_who_is_waiting_without_breaking_streaks(team: Team):
    await three_days(team)
    team.clock.set(at(MONDAY, 12))
    assert rows(await team.command("ana", "standup report Daily"))["Bob"] == \
        "waiting · streak 0"
    thursday_only = rows(await team.command("ana", "standup report Daily 2026-11-19"))
    assert thursday_only["Bob"] == "answered · streak 1"


async def test_report_errors_name_what_would_work(team: Team):
    assert "No standups are set up yet" in text_of(await team.command("ana", "standup report"))
    await team.set_up()
    not_yet = text_of(await team.command("ana", "standup report"))
    assert "has not run yet" in not_yet and "its next day is Mon 23 Nov 2026 at 09:00" in not_yet
    await team.set_up(name="Weekly")
    which = text_of(await team.command("ana", "standup report"))
    assert "Which one? Standups: Daily, Weekly." in which
    await day_of(team, MONDAY)
    assert "Daily was set up on Mon 23 Nov 2026, so it has no Sat 21 Nov 2026" in text_of(
        await team.command("ana", "standup report Daily 2026-11-21"))
    team.clock.set(team.clock.now() + timedelta(days=7))
    assert "did not run on Sat 28 Nov 2026 (not one of its days: mon,tue,wed,thu,fri" \
        in text_of(await team.command("ana", "standup report Daily 2026-11-28"))
    assert "did not run on Tue 24 Nov 2026 (it was paused, or everyone was away)" in text_of(
        await team.command("ana", "standup report Daily 2026-11-24"))
    assert "2026-13-01 does not exist" in text_of(
        await team.command("ana", "standup report Daily 2026-13-01"))
    assert "no standup called 'Nope'" in text_of(await team.command("ana", "standup report Nope"))


async def test_checkin_report_by_partner(team: Team):
    await team.set_up(command="checkin", name="Partners", kind="checkin",
                      partners="Northwind\nContoso", questions="Health?")
    day = await day_of(team, MONDAY, "Partners")
    await answer(team, "bob", day, "green", partner="Northwind")
    await answer(team, "ana", day, "red", partner="Contoso")
    team.clock.set(at(MONDAY, 18))
    reply = await team.command("ana", "checkin report northwind")
    assert text_of(reply).startswith("Partners · Northwind: Mon 23 Nov 2026")
    assert rows(reply) == {"Ana": "no answer · streak 1", "Bob": "answered · streak 1"}
    answers = [block.body for block in reply.content.blocks if isinstance(block, Text)]
    assert answers == ["Bob about Northwind\n• Health?\n    green"]
    assert reply.content.charts == ()  # one partner's weeks would chart one person
    whole = await team.command("ana", "checkin report Partners")
    assert len([block for block in whole.content.blocks if isinstance(block, Text)]) == 2
    (chart,) = whole.content.charts
    assert {series.name: series.values[-1] for series in chart.series} == {
        "answered": 2, "skipped": 0, "out": 0, "missed": 0}
    assert "or a partner" in text_of(await team.command("ana", "checkin report Fabrikam"))


async def test_a_future_date_is_in_the_future_even_before_the_first_run(team: Team):
    await team.set_up()  # has not run yet
    said = text_of(await team.command("ana", "standup report Daily 2026-12-25"))
    assert "Fri 25 Dec 2026 is in the future" in said and "has not run" not in said


async def test_the_report_charts_participation_per_week(team: Team):
    await three_days(team)
    team.clock.set(at(MONDAY, 17, 30))
    reply = await team.command("ana", "standup report")
    assert isinstance(reply, Reply)
    (chart,) = reply.content.charts
    assert chart.title == "Daily: participation per week"
    assert len(chart.categories) == 8 and chart.categories[-2:] == ("Nov 16", "Nov 23")
    counts = {series.name: series.values[-2:] for series in chart.series}
    assert counts == {"answered": (4, 2), "skipped": (1, 0), "out": (1, 0), "missed": (0, 1)}
    assert all(series.values[:-2] == (0,) * 6 for series in chart.series)
    assert "Participation: 75% answered over 8 weeks (6 of 8 due)." in text_of(reply)
    assert "- Nov 23: answered 2, skipped 0, out 0, missed 1" in text_of(reply)

