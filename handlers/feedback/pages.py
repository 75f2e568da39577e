"""The campaigns' dashboard page: every campaign with its response rate, and the charts of
the latest ones (by tier, and each choice question). Counts only, never a name; an
anonymous campaign's breakdowns follow the summary's rule (3 partners at least)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.core.cards import Context, Picture
from bot.core.pages import Column, PagePart, PageSpec, Row, Table
from handlers.common.identity import zone_of
from handlers.common.pages import PageContext
from handlers.feedback.summary import (
    Collected,
    choice_charts,
    collect,
    partner_chart,
    tier_chart,
    turnout_of,
)
from storage.feedback import repository as feedback

CHARTED = 3  # the latest campaigns get their charts on the page


async def campaigns(ctx: PageContext) -> tuple[PagePart, ...]:
    now = ctx.services.clock.now()
    zone = ZoneInfo(zone_of(ctx.person, ctx.services))  # times as the viewer reads them
    async with ctx.services.db.session() as session:
        every = sorted(await feedback.in_workspace(session, ctx.workspace.id or 0),
                       key=lambda campaign: -campaign.number)
    if not every:
        return (Context("No campaigns yet: `feedback start` asks partners what they want."),)
    rows, charts = [], []
    for place, campaign in enumerate(every):
        charted = place < CHARTED  # newest first
        found = await (collect if charted else turnout_of)(ctx.services, campaign)
        asked, answered = len(found.asked), len(found.answered)
        state = "closed" if campaign.closed_at is not None else \
            "open" if campaign.closes_at > now else "closing"
        rate = answered / asked if asked else -1.0
        rows.append(Row(
            (campaign.short_id, campaign.title, state,
             f"{campaign.closes_at.astimezone(zone):%Y-%m-%d %H:%M} {zone.key}",
             str(asked), str(answered), f"{round(100 * rate)}%" if asked else "—",
             "yes" if campaign.anonymous else "no"),
            (campaign.number, campaign.title, state, campaign.closes_at.isoformat(), asked,
             answered, rate, "yes" if campaign.anonymous else "no")))
        if isinstance(found, Collected):
            drawn = [tier_chart(found), partner_chart(found), *choice_charts(found)] \
                if found.may_break_down else []
            charts.extend(Picture(chart) for chart in drawn if chart is not None)
    table = Table((Column("Id", "id"), Column("Title", "title"), Column("State", "state"),
                   Column("Closes", "closes"), Column("Partners asked", "asked"),
                   Column("Answered", "answered"), Column("Response rate", "rate"),
                   Column("Anonymous", "anonymous")), tuple(rows))
    return (table.sorted_by(ctx.sort or "-id"), *charts)


PAGES = (PageSpec("campaigns", "Feedback campaigns", campaigns),)
