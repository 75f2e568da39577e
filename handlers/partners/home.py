"""The partners' part of a person's home: the partners they own (or, for a partner contact,
their own) with their latest check-in health, and their open objectives, those due within
two weeks first."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.core.cards import Block, Text
from bot.core.dates import day_label
from handlers.common.context import CommandContext
from handlers.common.identity import zone_of
from handlers.partners.finding import is_contact
from handlers.partners.scorecard import HEALTH_DOTS, health_values
from storage.cadences import repository as cadences
from storage.common.models import Partner
from storage.partners import objectives
from storage.partners import repository as partners
from storage.partners.models import Objective

DUE_SOON = timedelta(days=14)
MOST_SHOWN = 10


async def _mine(ctx: CommandContext) -> list[Partner]:
    async with ctx.services.db.session() as session:
        every = await partners.all_partners(session, ctx.workspace.id or 0)
    if is_contact(ctx.person):
        return [partner for partner in every if partner.id == ctx.person.partner_id]
    return [partner for partner in every if partner.owner_id == ctx.person.id]


async def your_partners(ctx: CommandContext) -> tuple[Block, ...]:
    mine = await _mine(ctx)
    if not mine:
        return ()
    lines = []
    for partner in mine[:MOST_SHOWN]:
        if is_contact(ctx.person):  # never the vendor's view of their health
            lines.append(f"- {partner.name}")
            continue
        async with ctx.services.db.session() as session:
            answered = await cadences.answers_about(session, ctx.workspace.id or 0,
                                                    partner.id or 0, 1)
        health = health_values(answered)
        shown = f" {HEALTH_DOTS[health[-1]]} {health[-1]}" if health else ""
        lines.append(f"- {partner.name}{shown}")
    title = "**Your partner**" if is_contact(ctx.person) else "**Your partners**"
    return (Text(title + "\n" + "\n".join(lines) + "\n`partner show <name>` has the card.",
                 markup=True),)


async def your_objectives(ctx: CommandContext) -> tuple[Block, ...]:
    mine = {partner.id: partner.name for partner in await _mine(ctx)}
    if not mine:
        return ()
    async with ctx.services.db.session() as session:
        found = await objectives.of_partners(session, list(mine), only_open=True)
    if not found:
        return ()
    today = ctx.services.clock.now().astimezone(ZoneInfo(zone_of(ctx.person,
                                                                 ctx.services))).date()
    def when(item: Objective) -> str:
        if item.due_on is None:
            return ""
        if item.due_on < today:
            return f" (overdue since {day_label(item.due_on)})"
        soon = " — due soon" if item.due_on - today <= DUE_SOON else ""
        return f" (due {day_label(item.due_on)}){soon}"

    # Soonest due first (overdue ones before them); those without a date last.
    ordered = sorted(found, key=lambda item: (item.due_on is None, item.due_on or today,
                                              item.number))
    lines = [f"- {item.short_id} {mine[item.partner_id]}: {item.text}{when(item)}"
             for item in ordered[:MOST_SHOWN]]
    return (Text("**Open objectives**\n" + "\n".join(lines)
                 + "\n`objective update O-<n> 40%` records progress.", markup=True),)
