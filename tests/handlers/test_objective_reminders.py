"""Objective nudges and overdue alerts through run-due: to the partner's owner and contacts,
at 09:00 their time, once each, and nothing for an objective closed meanwhile."""

from __future__ import annotations

from datetime import UTC, datetime

from schedules.run_due import run_due
from schedules.wakeup import next_wakeup
from tests.handlers.cadence_team import Team
from tests.handlers.test_partners import NORTHWIND, northwind_with_pat, say


def _told(team: Team, words: str) -> list[str]:
    return sorted(sent.to.id for sent in team.outbox.posts if words in sent.text)


async def test_a_nudge_before_the_due_date_and_an_alert_the_day_after(team: Team):
    await northwind_with_pat(team)  # Bob owns Northwind, Pat is its contact
    await say(team, "bob", f"objective add {NORTHWIND} Certify 3 engineers by 2026-12-15")
    await say(team, "bob", f"objective add {NORTHWIND} Launch an offer by 2026-12-15")
    await say(team, "bob", "objective done O-2")  # closed: nobody is told about it
    services = team.application.services
    nudge = datetime(2026, 12, 1, 9, tzinfo=UTC)  # 14 days before, 09:00 (UTC people)
    assert await next_wakeup(services, team.clock.now()) == nudge

    for _ in range(2):  # run twice: nothing is sent twice
        await run_due(services, nudge)
    assert _told(team, "O-1 for Northwind Traders is due Tue 15 Dec 2026") == ["bob", "pat"]
    assert _told(team, "O-2") == []

    overdue = datetime(2026, 12, 16, 9, tzinfo=UTC)
    assert await next_wakeup(services, nudge) == overdue
    await run_due(services, overdue)
    await run_due(services, overdue)
    assert _told(team, "O-1 for Northwind Traders was due Tue 15 Dec 2026") == ["bob", "pat"]


async def test_an_objective_met_before_its_due_date_asks_nothing(team: Team):
    await northwind_with_pat(team)
    await say(team, "bob", f"objective add {NORTHWIND} Certify 3 engineers by 2026-12-15")
    await say(team, "pat", "objective done O-1")
    services = team.application.services
    for instant in (datetime(2026, 12, 1, 9, tzinfo=UTC), datetime(2026, 12, 16, 9, tzinfo=UTC)):
        await run_due(services, instant)
    assert _told(team, "O-1") == []
    assert await next_wakeup(services, team.clock.now()) is None
