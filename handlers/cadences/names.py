"""Finding a command's cadences in the workspace by name, and naming them back in errors."""

from __future__ import annotations

from bot.core.commands import excerpt
from bot.core.errors import UserError
from handlers.cadences.kinds import Family, family_of, kind_label
from handlers.common.context import Services
from storage.cadences import repository as cadences
from storage.cadences.models import Cadence
from storage.common.models import Person, Role, Workspace

# Quotes people put round a whole name; Slack's clients turn " into “ and ”.
QUOTE_PAIRS = {'"': '"', "'": "'", "\u201c": "\u201d", "\u2018": "\u2019", "\u201e": "\u201c",
               "\u00ab": "\u00bb"}


def name_argument(args: str) -> str:
    """A cadence name typed after a subcommand: as typed (quotes inside it are part of the
    name, so every name the bot shows works typed back), or quoted whole."""
    text = " ".join(args.split())
    if len(text) >= 2 and QUOTE_PAIRS.get(text[0]) == text[-1]:
        inner = text[1:-1].strip()
        if inner:
            return inner
    return text


async def family_cadences(services: Services, workspace: Workspace,
                          family: Family) -> list[Cadence]:
    async with services.db.session() as session:
        found = [cadence for kind in family.kinds
                 for cadence in await cadences.all_cadences(session, workspace.id or 0, kind)]
    return sorted(found, key=lambda cadence: cadence.name.lower())


async def find_named(services: Services, workspace: Workspace, family: Family,
                     name: str) -> Cadence | None:
    """The family's cadence called `name` (any case), or None."""
    async with services.db.session() as session:
        cadence = await cadences.by_name(session, workspace.id or 0, name)
    return cadence if cadence is not None and cadence.kind in family.kinds else None


async def named_cadence(services: Services, workspace: Workspace, family: Family, name: str,
                        subcommand: str, viewer: Person | None = None) -> Cadence:
    """The family's cadence called `name`; a UserError naming the ones that exist if none
    (never to a partner contact `viewer`: the vendor's cadences are internal)."""
    if viewer is not None and (viewer.role is Role.PARTNER_CONTACT or viewer.is_external):
        found = await find_named(services, workspace, family, name) if name else None
        if found is None:
            raise UserError(f"There is no {family.noun} called '{excerpt(name)}' that asks "
                            "you.", example=family.example(subcommand))
        return found
    known = [cadence.name for cadence in await family_cadences(services, workspace, family)]
    example = family.example(f"{subcommand} {known[0] if known else family.example_name}")
    if not name:
        raise UserError(f"Name the {family.noun}: `{family.command} {subcommand} <name>`.",
                        example=example)
    cadence = await find_named(services, workspace, family, name)
    if cadence is not None:
        return cadence
    async with services.db.session() as session:
        other = await cadences.by_name(session, workspace.id or 0, name)
    if other is not None:
        owner = family_of(other.kind)
        raise UserError(f"'{other.name}' is a {kind_label(other.kind)}; use "
                        f"`{owner.command} {subcommand} {other.name}`.",
                        example=owner.example(f"{subcommand} {other.name}"))
    listing = ", ".join(known) if known else f"none yet (`{family.command} setup` makes one)"
    raise UserError(f"There is no {family.noun} called '{excerpt(name)}'. "
                    f"{family.plural.capitalize()}: {listing}.", example=example)
