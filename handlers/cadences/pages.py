"""The cadences' dashboard page: participation of every cadence, a row each and a chart
each (eight weeks of answered, skipped, out and missed)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.core.cards import Context, Picture
from bot.core.pages import Column, PagePart, PageSpec, Row, Table
from handlers.cadences.kinds import kind_label
from handlers.cadences.participants import participants_of
from handlers.cadences.participation import Turnout, participation_chart, weekly_participation
from handlers.cadences.summary import schedule_text
from handlers.common.identity import zone_of
from handlers.common.pages import PageContext
from storage.cadences import repository as cadences


def _share(answered: int, due: int) -> tuple[str, float]:
    return (f"{round(100 * answered / due)}% ({answered} of {due})", answered / due) if due \
        else ("nobody due", -1.0)


async def participation(ctx: PageContext) -> tuple[PagePart, ...]:
    today = ctx.services.clock.now().astimezone(ZoneInfo(zone_of(ctx.person,
                                                                 ctx.services))).date()
    async with ctx.services.db.session() as session:
        every = await cadences.all_cadences(session, ctx.workspace.id or 0)
    if not every:
        return (Context("No cadences yet: `standup setup` or `checkin setup` starts one."),)
    rows, charts = [], []
    for cadence in every:
        members = await participants_of(ctx.services, cadence)
        weeks = await weekly_participation(ctx.services, cadence, today, members)
        answered = sum(week.counts[Turnout.ANSWERED] for week in weeks)
        due = sum(week.asked - week.counts[Turnout.OUT] for week in weeks)
        last = weeks[-2]  # the last whole week
        last_text, last_share = _share(last.counts[Turnout.ANSWERED],
                                       last.asked - last.counts[Turnout.OUT])
        all_text, all_share = _share(answered, due)
        state = "paused" if cadence.paused else schedule_text(cadence)
        rows.append(Row((cadence.name, kind_label(cadence.kind), state, str(len(members)),
                         last_text, all_text),
                        (cadence.name, kind_label(cadence.kind), state, len(members),
                         last_share, all_share)))
        if any(week.asked for week in weeks):
            charts.append(Picture(participation_chart(cadence.name, weeks)))
    table = Table((Column("Cadence", "name"), Column("Kind", "kind"),
                   Column("Schedule", "schedule", sortable=False),
                   Column("Participants", "participants"),
                   Column("Last week answered", "last"),
                   Column("8 weeks answered", "weeks")), tuple(rows))
    return (table.sorted_by(ctx.sort or "name"), *charts,
            Context("Answered out of those due: people out of office are not due."))


PAGES = (PageSpec("participation", "Cadence participation", participation, place=30),)
