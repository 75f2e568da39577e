"""The elephants' part of an observer's weekly digest (whole-install observers): the new
ones of the week and the biggest herds, with the herd chart. Never who reported one."""

from __future__ import annotations

from bot.core.cards import Block, Picture, Text
from handlers.common.digest import DigestContext
from handlers.elephants.cards import CLOSED
from handlers.elephants.digest import SHOWN, filed_in_week, herd_chart
from storage.elephants import repository as elephants
from storage.elephants.herd import herd_lines


async def new_and_biggest(ctx: DigestContext) -> tuple[Block, ...]:
    if not ctx.whole_install:
        return ()
    async with ctx.services.db.session() as session:
        found = await herd_lines(session, ctx.workspace.id or 0)
        herds = await elephants.herds_in(session, ctx.workspace.id or 0)
    new = [item for item in found if filed_in_week(item, ctx.since)]
    biggest = sorted((item for item in found if item.status not in CLOSED
                      and herds.get(item.id or 0)),
                     key=lambda item: (-herds[item.id or 0], item.number))[:SHOWN]
    if not new and not biggest:
        return ()
    lines = [f"- New: {item.short_id} {item.title}" for item in new[:SHOWN * 2]]
    if len(new) > SHOWN * 2:
        lines.append(f"- …and {len(new) - SHOWN * 2} more new")
    lines += [f"- Biggest herd: {item.short_id} {item.title} ({herds[item.id or 0]} see it too)"
              for item in biggest]
    chart = (Picture(herd_chart(biggest, herds)),) if biggest else ()
    return (Text(f"**Elephants** ({len(new)} new this week)\n" + "\n".join(lines),
                 markup=True), *chart)
