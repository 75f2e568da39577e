"""`/partnerops admins [add|remove @someone]`: who runs PartnerOps in this workspace.

There is always at least one admin; people named in PARTNEROPS_ADMINS are admins whatever
is set here. A partner contact (or any external user) is never made an admin.
"""

from __future__ import annotations

from bot.core.conversation import Actor
from bot.core.errors import UserError
from bot.core.responses import Reply, Response
from handlers.common.context import CommandContext
from handlers.common.identity import resolve_person
from storage.common import people
from storage.common.models import Person, Role

EXAMPLE = "partnerops admins add @bob"


async def _mentioned(ctx: CommandContext) -> Person:
    if not ctx.invocation.people:
        raise UserError("Mention who: admins add @someone, or admins remove @someone.",
                        example=EXAMPLE)
    return await resolve_person(ctx.services, ctx.workspace, Actor(
        ctx.platform, ctx.invocation.people[0], workspace=ctx.workspace.external_id or ""))


async def _listing(ctx: CommandContext) -> str:
    async with ctx.services.db.session() as session:
        found = await people.with_role(session, ctx.workspace.id or 0, Role.ADMIN)
    return ", ".join(person.display_name for person in found) or "nobody"


async def admins(ctx: CommandContext) -> Response:
    verb = ctx.args.split()[0].lower() if ctx.args.split() else ""
    if not verb:
        return Reply(f"Admins: {await _listing(ctx)}. `partnerops admins add @someone` adds "
                     "one.")
    if verb not in ("add", "remove"):
        raise UserError("List the admins, or add or remove one.", example=EXAMPLE)
    person = await _mentioned(ctx)
    if verb == "add":
        return await _add(ctx, person)
    return await _remove(ctx, person)


async def _add(ctx: CommandContext, person: Person) -> Response:
    if person.role is Role.ADMIN:
        return Reply(f"{person.display_name} is already an admin.")
    if person.role is Role.PARTNER_CONTACT or person.is_external:
        raise UserError(f"{person.display_name} is a partner contact (or from outside the "
                        "company); admins are on the vendor team.", example=EXAMPLE)
    async with ctx.services.db.session() as session:
        stored = await people.get(session, person.id or 0)
        assert stored is not None
        await people.set_role(session, stored, Role.ADMIN)
    return Reply(f"{person.display_name} is now an admin. Admins: {await _listing(ctx)}.")


async def _remove(ctx: CommandContext, person: Person) -> Response:
    if person.role is not Role.ADMIN:
        return Reply(f"{person.display_name} is not an admin, so nothing changed.")
    if ctx.invocation.people[0] in ctx.services.config.admins:
        raise UserError(f"{person.display_name} is named in PARTNEROPS_ADMINS, so stays an "
                        "admin; change that setting to remove them.")
    async with ctx.services.db.session() as session:
        if await people.count_admins(session, ctx.workspace.id or 0) <= 1:
            raise UserError(f"{person.display_name} is the only admin; add another first, so "
                            "someone can still run PartnerOps.", example=EXAMPLE)
        stored = await people.get(session, person.id or 0)
        assert stored is not None
        await people.set_role(session, stored, Role.MEMBER)
    return Reply(f"{person.display_name} is no longer an admin. Admins: "
                 f"{await _listing(ctx)}.")
