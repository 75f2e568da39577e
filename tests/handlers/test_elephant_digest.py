"""The weekly herd digest: shown on demand, posted once per weekly slot an admin sets, and
reading new, resolved, oldest, biggest herds, hours lost and the four-week trend right."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bot.core.cards import Card
from bot.core.responses import Reply
from handlers.elephants.ids import ElephantAction
from schedules.run_due import run_due
from storage.engine import Database
from tests.handlers.cadence_team import Team, form_of
from tests.handlers.elephant_lifecycle_helpers import filed
from tests.handlers.test_elephant_form import FILLED, stored
from tests.handlers.test_partners import say

MONDAY_0900 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # the team's clock starts here
WEEK = timedelta(days=7)


def digests(team: Team) -> list[str]:
    return [sent.text for sent in team.outbox.posts if "Herd digest" in sent.text]


async def test_the_digest_reads_the_herd(team: Team):
    await filed(team, text="Reps hide the forecast")
    await team.submit("bob", form_of(await team.command("bob", "elephant")),
                      {**FILLED, "hours": "3.5"})
    [_, second] = await stored(team)
    for user in ("ana", "cem"):
        await team.press(user, ElephantAction.SEE_IT_TOO, str(second.id))
    await say(team, "ana", "elephant ack E-1")
    await say(team, "ana", "elephant resolve E-1 The forecast is shared on Mondays")
    shown = await say(team, "bob", "elephant digest")
    assert "New this week: E-1 Reps hide the forecast, E-2 Partner marketing" in shown
    assert "Resolved or closed this week: E-1 Reps hide the forecast" in shown
    assert "Oldest open: E-2 Partner marketing never sees the pipeline" in shown
    assert "Biggest herds: E-2 (2)" in shown
    assert "Hours lost per week, open elephants: 3.5" in shown
    assert "New per week, the four weeks before: 0 → 0 → 0 → 0 → this week 2." in shown
    # Its charts: eight weeks of open elephants and hours, and the biggest herds.
    digest = await team.command("bob", "elephant digest")
    assert isinstance(digest, Reply) and isinstance(digest.content, Card)
    trend, herd = digest.content.charts
    assert trend.categories[-1] == "23 Nov" and len(trend.categories) == 8
    assert [series.values[-1] for series in trend.series] == [1.0, 3.5]  # E-2 still open
    assert [series.values[0] for series in trend.series] == [0.0, 0.0]  # weeks before
    assert herd.text() == "Biggest herds\n- E-2: see it too 2"


async def test_posted_once_per_weekly_slot_from_when_it_was_set(team: Team):
    await filed(team)
    assert "Only admins" in await say(team, "bob", "elephant digest schedule monday 10:00")
    assert "Choose the elephants channel first" in await say(
        team, "ana", "elephant digest schedule monday 10:00")
    assert "now go to" in await say(team, "ana", "partnerops settings elephants-channel here")
    said = await say(team, "ana", "elephant digest schedule mon 10:00")
    assert "Mondays at 10:00 (UTC), first on Mon 23 Nov 2026" in said
    assert "is not a time of day" in await say(team, "ana", "elephant digest schedule mon 25:00")

    await run_due(team.application.services, MONDAY_0900 + timedelta(minutes=59))
    assert digests(team) == []
    for _ in range(2):  # twice: once is all it ever sends
        await run_due(team.application.services, MONDAY_0900 + timedelta(hours=1))
    assert len(digests(team)) == 1
    await run_due(team.application.services, MONDAY_0900 + timedelta(days=3))
    assert len(digests(team)) == 1  # nothing more until next Monday
    await run_due(team.application.services, MONDAY_0900 + timedelta(days=7, hours=2))
    assert len(digests(team)) == 2  # late, but within its week
    assert "off" in await say(team, "ana", "elephant digest schedule off")
    await run_due(team.application.services, MONDAY_0900 + timedelta(days=14, hours=1))
    assert len(digests(team)) == 2
    channels = {sent.to.id for sent in team.outbox.posts if "Herd digest" in sent.text}
    assert channels == {sent.to.id for sent in team.outbox.posts if "now receives" in sent.text}


async def test_an_anonymous_report_is_new_and_never_older_than_it_is(team: Team):
    await filed(team, text="Reps hide the forecast")
    form = form_of(await team.command("bob", "elephant"))
    await team.submit("bob", form, {**FILLED, "anonymous": True})  # kept as midnight
    shown = await say(team, "bob", "elephant digest")
    assert "New this week: E-1 Reps hide the forecast, E-2 Partner marketing" in shown
    assert "Oldest open: E-1 Reps hide the forecast, E-2" in shown


async def test_set_at_the_very_minute_of_its_slot_the_first_is_next_week(team: Team):
    """Set on Monday at 09:00 for Mondays at 09:00: this instant is not owed; next Monday
    gets one digest, not a late one and an on-time one."""
    await filed(team)
    await say(team, "ana", "partnerops settings elephants-channel here")
    said = await say(team, "ana", "elephant digest schedule monday 09:00")
    assert "first on Mon 30 Nov 2026" in said
    for moment in (MONDAY_0900, MONDAY_0900 + timedelta(days=7) - timedelta(minutes=1),
                   MONDAY_0900 + timedelta(days=7), MONDAY_0900 + timedelta(days=7, hours=1)):
        await run_due(team.application.services, moment)
    assert len(digests(team)) == 1


async def test_the_database_counts_the_trend_and_weeks_as_each_elephant_would(
        database: Database):
    """Counted by the database from buckets of instants: the same as asking each elephant,
    boundaries included (some are filed or closed exactly at a week's end)."""
    import random

    from handlers.elephants.digest import _instants, _per_week, trend_chart
    from storage.common import workspaces
    from storage.elephants.models import Elephant, ElephantStatus
    from storage.elephants.timeline import herd_timeline

    dice = random.Random(11)
    instants = _instants(MONDAY_0900)
    async with database.session() as session:
        workspace = await workspaces.for_external_id(session, "slack", "T1", now=MONDAY_0900)
        lines = []
        for number in range(1, 400):
            anonymous = dice.random() < 0.3
            filed = dice.choice(instants) if number % 10 == 0 else \
                MONDAY_0900 - timedelta(hours=dice.randrange(0, 24 * 70))
            if anonymous:  # kept as its day only; some end exactly on an instant
                filed = filed.replace(hour=0, minute=0) if number % 20 else \
                    dice.choice(instants) - timedelta(days=1) + timedelta(microseconds=1)
            status = dice.choice(list(ElephantStatus))
            changed = dice.choice(instants) if number % 7 == 0 else \
                filed + timedelta(hours=dice.randrange(-30, 24 * 40))  # closes before too
            lines.append(Elephant(
                workspace_id=workspace.id or 0, number=number, title=f"E{number}",
                description="", status=status, sides=[],
                hours_lost_per_week=Decimal(dice.randrange(0, 9)) / 2, anonymous=anonymous,
                reporter_id=None, note="", platform="slack", status_changed_at=changed,
                created_at=filed))
        session.add_all(lines)
    async with database.session() as session:
        timeline = await herd_timeline(session, workspace.id or 0, instants)
    chart = trend_chart(timeline)
    closing = (ElephantStatus.RESOLVED, ElephantStatus.WONT_FIX)

    def filed_at(line: Elephant) -> datetime:
        return line.created_at + timedelta(days=1) - timedelta(microseconds=1) \
            if line.anonymous else line.created_at

    def open_at(line: Elephant, moment: datetime) -> bool:  # the rule, one by one
        closed = line.status_changed_at if line.status in closing else None
        return filed_at(line) <= moment and (closed is None or closed > moment)

    assert chart.series[0].values == tuple(
        float(sum(open_at(line, end) for line in lines)) for end in instants)
    assert chart.series[1].values == tuple(
        float(sum((line.hours_lost_per_week or 0 for line in lines if open_at(line, end)),
                  Decimal(0))) for end in instants)

    def per_week(moments: list[datetime]) -> str:
        return " → ".join(str(sum(MONDAY_0900 - (week + 1) * WEEK <= moment
                                  < MONDAY_0900 - week * WEEK for moment in moments))
                          for week in range(4, 0, -1))

    assert _per_week(timeline.filed, len(instants)) == per_week([filed_at(x) for x in lines])
    assert _per_week(timeline.changed, len(instants)) == per_week(
        [line.status_changed_at for line in lines
         if line.status_changed_at and line.status in closing])



async def test_the_database_counts_the_herd_now_as_each_elephant_would(database: Database):
    """The open, new and closed counts, the open hours, each list's first and the biggest
    herds, counted from ranges of indexes: the same as asking each elephant, boundaries
    included, and another workspace's never count."""
    import random

    from storage.common import workspaces
    from storage.elephants.herd import ANONYMOUS_DAY, herd_now
    from storage.elephants.models import (
        CLOSED_STATUSES,
        Elephant,
        ElephantStatus,
        ElephantVote,
    )

    dice = random.Random(12)
    since = MONDAY_0900 - WEEK
    async with database.session() as session:
        mine = await workspaces.for_external_id(session, "slack", "T1", now=MONDAY_0900)
        theirs = await workspaces.for_external_id(session, "slack", "T2", now=MONDAY_0900)
        lines = []
        for number in range(1, 300):
            anonymous = dice.random() < 0.3
            filed = dice.choice([since, since - ANONYMOUS_DAY, since - timedelta(hours=1),
                                 MONDAY_0900 - timedelta(hours=dice.randrange(0, 24 * 30))])
            if anonymous and filed not in (since, since - ANONYMOUS_DAY):
                filed = filed.replace(hour=0, minute=0)
            lines.append(Elephant(
                workspace_id=(mine if number % 9 else theirs).id or 0, number=number,
                title=f"E{number}", description="", status=dice.choice(list(ElephantStatus)),
                sides=[], anonymous=anonymous, reporter_id=None, note="", platform="slack",
                hours_lost_per_week=dice.choice([None, Decimal(dice.randrange(0, 9)) / 2]),
                status_changed_at=dice.choice([None, since, since - timedelta(microseconds=1),
                                               filed + timedelta(hours=dice.randrange(-30, 300))]),
                created_at=filed))
        session.add_all(lines)
        await session.flush()
        votes = {line.id: dice.choice([0, 0, 1, 2, 3, 5]) for line in lines}
        session.add_all([ElephantVote(elephant_id=ident or 0, voter_key=f"v{ident}-{n}")
                         for ident, count in votes.items() for n in range(count)])
    async with database.session() as session:
        herd = await herd_now(session, mine.id or 0, since, 10)
    ours = sorted((line for line in lines if line.workspace_id == mine.id),
                  key=lambda line: line.number)
    still = [line for line in ours if line.status not in CLOSED_STATUSES]
    new = [line for line in ours
           if (line.created_at + ANONYMOUS_DAY if line.anonymous else line.created_at) >= since]
    closed = [line for line in ours if line.status in CLOSED_STATUSES
              and line.status_changed_at is not None and line.status_changed_at >= since]
    for listed, rule in ((herd.still_open, still), (herd.new, new), (herd.closed, closed)):
        assert (listed.count, [line.number for line in listed.first]) == \
            (len(rule), [line.number for line in rule[:10]])
    assert herd.open_hours == sum((line.hours_lost_per_week or 0 for line in still), Decimal(0))
    biggest = sorted(((line, votes[line.id]) for line in still if votes[line.id]),
                     key=lambda item: (-item[1], item[0].number))[:10]
    assert [(line.number, count) for line, count in herd.biggest] == \
        [(line.number, count) for line, count in biggest]
    assert 0 < len(closed) < len(new) < len(still)  # not a degenerate herd
