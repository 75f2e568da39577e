"""The dashboard's partners page reads only what it shows, counted for every partner at once:
on both backends, each partner's standing (class, why, health, objectives judged and met) is
the scorecard's (`evidence_of` and `scored`, partner by partner), and the queries behind it
agree with the straightforward rule on random histories, boundaries included."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlmodel import select

from bot.app import build_application
from bot.core.clock import SimulatedClock
from bot.settings import Settings
from handlers.partners.evidence import evidence_of, scored
from handlers.partners.scorecard import quarters_back
from handlers.partners.standing import standings_of
from storage.cadences import history
from storage.cadences.models import Answer, AnswerStatus, Cadence, CadenceKind, Occurrence
from storage.common import people, workspaces
from storage.common.models import Partner
from storage.engine import Database
from storage.partners import objectives
from storage.partners import repository as partners
from storage.partners.models import Lead, LeadOutcome, Objective, ObjectiveStatus

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
ASKED = (["Health? [green|amber|red]", "Notes?"],
         ["Notes?", "Health? [green|amber|red]", "Health again? [green|amber|red]"],
         ["Notes?"])
SAID = ("green", "green", "green", "green", "amber", "red", "blue", "", "Fine")


def _instant(day: date, dice: random.Random) -> datetime:
    """A moment on `day` (UTC), often on the day's first or last microsecond."""
    start = datetime.combine(day, time(), UTC)
    return dice.choice([start, start + timedelta(days=1) - timedelta(microseconds=1),
                        start + timedelta(hours=dice.randrange(24))])


async def _history(database: Database, dice: random.Random) -> tuple[int, list[Partner]]:
    """A workspace with partners, check-ins (questions kept with the day, or the cadence's),
    objectives and leads; and another workspace's, which never count."""
    async with database.session() as session:
        mine = await workspaces.for_external_id(session, "console", "", now=NOW)
        theirs = await workspaces.for_external_id(session, "console", "T2", now=NOW)
        [ana] = await people.get_or_create_many(session, mine.id or 0, "console", ["ana"],
                                                now=NOW)
        every = [Partner(workspace_id=ws.id or 0, name=f"P{n}", name_key=f"p{n}",
                         created_at=NOW - timedelta(days=dice.choice([10, 89, 90, 400])))
                 for n, ws in enumerate([mine] * 14 + [theirs])]
        session.add_all(every)
        cadences = [Cadence(workspace_id=mine.id or 0, name=f"C{n}", name_key=f"c{n}",
                            kind=CadenceKind.CHECKIN, platform="console",
                            report_channel_id="#r", questions=questions, created_at=NOW,
                            updated_at=NOW) for n, questions in enumerate(ASKED)]
        session.add_all(cadences)
        await session.flush()
        for week in range(14):
            day = date(2026, 8, 17) + timedelta(weeks=week)
            for cadence in cadences:
                kept = dice.choice([[], list(dice.choice(ASKED))])  # [] before days kept them
                occurrence = Occurrence(workspace_id=mine.id or 0, cadence_id=cadence.id or 0,
                                        local_date=day, close_at=NOW, questions=kept,
                                        created_at=NOW)
                session.add(occurrence)
                await session.flush()
                for partner in dice.sample(every, 6):
                    session.add(Answer(
                        workspace_id=partner.workspace_id, occurrence_id=occurrence.id or 0,
                        person_id=ana.id or 0, partner_id=partner.id, local_date=day,
                        subject=partner.name, created_at=NOW, updated_at=NOW,
                        status=dice.choice([AnswerStatus.ANSWERED] * 4 + [AnswerStatus.SKIPPED]),
                        answers=[dice.choice(SAID) for _ in range(dice.randrange(0, 4))]))
        for number, partner in enumerate(every * 8, start=1):
            status = dice.choice(list(ObjectiveStatus))
            due = dice.choice([None, TODAY + timedelta(days=dice.randrange(-500, 200)),
                               date(2025, 12, 31), date(2026, 1, 1), date(2026, 12, 31),
                               date(2027, 1, 1)])
            closed = None if status is ObjectiveStatus.OPEN else _instant(
                dice.choice([date(2025, 12, 31), date(2026, 1, 1), date(2026, 12, 31),
                             TODAY - timedelta(days=dice.randrange(0, 500))]), dice)
            session.add(Objective(workspace_id=partner.workspace_id, number=number,
                                  partner_id=partner.id or 0, text="Certify", due_on=due,
                                  status=status, closed_at=closed, created_at=NOW,
                                  updated_at=NOW))
        for partner in every:
            for n in range(dice.randrange(0, 4)):
                session.add(Lead(workspace_id=partner.workspace_id, partner_id=partner.id or 0,
                                 deal=f"D{n}", outcome=dice.choice(list(LeadOutcome)),
                                 engineer_hours=Decimal(n), created_at=NOW))
    return mine.id or 0, every


