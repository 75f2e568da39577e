"""`show`: a partner's card. The vendor team sees who owns it, its contacts and its leads;
a partner's own contacts see the shared view (their leads), never anything internal."""

from __future__ import annotations

from bot.core.cards import Block, Card, Context, Fields
from bot.core.responses import Reply, Response
from handlers.common.context import CommandContext
from handlers.partners import words
from handlers.partners.finding import is_contact, owner_name, partner_named
from handlers.partners.leads import LeadStats
from storage.common.models import Partner
from storage.partners import repository as partners

EXAMPLE = "partner show Northwind Traders"


async def _internal_rows(ctx: CommandContext, partner: Partner) -> list[tuple[str, str]]:
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


async def show(ctx: CommandContext) -> Response:
    partner = await partner_named(ctx, " ".join(words.tokens(ctx.args, EXAMPLE)), EXAMPLE)
    async with ctx.services.db.session() as session:
        leads = LeadStats.of(await partners.leads(session, partner.id or 0))
    shared = is_contact(ctx.person)
    rows = [] if shared else await _internal_rows(ctx, partner)
    rows.append(("Leads", leads.text()))
    blocks: list[Block] = [Fields(tuple(rows))]
    blocks.append(Context(f"`partner leads {partner.name}` lists the leads."
                          if shared else
                          f"`partner leads {partner.name}` lists the leads; "
                          f"`partner contact add {partner.name} @someone` adds a contact."))
    return Reply(Card(summary=f"{partner.name}: {leads.text()}", title=partner.name,
                      blocks=tuple(blocks)))
