"""The herd's dashboard page: the weekly digest as it stands now (with its charts) and
every open elephant in a sortable table. Never who reported one."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.core.pages import Column, PagePart, PageSpec, Row, Table
from handlers.common.identity import zone_of
from handlers.common.pages import PageContext
from handlers.elephants.cards import CLOSED
from handlers.elephants.digest import herd_digest
from storage.elephants import repository as elephants
from storage.elephants.herd import herd_lines


async def herd(ctx: PageContext) -> tuple[PagePart, ...]:
    now = ctx.services.clock.now()
    zone = ZoneInfo(zone_of(ctx.person, ctx.services))
    async with ctx.services.db.session() as session:
        found = await herd_lines(session, ctx.workspace.id or 0)
        herds = await elephants.herds_in(session, ctx.workspace.id or 0)
    rows = []
    for item in found:
        if item.status in CLOSED:
            continue
        # An anonymous report keeps its day only: its age is counted in whole days, the
        # viewer's days.
        age = (now.astimezone(zone).date() - item.created_at.astimezone(zone).date()).days
        hours = item.hours_lost_per_week
        rows.append(Row(
            (item.short_id, item.title, item.category.value if item.category else "—",
             item.status.value, str(herds.get(item.id or 0, 0)),
             f"{hours.normalize():f}" if hours is not None else "—", f"{age} days"),
            (item.number, item.title, item.category.value if item.category else "",
             item.status.value, herds.get(item.id or 0, 0),
             float(hours) if hours is not None else -1.0, age)))
    card = await herd_digest(ctx.services, ctx.workspace.id or 0, now)
    table = Table((Column("Id", "id"), Column("Title", "title"), Column("Category", "category"),
                   Column("Status", "status"), Column("See it too", "herd"),
                   Column("Hours lost per week", "hours"), Column("Open for", "age")),
                  tuple(rows))
    return (*card.blocks[:-1], table.sorted_by(ctx.sort or "-herd"))


PAGES = (PageSpec("herd", "The herd", herd, place=40),)
