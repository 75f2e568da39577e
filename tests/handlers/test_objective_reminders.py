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


async def test_the_objective_review_prompt_lists_each_owners_open_objectives(team: Team):
    await northwind_with_pat(team)  # Bob owns Northwind
    await say(team, "ana", "partner add Contoso Ltd")  # owned by Ana
    await say(team, "bob", f"objective add {NORTHWIND} Certify 3 engineers by 2026-12-15")
    await say(team, "bob", f"objective add {NORTHWIND} Joint webinar by 2026-12-01")
    await say(team, "bob", f"objective add {NORTHWIND} Closed one")
    await say(team, "bob", "objective drop O-3")
    await say(team, "ana", "objective add Contoso Ltd Grow renewals")
    await team.set_up(command="checkin", kind="objective_review", name="Objective review",
                      participants=["bob", "cem"])
    await run_due(team.application.services, datetime(2026, 11, 23, 9, 30, tzinfo=UTC))
    [bobs] = [sent.text for sent in team.outbox.posts if sent.to.id == "bob"]
    assert "Your partners' open objectives:\n- O-2 Northwind Traders: Joint webinar (due " \
           "Tue 01 Dec 2026)\n- O-1 Northwind Traders: Certify 3 engineers" in bobs
    assert "Contoso" not in bobs and "O-3" not in bobs
    [cems] = [sent.text for sent in team.outbox.posts if sent.to.id == "cem"]
    assert "Your partners have no open objectives right now." in cems
