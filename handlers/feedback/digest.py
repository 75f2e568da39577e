"""The feedback part of an observer's weekly digest (whole-install observers): campaigns
closing within a week, with how many of their partners answered so far."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.core.cards import Block, Text
from handlers.common.digest import DigestContext
from storage.feedback import repository as feedback
from storage.feedback import tally

CLOSING_WITHIN = timedelta(days=7)


async def closing_soon(ctx: DigestContext) -> tuple[Block, ...]:
    if not ctx.whole_install:
        return ()
    zone = ZoneInfo(ctx.zone)
    lines = []
    async with ctx.services.db.session() as session:
        for campaign in await feedback.in_workspace(session, ctx.workspace.id or 0):
            if campaign.closed_at is not None or campaign.closes_at < ctx.now \
                    or campaign.closes_at > ctx.now + CLOSING_WITHIN:
                continue
            asked = await feedback.audience(session, campaign.id or 0)
            answered = await tally.answered(session, campaign.id or 0)
            lines.append(f"- {campaign.short_id} {campaign.title}: closes "
                         f"{campaign.closes_at.astimezone(zone):%a %d %b %H:%M}; "
                         f"{len(answered)} of {len(asked)} partners answered")
    if not lines:
        return ()
    return (Text("**Feedback campaigns closing within a week**\n" + "\n".join(lines),
                 markup=True),)
