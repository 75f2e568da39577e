"""The partners' part of an observer's weekly digest (whole-install observers): partners
whose check-in health changed colour this week, and objectives overdue or due within 30
days."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.core.cards import Block, Text
from bot.core.dates import day_label
from handlers.common.digest import DigestContext
from handlers.partners.scorecard import HEALTH_DOTS, health_values
from storage.cadences import repository as cadences
from storage.partners import objectives
from storage.partners import repository as partners

DUE_WITHIN = timedelta(days=30)
MOST_SHOWN = 10


def _dated_health(answered: list[tuple[date, list[str], list[str]]]
                  ) -> list[tuple[date, str]]:
    """Each check-in's health with its day, oldest first."""
    found = []
    for day, questions, answers in answered:
        health = health_values([(day, questions, answers)])
        if health:
            found.append((day, health[0]))
    return found


async def health_changes(ctx: DigestContext) -> tuple[Block, ...]:
    if not ctx.whole_install:
        return ()
    # The seven days before the digest's own day: a check-in that day waits for the next.
    until = ctx.now.astimezone(ZoneInfo(ctx.zone)).date()
    since = until - timedelta(days=7)
    lines = []
    async with ctx.services.db.session() as session:
        every = await partners.all_partners(session, ctx.workspace.id or 0)
        for partner in every:
            dated = _dated_health(await cadences.answers_about(
                session, ctx.workspace.id or 0, partner.id or 0, 8))
            if len(dated) < 2 or not since <= dated[-1][0] < until \
                    or dated[-1][1] == dated[-2][1]:
                continue
            (_, before), (day, now) = dated[-2], dated[-1]
            lines.append(f"- {partner.name}: {HEALTH_DOTS[before]} {before} → "
                         f"{HEALTH_DOTS[now]} {now} ({day_label(day)})")
    if not lines:
        return ()
    return (Text("**Health changed colour**\n" + "\n".join(lines[:MOST_SHOWN]), markup=True),)


async def objectives_due(ctx: DigestContext) -> tuple[Block, ...]:
    if not ctx.whole_install:
        return ()
    today = ctx.now.astimezone(ZoneInfo(ctx.zone)).date()
    async with ctx.services.db.session() as session:
        names = {partner.id: partner.name for partner in
                 await partners.all_partners(session, ctx.workspace.id or 0)}
        found = await objectives.of_partners(session, list(names), only_open=True)
    due = sorted((item for item in found if item.due_on is not None
                  and item.due_on <= today + DUE_WITHIN),
                 key=lambda item: (item.due_on, item.number))
    if not due:
        return ()
    lines = [f"- {item.short_id} {names[item.partner_id]}: {item.text} ("
             + (f"overdue since {day_label(item.due_on)})" if item.due_on < today
                else f"due {day_label(item.due_on)})")
             for item in due[:MOST_SHOWN] if item.due_on is not None]
    more = f"\n…and {len(due) - MOST_SHOWN} more" if len(due) > MOST_SHOWN else ""
    return (Text("**Objectives overdue or due within 30 days**\n" + "\n".join(lines) + more,
                 markup=True),)
