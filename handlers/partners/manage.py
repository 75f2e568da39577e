"""`add`, `edit`, `archive` and `list`: the partner list, kept by the vendor team."""

from __future__ import annotations

from bot.core.cards import Card, Context, Fields
from bot.core.conversation import Actor
from bot.core.errors import UserError
from bot.core.responses import Reply, Response
from bot.core.words import counted
from handlers.common.context import CommandContext
from handlers.common.identity import resolve_person
from handlers.partners import words
from handlers.partners.finding import (
    is_contact,
    may_change,
    near_misses,
    own_partner,
    partner_named,
    refuse_contacts,
)
from storage.common import people
from storage.common.models import Partner, Person
from storage.partners import repository as partners

ADD_EXAMPLE = 'partner add "Northwind Traders" type VAR tier Gold owner @ana'
EDIT_EXAMPLE = 'partner edit "Northwind Traders" tier Platinum'


async def _owner(ctx: CommandContext, example: str) -> Person:
    """The person `owner @someone` names: a vendor member, never a partner contact."""
    if not ctx.invocation.people:
        raise UserError("Mention the owner: owner @someone.", example=example)
    owner = await resolve_person(ctx.services, ctx.workspace, Actor(
        ctx.platform, ctx.invocation.people[0], workspace=ctx.workspace.external_id or ""))
    if is_contact(owner):
        raise UserError(f"{owner.display_name} is a partner contact; an owner is someone on "
                        "the vendor team.", example=example)
    return owner


async def _taken(ctx: CommandContext, name: str) -> UserError:
    async with ctx.services.db.session() as session:
        existing = await partners.by_name(session, ctx.workspace.id or 0, name)
    shown = existing.name if existing else name
    return UserError(f"There is already a partner called '{shown}'; names are unique whatever "
                     "the case. `partner show` it, or choose another name.",
                     example=f"partner show {shown}")


def _describe(partner: Partner, owner: str) -> str:
    kind = f"{partner.type.value}" if partner.type else "partner"
    tier = f", {partner.tier} tier" if partner.tier else ""
    owned = f", owned by {owner}" if owner else ""
    return f"{partner.name} ({kind}{tier}{owned})"


async def add(ctx: CommandContext) -> Response:
    refuse_contacts(ctx.person, "Adding partners")
    name, rest = words.split_name(words.tokens(ctx.args, ADD_EXAMPLE), ADD_EXAMPLE)
    chosen = words.options(rest, ADD_EXAMPLE)
    if chosen.name is not None:
        raise UserError("`name` renames a partner with `partner edit`.", example=EDIT_EXAMPLE)
    owner = await _owner(ctx, ADD_EXAMPLE) if chosen.owner_mentioned else ctx.person
    near = await near_misses(ctx, name)
    try:
        async with ctx.services.db.session() as session:
            partner = await partners.add(session, workspace_id=ctx.workspace.id or 0,
                                         name=name, type=chosen.type, tier=chosen.tier,
                                         owner_id=owner.id, now=ctx.services.clock.now())
    except partners.NameTaken:
        raise await _taken(ctx, name) from None
    slip = f" Note: {' and '.join(near)} exists too; if this was a slip, " \
           f"`partner archive {partner.name}`." if near else ""
    return Reply(f"Added {_describe(partner, owner.display_name)}.{slip} Next: "
                 f"`partner contact add {partner.name} @someone` or an email for their people.")


async def edit(ctx: CommandContext) -> Response:
    name, rest = words.split_name(words.tokens(ctx.args, EDIT_EXAMPLE), EDIT_EXAMPLE)
    partner = await partner_named(ctx, name, EDIT_EXAMPLE)
    await may_change(ctx, partner, "Editing partners")
    chosen = words.options(rest, EDIT_EXAMPLE)
    if not chosen.given:
        raise UserError("Say what changes: name, type, tier or owner.", example=EDIT_EXAMPLE)
    owner = await _owner(ctx, EDIT_EXAMPLE) if chosen.owner_mentioned else None
    try:
        async with ctx.services.db.session() as session:
            stored = await partners.get_in(session, ctx.workspace.id or 0, partner.id or 0)
            assert stored is not None
            partner = await partners.save(
                session, stored, name=chosen.name or stored.name,
                type=chosen.type or stored.type, tier=chosen.tier or stored.tier,
                owner_id=owner.id if owner else stored.owner_id)
            owner_person = await people.get(session, partner.owner_id or 0)
    except partners.NameTaken:
        raise await _taken(ctx, chosen.name or name) from None
    shown = owner_person.display_name if owner_person else ""
    return Reply(f"Updated {_describe(partner, shown)}.")


async def archive(ctx: CommandContext) -> Response:
    example = "partner archive Northwind Traders"
    partner = await partner_named(ctx, " ".join(words.tokens(ctx.args, example)), example)
    await may_change(ctx, partner, "Archiving partners")
    if partner.archived_at is not None:
        return Reply(f"{partner.name} is already archived.")
    async with ctx.services.db.session() as session:
        stored = await partners.get_in(session, ctx.workspace.id or 0, partner.id or 0)
        assert stored is not None
        await partners.save(session, stored, archived_at=ctx.services.clock.now())
    return Reply(f"Archived {partner.name}: it leaves lists and check-ins; its history stays "
                 "and `partner show` still finds it.")


LIST_EXAMPLE = "partner list tier Gold"


def _filter(ctx: CommandContext) -> tuple[str, str]:
    """`list`, `list archived`, `list tier Gold`, `list type VAR`, `list owner @ana`."""
    found = words.tokens(ctx.args, LIST_EXAMPLE)
    if not found:
        return "", ""
    if found[0].lower() == "archived" and len(found) == 1:
        return "archived", ""
    if found[0].lower() in ("tier", "type", "owner") and len(found) >= 2:
        return found[0].lower(), " ".join(found[1:])
    raise UserError("List all partners, or by tier, type, owner, or the archived ones.",
                    example=LIST_EXAMPLE)


async def list_partners(ctx: CommandContext) -> Response:
    if is_contact(ctx.person):
        own = await own_partner(ctx)
        return Reply(f"You are a contact of {own.name}; `partner show` has its card.")
    by, value = _filter(ctx)
    owner_id = None
    if by == "owner":
        owner_id = (await _owner(ctx, "partner list owner @ana")).id
    async with ctx.services.db.session() as session:
        every = await partners.all_partners(session, ctx.workspace.id or 0,
                                            archived=by == "archived")
        owners = {person.id: person.display_name for person in
                  [await people.get(session, pid) for pid in
                   {p.owner_id for p in every if p.owner_id}] if person}
    shown = [partner for partner in every
             if (by != "archived" or partner.archived_at is not None)
             and (by != "tier" or (partner.tier or "").lower() == value.lower())
             and (by != "type" or (partner.type and partner.type.value.lower()
                                   == value.lower()))
             and (by != "owner" or partner.owner_id == owner_id)]
    if not shown:
        which = "archived partners" if by == "archived" else \
            f"partners with that {by}" if by else "partners"
        return Reply(f"No {which} yet. `partner add <name>` adds one.")
    rows = tuple((partner.name, " · ".join(part for part in (
        partner.type.value if partner.type else "", partner.tier or "",
        owners.get(partner.owner_id, "")) if part) or "—") for partner in shown)
    return Reply(Card(summary=counted(len(shown), "partner"),
                      title=f"Partners ({by} {value})".replace(" )", ")") if by
                      else "Partners",
                      blocks=(Fields(rows),
                              Context("`partner show <name>` has the card: contacts and "
                                      "leads."))))
