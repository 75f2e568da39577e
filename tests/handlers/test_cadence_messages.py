"""What the cadence commands say when something is off: specific, short, and the way out."""

from __future__ import annotations

from datetime import timedelta

from schedules.run_due import run_due
from storage.common.models import Role
from tests.handlers.cadence_team import Team, text_of


async def test_a_report_for_a_future_date_says_it_is_in_the_future(team: Team):
    await team.set_up()  # on Monday 23 November
    await run_due(team.application.services, team.clock.now() + timedelta(minutes=1))
    said = text_of(await team.command("ana", "standup report Daily 2026-12-24"))
    assert "Thu 24 Dec 2026 is in the future" in said and "did not run" not in said


async def test_dates_that_do_not_exist_or_are_not_dates_say_which(team: Team):
    await team.set_up()
    no_such_day = text_of(await team.command("ana", "standup ooo until 2026-02-30"))
    assert "2026-02-30 does not exist" in no_such_day
    words = text_of(await team.command("ana", "standup ooo until next friday"))
    assert "I don't understand 'next friday' as a date" in words and "YYYY-MM-DD" in words
    assert "Example: `standup ooo until 2026-12-07`" in words  # two weeks from today


async def test_with_no_standups_an_admin_is_told_to_set_one_up(team: Team):
    admin = text_of(await team.command("ana", "standup"))
    assert "`standup setup`" in admin and "edit" not in admin
    await team.make_role("bob", Role.MEMBER)
    member = text_of(await team.command("bob", "standup"))
    assert "an admin can set one up" in member


async def test_an_unknown_long_command_is_quoted_short(team: Team):
    said = text_of(await team.command("ana", "standup " + "x" * 10_000))
    assert len(said) < 400 and "…" in said
    unknown = text_of(await team.command("ana", "y" * 10_000))
    assert len(unknown) < 400 and "…" in unknown
