"""The partners' dashboard pages: every partner's scorecard in one table (sortable by class
and health), objectives met per partner over the last four quarters, and, for a partner's
contact, their own partner's shared view."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from bot.core.cards import Context, Picture, Text
from bot.core.charts import CATEGORIES_SHOWN, Chart, ChartKind, Series, Tone
from bot.core.pages import Column, PageAudience, PagePart, PageSpec, Row, Table
from handlers.common.identity import zone_of
from handlers.common.pages import PageContext
from handlers.partners.review import by_partner, judged_and_met, review_chart
from handlers.partners.scorecard import HEALTH_DOTS, HEALTH_TONES, PartnerClass, quarters_back
from handlers.partners.show import partner_card
from handlers.partners.standing import standings_of
from storage.common import people
from storage.common.models import Partner
from storage.partners import objectives
from storage.partners import repository as partners

# Worst first when sorted ascending: the partners that need a look come to the top.
HEALTH_RANK = {"red": 0, "amber": 1, "green": 2}
CLASS_RANK = {PartnerClass.AT_RISK: 0, PartnerClass.NEW: 1, PartnerClass.STEADY: 2,
              PartnerClass.INNOVATOR: 3}


def _today(ctx: PageContext) -> date:
    return ctx.services.clock.now().astimezone(ZoneInfo(zone_of(ctx.person,
                                                                ctx.services))).date()


async def _owner_names(ctx: PageContext, every: Sequence[Partner]) -> dict[int, str]:
    async with ctx.services.db.session() as session:
        found = await people.by_ids(session, {p.owner_id for p in every if p.owner_id})
    return {ident: person.display_name for ident, person in found.items()}


async def scorecards(ctx: PageContext) -> tuple[PagePart, ...]:
    today = _today(ctx)
    async with ctx.services.db.session() as session:
        every = await partners.all_partners(session, ctx.workspace.id or 0)
    rows, latest_of = [], {}
    standings = await standings_of(ctx.services, ctx.workspace.id or 0, every, today,
                                   ctx.services.clock.now())
    owners = await _owner_names(ctx, every)
    for partner in every:
        facts = standings[partner.id or 0]
        latest = facts.health[-1] if facts.health else ""
        latest_of[partner.name] = latest
        strip = "".join(HEALTH_DOTS[value] for value in facts.health) or "—"
        share = facts.met / facts.judged if facts.judged else -1.0
        met = f"{facts.met} of {facts.judged}" if facts.judged else "none judged"
        owner = owners.get(partner.owner_id or 0, "nobody yet")
        rows.append(Row(
            (partner.name, partner.type.value if partner.type else "—", partner.tier or "—",
             owner, facts.kind.value, f"{strip} {latest}".strip(), met, facts.why),
            (partner.name, partner.type.value if partner.type else "", partner.tier or "",
             owner, CLASS_RANK[facts.kind], HEALTH_RANK.get(latest, 3), share, "")))
    if not rows:
        return (Context("No partners yet: `partner add <name>` adds one."),)
    table = Table((Column("Partner", "name"), Column("Type", "type"), Column("Tier", "tier"),
                   Column("Owner", "owner"), Column("Class", "class"),
                   Column("Health, last check-ins", "health"),
                   Column("Objectives met, 4 quarters", "met"),
                   Column("Why this class", "why", sortable=False)), tuple(rows))
    shown = table.sorted_by(ctx.sort or "name")
    names = tuple(row.cells[0] for row in shown.rows)
    strip = Chart(ChartKind.STRIP, "Latest check-in health, by partner", names,
                  (Series("health", (1.0,) * len(names)),),
                  tones=tuple(HEALTH_TONES.get(latest_of[name], Tone.NONE) for name in names)
                  ).first(CATEGORIES_SHOWN)
    return (shown, Picture(strip),
            Context("Sorted by class or health, the partners that need a look come first. "
                    "The class follows the rule in the README."))


async def objectives_met(ctx: PageContext) -> tuple[PagePart, ...]:
    today = _today(ctx)
    quarters = quarters_back(today)
    async with ctx.services.db.session() as session:
        every = await partners.all_partners(session, ctx.workspace.id or 0, archived=True)
        counted = by_partner(await objectives.tallies(
            session, ctx.workspace.id or 0, [(quarters[0].first, quarters[-1].last)], today))
    named = [(partner.name, counted[partner.id or 0]) for partner in every
             if partner.id in counted]
    if not named:
        return (Context(f"No objectives count in {quarters[0].label} to {quarters[-1].label}."),)
    rows = []
    for name, tally in named:
        judged, met = judged_and_met(tally)
        rows.append(Row((name, str(met), str(judged - met), str(tally["open"]),
                         f"{round(100 * met / judged)}%" if judged else "—"),
                        (name, met, judged - met, tally["open"],
                         met / judged if judged else -1.0)))
    table = Table((Column("Partner", "name"), Column("Met", "met"),
                   Column("Missed or overdue", "missed"), Column("Open", "open"),
                   Column("Share met", "share")), tuple(rows))
    return (Text(f"Objectives due (or closed) from {quarters[0].label} to "
                 f"{quarters[-1].label}."),
            table.sorted_by(ctx.sort or "-share"), Picture(review_chart(named)))


async def own_partner(ctx: PageContext) -> tuple[PagePart, ...]:
    async with ctx.services.db.session() as session:
        partner = await partners.get_in(session, ctx.workspace.id or 0,
                                        ctx.person.partner_id or 0)
    if partner is None:
        return (Context("You are not linked to a partner yet; ask your partner manager."),)
    card = await partner_card(ctx, partner)
    return (Text(card.title or partner.name), *card.blocks)


PAGES = (PageSpec("partners", "Partners", scorecards, place=10),
         PageSpec("objectives", "Objectives met", objectives_met, place=20),
         PageSpec("partner", "Your partner", own_partner, audience=PageAudience.PARTNER))
