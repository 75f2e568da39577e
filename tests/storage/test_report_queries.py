"""Reports' queries over many rows at once, on both backends: the scorecard's facts for many
partners (each one's latest check-ins by a window function, campaign participation) agree
with asking partner by partner, and a workspace's herds come by a join, not a list of ids."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from storage.cadences import history
from storage.cadences import repository as cadences
from storage.cadences.models import AnswerStatus, Cadence, CadenceKind
from storage.common import people, workspaces
from storage.common.models import Partner
from storage.engine import Database
from storage.feedback import repository as feedback
from storage.feedback.models import Campaign, CampaignPartner, FeedbackReply, ReplySource
from storage.partners.models import Objective

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def test_latest_answers_and_participation_of_many_partners(database: Database):
    async with database.session() as session:
        workspace = await workspaces.for_external_id(session, "console", "", now=NOW)
        ws = workspace.id or 0
        [ana] = await people.get_or_create_many(session, ws, "console", ["ana"], now=NOW)
        north, conto, quiet = (Partner(workspace_id=ws, name=name, name_key=name.lower(),
                                       created_at=NOW) for name in ("North", "Conto", "Quiet"))
        session.add_all([north, conto, quiet])
        cadence = await cadences.save(session, Cadence(
            workspace_id=ws, name="Weekly", kind=CadenceKind.CHECKIN, platform="console",
            report_channel_id="#r", questions=["Health? [green|amber|red]"], created_at=NOW,
            updated_at=NOW))
        await session.flush()
        for week in range(12):  # North answered every week, Conto every third
            day = date(2026, 9, 7) + timedelta(weeks=week)
            occurrence = await cadences.ensure_occurrence(
                session, cadence.id or 0, day, close_at=NOW, questions=["Health?"], now=NOW)
            for partner in (north, conto) if week % 3 == 0 else (north,):
                await cadences.record_answer(
                    session, occurrence=occurrence, person_id=ana.id or 0, partner=partner,
                    status=AnswerStatus.ANSWERED, answers=[f"w{week}"], now=NOW)
        campaign = Campaign(workspace_id=ws, number=1, title="Summit", closes_at=NOW,
                            created_at=NOW)
        session.add(campaign)
        await session.flush()
        session.add_all([CampaignPartner(campaign_id=campaign.id or 0, partner_id=p.id or 0)
                         for p in (north, conto)])
        session.add(FeedbackReply(campaign_id=campaign.id or 0, workspace_id=ws,
                                  person_id=ana.id or 0, partner_id=north.id,
                                  platform="console", source=ReplySource.THREAD, text="labs",
                                  message_id="m1", created_at=NOW))
    ids = [north.id or 0, conto.id or 0, quiet.id or 0]
    async with database.session() as session:
        latest = await history.latest_answers_about(session, ws, ids, 3)
        one_by_one = {ident: await cadences.answers_about(session, ws, ident, 3)
                      for ident in ids}
        taking_part = await feedback.participation_of(session, ids)
    assert [answers for _, _, answers in latest[north.id or 0]] == [["w9"], ["w10"], ["w11"]]
    assert [answers for _, _, answers in latest[conto.id or 0]] == [["w3"], ["w6"], ["w9"]]
    assert quiet.id not in latest
    assert {ident: latest.get(ident, []) for ident in ids} == one_by_one
    assert taking_part == {north.id: (1, 1), conto.id: (1, 0), quiet.id: (0, 0)}


async def test_the_herds_of_a_workspace_by_a_join_not_a_list_of_ids(database: Database):
    from storage.elephants import repository as elephants

    async with database.session() as session:
        mine = await workspaces.for_external_id(session, "slack", "TA", now=NOW)
        theirs = await workspaces.for_external_id(session, "slack", "TB", now=NOW)
        a = await elephants.create(session, workspace_id=mine.id or 0, title="A", description="",
                                   platform="slack", reporter_id=None, now=NOW)
        b = await elephants.create(session, workspace_id=mine.id or 0, title="B", description="",
                                   platform="slack", reporter_id=None, now=NOW)
        other = await elephants.create(session, workspace_id=theirs.id or 0, title="C",
                                       description="", platform="slack", reporter_id=None,
                                       now=NOW)
        for elephant, voters in ((a, 3), (b, 0), (other, 2)):
            for voter in range(voters):
                assert await elephants.vote(session, elephant.id or 0, f"k{voter}")
    async with database.session() as session:
        herds = await elephants.herds_in(session, mine.id or 0)
        by_ids = await elephants.herds(session, [a.id or 0, b.id or 0])
    assert herds == by_ids == {a.id: 3}  # B has nobody yet; the other workspace's is not here


async def test_the_herd_as_lines_keeps_kinds_and_aware_times(database: Database):
    from storage.elephants import repository as elephants
    from storage.elephants.herd import herd_lines
    from storage.elephants.models import ElephantCategory, ElephantStatus

    async with database.session() as session:
        mine = await workspaces.for_external_id(session, "slack", "TA", now=NOW)
        await elephants.create(session, workspace_id=mine.id or 0, title="Quotes late",
                               description="", platform="slack", reporter_id=None, now=NOW,
                               category=ElephantCategory.PROCESS, hours_lost_per_week=2.5)
    async with database.session() as session:
        [line] = await herd_lines(session, mine.id or 0)
    assert (line.short_id, line.title, line.status, line.category) == (
        "E-1", "Quotes late", ElephantStatus.REPORTED, ElephantCategory.PROCESS)
    assert line.created_at == NOW and line.created_at.tzinfo is not None
    assert float(line.hours_lost_per_week or 0) == 2.5


async def test_tallies_count_each_partners_objectives_in_a_period_by_state(database: Database):
    from storage.partners import objectives
    from storage.partners.models import ObjectiveStatus

    async with database.session() as session:
        mine = await workspaces.for_external_id(session, "slack", "TA", now=NOW)
        theirs = await workspaces.for_external_id(session, "slack", "TB", now=NOW)
        partners = [Partner(workspace_id=ws.id or 0, name=name, name_key=name.lower(),
                            created_at=NOW)
                    for ws, name in ((mine, "North"), (mine, "Conto"), (theirs, "Other"))]
        session.add_all(partners)
        await session.flush()
        north, conto, other = partners

        async def add(partner: Partner, due: date | None) -> Objective:
            return await objectives.add(
                session, workspace_id=partner.workspace_id, partner_id=partner.id or 0,
                text="Certify", due_on=due, target=None, unit=None, created_by=None, now=NOW)

        await add(north, date(2026, 10, 1))  # open, due before today: overdue
        await add(north, date(2026, 12, 20))  # open, not yet due
        met = await add(north, date(2026, 11, 2))
        await objectives.record(session, met, status=ObjectiveStatus.MET, percent=None,
                                value=None, note="", person_id=None, now=NOW)
        closed = await add(conto, None)  # no due date: counts on the (UTC) day it closed
        await objectives.record(session, closed, status=ObjectiveStatus.MISSED, percent=None,
                                value=None, note="", person_id=None, now=NOW)
        await add(conto, None)  # open, no due date: counts in the period holding today
        await add(conto, date(2027, 1, 5))  # due in another period
        await add(other, date(2026, 11, 3))  # another workspace's
    today = date(2026, 11, 20)
    async with database.session() as session:
        q3_q4_q1 = [(date(2026, 7, 1), date(2026, 9, 30)), (date(2026, 10, 1),
                                                             date(2026, 12, 31)),
                    (date(2027, 1, 1), date(2027, 3, 31))]
        every = await objectives.tallies(session, mine.id or 0, q3_q4_q1, today)
        one = await objectives.tallies(session, mine.id or 0, q3_q4_q1[1:2], today, north.id)
        scored = await objectives.scores(session, mine.id or 0, q3_q4_q1, today)
    # Nothing is due in Q3 (NOW, the close, and today are in Q4).
    assert sorted((t.period, t.partner_id, t.status, t.overdue, t.count) for t in every) == \
        sorted([(1, north.id, ObjectiveStatus.OPEN, True, 1),
                (1, north.id, ObjectiveStatus.OPEN, False, 1),
                (1, north.id, ObjectiveStatus.MET, False, 1),
                (1, conto.id, ObjectiveStatus.MISSED, False, 1),
                (1, conto.id, ObjectiveStatus.OPEN, False, 1),
                (2, conto.id, ObjectiveStatus.OPEN, False, 1)])
    assert {(t.period, t.partner_id) for t in one} == {(0, north.id)}
    # A scorecard's sums: counted, judged (met, missed, overdue), met per period and partner.
    assert sorted((s.period, s.partner_id, s.counted, s.judged, s.met) for s in scored) == \
        sorted([(1, north.id, 3, 2, 1), (1, conto.id, 2, 1, 0), (2, conto.id, 1, 0, 0)])
