"""The scorecard's class follows a plain rule, tested on constructed histories; and a
partner's card shows its check-in health, objectives and leads."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.core.cards import Card
from bot.core.responses import Reply
from handlers.partners.scorecard import Facts, PartnerClass, classify
from storage.cadences import repository as cadences
from storage.cadences.models import AnswerStatus
from storage.partners import repository as partners
from tests.handlers.cadence_team import Team
from tests.handlers.test_partners import NORTHWIND, northwind_with_pat, say

OLD = timedelta(days=400)


@pytest.mark.parametrize(("facts", "kind", "because"), [
    (Facts(age=timedelta(days=30), health=["red"] * 3), PartnerClass.NEW,
     "added 30 days ago"),
    (Facts(age=OLD, health=["green"], judged=1, met=1), PartnerClass.NEW,
     "too little history yet: 1 judged objectives, 1 health answers"),
    (Facts(age=OLD, health=["green", "red", "red"], judged=2, met=2, won_leads=3),
     PartnerClass.AT_RISK, "2 of last 3 check-ins red, 2 of 2 objectives met"),
    (Facts(age=OLD, health=["green"] * 3, judged=3, met=0, won_leads=1),
     PartnerClass.AT_RISK, "0 of 3 objectives met in the last 4 quarters"),
    (Facts(age=OLD, health=["amber", "green"], judged=4, met=2, won_leads=1),
     PartnerClass.INNOVATOR, "2 of 4 objectives met, 1 won lead of its own"),
    (Facts(age=OLD, health=["green", "green", "red"], judged=2, met=2, won_leads=2),
     PartnerClass.STEADY, "2 of 2 objectives met, 2 won leads of its own"),
    (Facts(age=OLD, health=["green"] * 4, judged=3, met=1, won_leads=5),
     PartnerClass.STEADY, "1 of 3 objectives met"),
    (Facts(age=OLD, health=["green"] * 4, judged=2, met=2, won_leads=0),
     PartnerClass.STEADY, "0 won leads of its own"),
])
def test_the_class_and_the_reason_it_gives(facts: Facts, kind: PartnerClass, because: str):
    found, why = classify(facts)
    assert found is kind and because in why


async def test_the_card_shows_health_from_check_ins_objectives_leads_and_class(team: Team):
    await northwind_with_pat(team)
    await team.set_up(command="checkin", name="Weekly check-in", participants=["bob"],
                      partners="Northwind Traders\nContoso Ltd")
    bob = await team.person("bob")
    async with team.application.database.session() as session:
        northwind = await partners.by_name(session, bob.workspace_id, "Northwind Traders")
    healths = ["green", "amber", "red", "red"]
    for week, health in enumerate(healths):
        day = date(2026, 10, 5) + timedelta(weeks=week)
        occurrence = await team.occurrence("Weekly check-in", day,
                                           datetime.combine(day, datetime.min.time(), UTC))
        async with team.application.database.session() as session:
            await cadences.record_answer(session, occurrence=occurrence, person_id=bob.id or 0,
                                         partner=northwind,
                                         status=AnswerStatus.ANSWERED,
                                         answers=[health, "Tuesday", "", "", ""],
                                         now=team.clock.now())
    await say(team, "bob", f"objective add {NORTHWIND} Certify engineers by 2026-12-01")
    await say(team, "bob", f"objective add {NORTHWIND} Joint launch by 2026-12-15")
    await say(team, "bob", "objective missed O-1")
    await say(team, "bob", "objective missed O-2")
    await say(team, "bob", f'partner lead {NORTHWIND} "Renewal" won hours 4')
    # The partner is old enough to judge: it was added 200 days ago.
    team.clock.set(team.clock.now() + timedelta(days=200))
    card = await say(team, "ana", "partner show Northwind Traders")
    assert "Health: 🟢🟠🔴🔴 (latest red)" in card
    assert "Objectives met: 2026-Q3 — · 2026-Q4 0/2 met (0%) · 2027-Q1 — · 2027-Q2 —" in card
    assert "Class: at risk, because: 2 of last 3 check-ins red, 0 of 2 objectives met" in card
    assert "Feedback: not asked in a campaign yet" in card
    # The same as charts: a green/amber/red strip, and objectives met per quarter.
    shown = await team.command("ana", "partner show Northwind Traders")
    assert isinstance(shown, Reply) and isinstance(shown.content, Card)
    strip, quarters = shown.content.charts
    assert [tone.value for tone in strip.tones] == ["good", "warn", "bad", "bad"]
    assert "- 2026-Q4: met 0, not met 2" in quarters.text()
    # The partner's own contact sees none of it: no health, no class.
    shared = await say(team, "pat", "partner show")
    assert all(word not in shared for word in ("Health", "Class", "risk", "🔴"))
    assert "Objectives: 0 open, 0 met" in shared
