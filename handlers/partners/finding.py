"""Finding a partner by the name someone typed, and who may see or change it.

Partner contacts see their own partner only: a name they type that is not theirs gets the
same answer whether or not such a partner exists, so nothing leaks.
"""

from __future__ import annotations

from difflib import get_close_matches

from bot.core.commands import excerpt
from bot.core.errors import UserError
from handlers.common.context import CommandContext
from storage.common import people
from storage.common.models import Partner, Person, Role
from storage.common.names import name_key
from storage.partners import repository as partners

SUGGESTIONS = 3


def is_contact(person: Person) -> bool:
    return person.role is Role.PARTNER_CONTACT or person.is_external


def refuse_contacts(person: Person, what: str) -> None:
    if is_contact(person):
        raise UserError(f"{what} is for the vendor team; as a partner contact you can see your "
                        "own partner with `partner show`.", example="partner show")


async def own_partner(ctx: CommandContext) -> Partner:
    """A partner contact's own partner; a clear refusal if none is linked yet."""
    async with ctx.services.db.session() as session:
        found = await partners.get_in(session, ctx.workspace.id or 0,
                                      ctx.person.partner_id or 0)
    if found is None:
        raise UserError("You are not linked to a partner yet; ask your partner manager to add "
                        "you with `partner contact add`.")
    return found


async def partner_named(ctx: CommandContext, name: str, example: str) -> Partner:
    """The workspace's partner called `name` (any case, any quotes) that this person may
    see; "did you mean" when the name is close to others."""
    if is_contact(ctx.person):
        own = await own_partner(ctx)
        if not name or name_key(name) == own.name_key:
            return own
        raise UserError(f"As a partner contact you see {own.name} only.",
                        example=f"partner show {own.name}")
    if not name:
        raise UserError("Name the partner.", example=example)
    async with ctx.services.db.session() as session:
        found = await partners.by_name(session, ctx.workspace.id or 0, name)
        every = await partners.all_partners(session, ctx.workspace.id or 0, archived=True)
    if found is not None:
        return found
    keys = {partner.name_key: partner.name for partner in every}
    close = get_close_matches(name_key(name), list(keys), n=SUGGESTIONS, cutoff=0.6)
    hint = f" Did you mean {' or '.join(keys[key] for key in close)}?" if close else \
        " `partner list` shows them all." if every else \
        " There are none yet: `partner add <name>` adds one."
    raise UserError(f"There is no partner called '{excerpt(name)}'.{hint}", example=example)


async def near_misses(ctx: CommandContext, name: str) -> list[str]:
    """Partners whose names are close to `name` but not it (a typo when adding)."""
    async with ctx.services.db.session() as session:
        every = await partners.all_partners(session, ctx.workspace.id or 0, archived=True)
    keys = {partner.name_key: partner.name for partner in every
            if partner.name_key != name_key(name)}
    return [keys[key] for key in get_close_matches(name_key(name), list(keys),
                                                   n=SUGGESTIONS, cutoff=0.85)]


async def owner_name(ctx: CommandContext, partner: Partner) -> str:
    if partner.owner_id is None:
        return ""
    async with ctx.services.db.session() as session:
        owner = await people.get(session, partner.owner_id)
    return owner.display_name if owner else ""


async def may_change(ctx: CommandContext, partner: Partner, what: str) -> None:
    """Admins change any partner; members the partners they own."""
    refuse_contacts(ctx.person, what)
    if ctx.person.role is Role.ADMIN or partner.owner_id == ctx.person.id:
        return
    owner = await owner_name(ctx, partner)
    who = f"its owner ({owner})" if owner else "its owner"
    raise UserError(f"Only {who} or an admin can change {partner.name}.",
                    example=f"partner show {partner.name}")
