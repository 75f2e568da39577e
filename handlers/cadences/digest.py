"""The cadences' part of an observer's weekly digest: participation of each cadence they
observe (every cadence, for the whole install), in words and as a chart."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.core.cards import Block, Picture, Text
from handlers.cadences.participants import participants_of
from handlers.cadences.participation import (
    Turnout,
    monday_of,
    participation_chart,
    rate_text,
    weekly_participation,
)
from handlers.common.digest import DigestContext
from storage.cadences import repository as cadences

CHARTS_SHOWN = 3  # a digest with more cadences shows the first three's charts


async def participation_section(ctx: DigestContext) -> tuple[Block, ...]:
    async with ctx.services.db.session() as session:
        every = await cadences.all_cadences(session, ctx.workspace.id or 0)
    observed = [cadence for cadence in every if not cadence.paused
                and (ctx.cadence_ids is None or cadence.id in ctx.cadence_ids)]
    rows, charts = [], []
    # Up to the last whole week (Monday to Sunday) where the observer is, whatever day
    # their digest comes: a week half gone would read as half answered.
    until = monday_of(ctx.now.astimezone(ZoneInfo(ctx.zone)).date()) - timedelta(days=1)
    for cadence in observed:
        weeks = await weekly_participation(ctx.services, cadence, until,
                                           await participants_of(ctx.services, cadence))
        if not any(week.asked for week in weeks):
            rows.append(f"- {cadence.name}: nobody was asked in the last {len(weeks)} weeks")
            continue
        last = weeks[-1]
        due = last.asked - last.counts[Turnout.OUT]
        week = f"week of {last.label}: {last.counts[Turnout.ANSWERED]} of {due} answered" \
            if due else f"week of {last.label}: nobody was due"
        rows.append(f"- {cadence.name}: {week} · {rate_text(weeks)}")
        if len(charts) < CHARTS_SHOWN:
            charts.append(Picture(participation_chart(cadence.name, weeks)))
    if not rows:
        return ()
    return (Text("**Participation**\n" + "\n".join(rows), markup=True), *charts)
