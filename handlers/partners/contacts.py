"""`contact add|remove <partner> @someone|email`: who speaks for a partner.

A contact is a chat user (a Slack Connect external user, a Teams guest, or anyone the
bot can reach) or an email the bot has not seen yet: the first person who appears with that
email becomes the contact.
"""

from __future__ import annotations

from bot.core.conversation import Actor
from bot.core.errors import UserError
from bot.core.responses import Reply, Response
from handlers.common.context import CommandContext
from handlers.common.identity import resolve_person
from handlers.partners import words
from handlers.partners.finding import may_change, partner_named
from storage.common import people
from storage.common.models import Partner, Person, Role
from storage.partners import repository as partners

EXAMPLE = 'partner contact add "Northwind Traders" @pat'


def _split(ctx: CommandContext) -> tuple[str, str, str]:
    """(add|remove, partner name, @mention or email)."""
    found = words.tokens(ctx.args, EXAMPLE)
    if not found or found[0].lower() not in ("add", "remove"):
        raise UserError("Add or remove a partner's contact.", example=EXAMPLE)
    if len(found) < 3:
        raise UserError("Name the partner, then mention the contact or give their email.",
                        example=EXAMPLE)
    who = found[-1]
    if not words.is_mention(who) and not words.EMAIL.match(who):
        raise UserError("Mention the contact (@someone) or give their email, after the "
                        "partner's name.", example=EXAMPLE)
    return found[0].lower(), " ".join(found[1:-1]), who


async def contact(ctx: CommandContext) -> Response:
    verb, name, who = _split(ctx)
    partner = await partner_named(ctx, name, EXAMPLE)
    await may_change(ctx, partner, "Managing partner contacts")
    if words.is_mention(who):
        if not ctx.invocation.people:
            raise UserError("Mention the contact so I know who they are.", example=EXAMPLE)
        return await (_add_person if verb == "add" else _remove_person)(ctx, partner)
    return await (_invite if verb == "add" else _withdraw)(ctx, partner, who)


async def _person(ctx: CommandContext) -> Person:
    return await resolve_person(ctx.services, ctx.workspace, Actor(
        ctx.platform, ctx.invocation.people[0], workspace=ctx.workspace.external_id or ""))


async def _add_person(ctx: CommandContext, partner: Partner) -> Response:
    person = await _person(ctx)
    async with ctx.services.db.session() as session:
        owns = await partners.owned_by(session, ctx.workspace.id or 0, person.id or 0)
    # Making a colleague a contact would take away what they see: refused, not done.
    if person.id == ctx.person.id or person.role is Role.ADMIN or owns:
        raise UserError(f"{person.display_name} is on the vendor team (an admin, or a "
                        "partner's owner); a contact is someone at the partner.",
                        example=EXAMPLE)
    if person.partner_id == partner.id:
        return Reply(f"{person.display_name} is already a contact of {partner.name}.")
    async with ctx.services.db.session() as session:
        stored = await people.get(session, person.id or 0)
        assert stored is not None
        await partners.make_contact(session, stored, partner)
    return Reply(f"{person.display_name} is now a contact of {partner.name}: they see its "
                 "objectives and leads, and nothing internal.")


async def _remove_person(ctx: CommandContext, partner: Partner) -> Response:
    person = await _person(ctx)
    if person.partner_id != partner.id:
        return Reply(f"{person.display_name} is not a contact of {partner.name}, so nothing "
                     "changed.")
    async with ctx.services.db.session() as session:
        stored = await people.get(session, person.id or 0)
        assert stored is not None
        await partners.end_contact(session, stored)
    return Reply(f"{person.display_name} is no longer a contact of {partner.name}, and sees no "
                 "partner's data now.")


async def _invite(ctx: CommandContext, partner: Partner, email: str) -> Response:
    async with ctx.services.db.session() as session:
        await partners.invite(session, partner, email, ctx.services.clock.now())
    return Reply(f"{email} will be a contact of {partner.name} as soon as they first write to "
                 "me (from Slack or Teams, with that email on their profile).")


async def _withdraw(ctx: CommandContext, partner: Partner, email: str) -> Response:
    async with ctx.services.db.session() as session:
        withdrawn = await partners.withdraw_invite(session, partner.id or 0, email)
    if not withdrawn:
        return Reply(f"{email} was not waiting to be a contact of {partner.name}, so nothing "
                     "changed.")
    return Reply(f"{email} will not become a contact of {partner.name}.")