def _judged_and_met(rows: list[Objective], first: date, last: date,
                    today: date) -> dict[int, tuple[int, int]]:
    """The rule, one objective at a time."""
    found: dict[int, tuple[int, int]] = {}
    for row in rows:
        closed_on = row.closed_at.astimezone(UTC).date() if row.closed_at else None
        day = row.due_on or closed_on or today
        late = row.status is ObjectiveStatus.OPEN and row.due_on is not None \
            and row.due_on < today
        if not first <= day <= last or not (
                row.status in (ObjectiveStatus.MET, ObjectiveStatus.MISSED) or late):
            continue
        judged, met = found.get(row.partner_id, (0, 0))
        found[row.partner_id] = (judged + 1, met + (row.status is ObjectiveStatus.MET))
    return found


async def test_each_partners_standing_is_its_scorecards(database: Database, settings: Settings):
    dice = random.Random(7)
    workspace, every = await _history(database, dice)
    mine = [partner for partner in every if partner.workspace_id == workspace]
    application = build_application(settings, clock=SimulatedClock(NOW), database=database)
    found = await standings_of(application.services, workspace, mine, TODAY, NOW)
    evidence = await evidence_of(application.services, workspace,
                                 [partner.id or 0 for partner in mine], TODAY)
    expected = {}
    for partner in mine:
        facts = scored(partner, evidence[partner.id or 0], TODAY, NOW)
        expected[partner.id] = (facts.kind, facts.why, facts.health, facts.met, facts.judged)
    assert {ident: (s.kind, s.why, s.health, s.met, s.judged) for ident, s in found.items()} \
        == expected
    # Not a degenerate history: every class and some health of every colour appear.
    assert len({kind for kind, *_ in expected.values()}) >= 3
    assert {"green", "amber", "red"} <= {value for *_, health, _, _ in expected.values()
                                         for value in health}


async def test_judged_and_met_follow_the_rule_and_sum_the_quarters(database: Database):
    dice = random.Random(8)
    workspace, _ = await _history(database, dice)
    periods = quarters_back(TODAY)
    async with database.session() as session:
        rows = list((await session.exec(select(Objective).where(
            Objective.workspace_id == workspace))).all())
        ranges = [(periods[0].first, periods[-1].last, TODAY),  # today within
                  (date(2026, 1, 1), date(2026, 6, 30), TODAY),  # today after
                  (date(2026, 12, 31), date(2027, 1, 1), TODAY)]  # today before
        for first, last, today in ranges:
            counted = await objectives.judged_and_met(session, workspace, first, last, today)
            assert counted == _judged_and_met(rows, first, last, today), (first, last)
        summed: dict[int, tuple[int, int]] = {}
        for score in await objectives.scores(
                session, workspace, [(period.first, period.last) for period in periods], TODAY):
            judged, met = summed.get(score.partner_id, (0, 0))
            summed[score.partner_id] = (judged + score.judged, met + score.met)
        counted = await objectives.judged_and_met(session, workspace, periods[0].first,
                                                  periods[-1].last, TODAY)
    assert counted == {partner: sums for partner, sums in summed.items() if sums[0]}
    assert counted and any(met for _, met in counted.values())


async def test_latest_answer_lists_and_won_leads_as_read_one_by_one(database: Database):
    dice = random.Random(9)
    workspace, every = await _history(database, dice)
    ids = [partner.id or 0 for partner in every]
    async with database.session() as session:
        lists = await history.latest_answer_lists(session, workspace, ids, 8)
        latest = await history.latest_answers_about(session, workspace, ids, 8)
        won = await partners.won_leads_of(session, ids)
        leads = await partners.leads_of(session, ids)
    assert set(lists) == set(latest) and len(latest) > 5
    for ident, answered in latest.items():
        assert [(list(questions), [str(value) for value in json.loads(answers)])
                for questions, answers in lists[ident]] == \
            [(questions, answers) for _, questions, answers in answered]
    assert won == {ident: count for ident, count in (
        (ident, sum(lead.outcome is LeadOutcome.WON for lead in found))
        for ident, found in leads.items()) if count}
    assert await _empty(database) == ({}, {})


async def _empty(database: Database) -> tuple[dict, dict]:
    async with database.session() as session:
        return (await history.latest_answer_lists(session, 1, [], 8),
                await partners.won_leads_of(session, []))
