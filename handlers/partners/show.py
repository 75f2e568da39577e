"""`show`: a partner's card. The vendor team sees the scorecard (owner, contacts, objectives
met, check-in health, leads, and the class with the rule's reasons); a partner's own
contacts see the shared view (their objectives and leads), never anything internal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from bot.core.cards import Block, Card, Context, Fields, Picture
from bot.core.charts import Chart
from bot.core.responses import Reply, Response
from handlers.common.context import CommandContext
from handlers.common.identity import zone_of
from handlers.common.pages import PageContext
from handlers.partners import words
from handlers.partners.evidence import Scored, evidence_of, scored
from handlers.partners.finding import is_contact, owner_name, partner_named
from handlers.partners.leads import LeadStats
from handlers.partners.scorecard import (
    health_trend,
    scorecard_charts,
)
from storage.common.models import Partner
from storage.elephants.models import CLOSED_STATUSES, Elephant
from storage.partners import objectives
from storage.partners import repository as partners
from storage.partners.models import ObjectiveStatus

EXAMPLE = "partner show Northwind Traders"
# Who is looking: in chat, or on a dashboard page (both carry services, workspace, person).
Seen = CommandContext | PageContext


async def _people_rows(ctx: Seen, partner: Partner) -> list[tuple[str, str]]:
    async with ctx.services.db.session() as session:
        people = [person.display_name for person in
                  await partners.contacts(session, partner.id or 0)]
        waiting = [invite.email_key for invite in
                   await partners.invites(session, partner.id or 0)]
    contacts = ", ".join(people + [f"{email} (not seen yet)" for email in waiting])
    rows = [("Type", partner.type.value if partner.type else "—"),
            ("Tier", partner.tier or "—"),
            ("Owner", await owner_name(ctx, partner) or "nobody yet"),
            ("Contacts", contacts or "none yet")]
    if partner.archived_at is not None:
        rows.append(("State", f"archived {partner.archived_at:%Y-%m-%d}"))
    return rows


def _herd(involved: Sequence[Elephant]) -> str:
    """"2 open (E-3, E-7), 1 resolved" of the elephants naming the partner."""
    if not involved:
        return "none name it"
    still = [item.short_id for item in involved if item.status not in CLOSED_STATUSES]
    done = len(involved) - len(still)
    shown = f" ({', '.join(still[:5])}{', …' if len(still) > 5 else ''})" if still else ""
    return f"{len(still)} open{shown}, {done} resolved or closed"


def _participation(asked: int, answered: int) -> str:
    if not asked:
        return "not asked in a campaign yet"
    return f"answered {answered} of {asked} campaign{'' if asked == 1 else 's'} " \
           f"({round(100 * answered / asked)}%)"


async def score(ctx: Seen, partner: Partner, today: date) -> Scored:
    evidence = await evidence_of(ctx.services, ctx.workspace.id or 0, [partner.id or 0],
                               today)
    return scored(partner, evidence[partner.id or 0], today, ctx.services.clock.now())


async def _scorecard(ctx: Seen, partner: Partner, today: date,
                     leads: LeadStats) -> tuple[list[tuple[str, str]], tuple[Chart, ...]]:
    """The scorecard's rows, and its charts (health strip, objectives per quarter)."""
    facts = await score(ctx, partner, today)
    return [("Objectives met", facts.quarters),
            ("Health", health_trend(facts.health)),
            ("Leads", leads.text()),
            ("Feedback", _participation(*facts.campaigns)),
            ("Elephants", _herd(facts.involved)),
            ("Class", f"{facts.kind.value}, because: {facts.why}")], \
        scorecard_charts(partner.name, facts.health, facts.per_quarter)


async def _shared_rows(ctx: Seen, partner: Partner,
                       leads: LeadStats) -> list[tuple[str, str]]:
    async with ctx.services.db.session() as session:
        found = await objectives.of_partners(session, [partner.id or 0])
    open_ones = [item for item in found if item.status is ObjectiveStatus.OPEN]
    met = sum(item.status is ObjectiveStatus.MET for item in found)
    return [("Objectives", f"{len(open_ones)} open, {met} met"
             + (" · `objective list` shows them" if found else "")),
            ("Leads", leads.text(internal=False))]


async def partner_card(ctx: Seen, partner: Partner) -> Card:
    """The card `partner show` answers with, as the person in `ctx` may see it."""
    async with ctx.services.db.session() as session:
        leads = LeadStats.of(await partners.leads(session, partner.id or 0))
    today = ctx.services.clock.now().astimezone(ZoneInfo(zone_of(ctx.person,
                                                                 ctx.services))).date()
    charts: tuple[Chart, ...] = ()
    if is_contact(ctx.person):
        rows = await _shared_rows(ctx, partner, leads)
        hint = f"`partner leads {partner.name}` lists the leads."
    else:
        scored, charts = await _scorecard(ctx, partner, today, leads)
        rows = [*await _people_rows(ctx, partner), *scored]
        hint = (f"`partner leads {partner.name}` lists the leads; the class follows the rule "
                "in the README (new, at risk, innovator, steady order taker).")
    blocks: list[Block] = [Fields(tuple(rows)), *(Picture(chart) for chart in charts),
                           Context(hint)]
    return Card(summary=f"{partner.name}: {leads.text(internal=not is_contact(ctx.person))}",
                title=partner.name, blocks=tuple(blocks))


async def show(ctx: CommandContext) -> Response:
    partner = await partner_named(ctx, " ".join(words.tokens(ctx.args, EXAMPLE)), EXAMPLE)
    return Reply(await partner_card(ctx, partner))
