"""`home`: what is yours across features, in one card, soonest first; a partner contact's
holds their own partner only."""

from __future__ import annotations

from datetime import timedelta

from tests.handlers.cadence_team import Team
from tests.handlers.test_partners import NORTHWIND, northwind_with_pat, say


async def test_home_lists_open_objectives_soonest_first_and_says_overdue(team: Team):
    await northwind_with_pat(team)  # Bob owns Northwind; today is Mon 23 Nov 2026
    for text in ("Grow renewals by 2027-03-31", "Certify engineers by 2026-11-30",
                 "Joint webinar by 2026-12-10", "Some day"):
        await say(team, "bob", f"objective add {NORTHWIND} {text}")
    team.clock.set(team.clock.now() + timedelta(days=10))  # Thu 3 Dec
    home = await say(team, "bob", "home")
    lines = [line for line in home.splitlines() if line.startswith("- O-")]
    assert lines == [
        "- O-2 Northwind Traders: Certify engineers (overdue since Mon 30 Nov 2026)",
        "- O-3 Northwind Traders: Joint webinar (due Thu 10 Dec 2026) — due soon",
        "- O-1 Northwind Traders: Grow renewals (due Wed 31 Mar 2027)",
        "- O-4 Northwind Traders: Some day"]
    assert "Your partners" in home and "Northwind Traders" in home
    mine = await say(team, "pat", "home")
    assert "**Your partner**\n- Northwind Traders\n" in mine and "🟢" not in mine
    assert "Nothing waits for you right now." in await say(team, "cem", "home")
