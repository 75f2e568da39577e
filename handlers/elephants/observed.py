"""The elephants' part of an observer's weekly digest (whole-install observers): the new
ones of the week and the biggest herds, with the herd chart. Never who reported one."""

from __future__ import annotations

from bot.core.cards import Block, Picture, Text
from handlers.common.digest import DigestContext
from handlers.elephants.digest import SHOWN, herd_chart
from storage.elephants.herd import herd_now


async def new_and_biggest(ctx: DigestContext) -> tuple[Block, ...]:
    if not ctx.whole_install:
        return ()
    async with ctx.services.db.session() as session:
        herd = await herd_now(session, ctx.workspace.id or 0, ctx.since, SHOWN * 2)
    new, biggest = herd.new, herd.biggest[:SHOWN]
    if not new.count and not biggest:
        return ()
    lines = [f"- New: {item.short_id} {item.title}" for item in new.first]
    if new.count > len(new.first):
        lines.append(f"- …and {new.count - len(new.first)} more new")
    lines += [f"- Biggest herd: {item.short_id} {item.title} ({herd} see it too)"
              for item, herd in biggest]
    chart = (Picture(herd_chart(biggest)),) if biggest else ()
    return (Text(f"**Elephants** ({new.count} new this week)\n" + "\n".join(lines),
                 markup=True), *chart)
