"""`lead` and `leads`: partner-sourced leads, how they ended, and what they cost engineers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from bot.core.cards import Card, Context, Fields
from bot.core.responses import Reply, Response
from bot.core.words import counted
from handlers.common.context import CommandContext
from handlers.partners import words
from handlers.partners.finding import is_contact, may_change, partner_named, refuse_contacts
from storage.partners import repository as partners
from storage.partners.models import Lead, LeadOutcome

EXAMPLE = 'partner lead "Northwind Traders" "Q1 renewal" won hours 12 value 40000'
LEADS_EXAMPLE = "partner leads Northwind Traders"


@dataclass(frozen=True)
class LeadStats:
    """Win rate, lost-to-competitor rate and engineer hours per won deal, over decided
    leads (unqualified ones count as leads, not as decided)."""

    count: int
    won: int
    lost_to_competitor: int
    decided: int
    hours: Decimal

    @classmethod
    def of(cls, found: Sequence[Lead]) -> LeadStats:
        decided = [lead for lead in found if lead.outcome is not LeadOutcome.UNQUALIFIED]
        return cls(len(found), sum(lead.outcome is LeadOutcome.WON for lead in found),
                   sum(lead.outcome is LeadOutcome.LOST_TO_COMPETITOR for lead in found),
                   len(decided), sum((lead.engineer_hours or Decimal(0) for lead in found),
                                     Decimal(0)))

    def text(self, *, internal: bool = True) -> str:
        """The numbers; the engineer hours the vendor spends are for the vendor team only."""
        if not self.count:
            return "no leads yet"
        if not self.decided:
            return f"{counted(self.count, 'lead')}, none qualified"
        parts = [f"{counted(self.count, 'lead')}",
                 f"win rate {_share(self.won, self.decided)}",
                 f"lost to a competitor {_share(self.lost_to_competitor, self.decided)}"]
        if self.won and internal:
            parts.append(f"{_number(self.hours / self.won)} engineer hours per won deal")
        return " · ".join(parts)


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({round(100 * part / whole)}%)"


def _number(value: Decimal) -> str:
    rounded = value.quantize(Decimal("0.1"))
    return f"{rounded:f}".removesuffix(".0")


async def lead(ctx: CommandContext) -> Response:
    refuse_contacts(ctx.person, "Recording leads")
    typed = words.lead(words.tokens(ctx.args, EXAMPLE), EXAMPLE)
    partner = await partner_named(ctx, typed.partner, EXAMPLE)
    await may_change(ctx, partner, "Recording leads")
    async with ctx.services.db.session() as session:
        await partners.add_lead(session, partner=partner, deal=typed.deal,
                                outcome=typed.outcome, hours=typed.hours, value=typed.value,
                                recorded_by=ctx.person.id, now=ctx.services.clock.now())
        stats = LeadStats.of(await partners.leads(session, partner.id or 0))
    return Reply(f"Recorded the lead {typed.deal} for {partner.name}: "
                 f"{typed.outcome.value}. {partner.name} now: {stats.text()}.")


def _row(found: Lead, internal: bool) -> tuple[str, str]:
    details = [found.outcome.value, f"{found.created_at:%Y-%m-%d}"]
    if found.engineer_hours is not None and internal:
        details.append(f"{_number(found.engineer_hours)} engineer hours")
    if found.value is not None:
        details.append(f"value {found.value:,.0f}")
    return found.deal, " · ".join(details)


async def list_leads(ctx: CommandContext) -> Response:
    partner = await partner_named(ctx, " ".join(words.tokens(ctx.args, LEADS_EXAMPLE)),
                                  LEADS_EXAMPLE)
    async with ctx.services.db.session() as session:
        found = await partners.leads(session, partner.id or 0)
    stats = LeadStats.of(found)
    if not found:
        return Reply(f"{partner.name} has no leads recorded yet.")
    internal = not is_contact(ctx.person)
    return Reply(Card(summary=f"{partner.name}: {stats.text(internal=internal)}",
                      title=f"{partner.name}: leads",
                      blocks=(Fields(tuple(_row(item, internal) for item in found)),
                              Context(stats.text(internal=internal)))))
