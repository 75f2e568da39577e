"""What `/standup` and `/checkin` share: which cadence kinds each manages, found by name."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from bot.core.errors import UserError
from handlers.cadences.cards import KIND_LABEL
from handlers.common.context import Services
from storage.cadences import repository as cadences
from storage.cadences.models import Cadence, CadenceKind


@dataclass(frozen=True)
class Family:
    """The cadences one command manages; `kind` is also the command's word."""

    kind: CadenceKind
    kinds: tuple[CadenceKind, ...]
    noun: str
    plural: str

    @property
    def command(self) -> str:
        return self.kind.value

    def example(self, rest: str) -> str:
        return f"{self.command} {rest}"


FAMILIES: dict[CadenceKind, Family] = {
    CadenceKind.STANDUP: Family(CadenceKind.STANDUP, (CadenceKind.STANDUP,), "standup",
                                "standups"),
    # Objective reviews have no command of their own yet: /checkin manages them.
    CadenceKind.CHECKIN: Family(CadenceKind.CHECKIN,
                                (CadenceKind.CHECKIN, CadenceKind.OBJECTIVE_REVIEW),
                                "check-in", "check-ins"),
}


def family_of(kind: CadenceKind) -> Family:
    """The command family that manages cadences of `kind`."""
    return next(family for family in FAMILIES.values() if kind in family.kinds)


def family_named(value: str) -> Family:
    """The family a form's context names; forms from an older version are refused."""
    try:
        return FAMILIES[CadenceKind(value)]
    except (KeyError, ValueError):
        raise UserError("That form is no longer in use. Please start again.") from None


def kind_label(kind: CadenceKind) -> str:
    return KIND_LABEL[kind]


def words_of(args: str) -> list[str]:
    """Arguments split like a shell would, so "quoted names" stay whole."""
    try:
        return shlex.split(args)
    except ValueError:
        return args.split()


def name_argument(args: str) -> str:
    """A cadence name typed after a subcommand, quoted or not."""
    return " ".join(words_of(args)).strip()


async def family_cadences(services: Services, family: Family) -> list[Cadence]:
    async with services.db.session() as session:
        found = [cadence for kind in family.kinds
                 for cadence in await cadences.all_cadences(session, kind)]
    return sorted(found, key=lambda cadence: cadence.name.lower())


async def find_named(services: Services, family: Family, name: str) -> Cadence | None:
    """The family's cadence called `name` (any case), or None."""
    async with services.db.session() as session:
        cadence = await cadences.by_name(session, name)
    return cadence if cadence is not None and cadence.kind in family.kinds else None


async def named_cadence(services: Services, family: Family, name: str,
                        subcommand: str) -> Cadence:
    """The family's cadence called `name`; a UserError naming the ones that exist if none."""
    known = [cadence.name for cadence in await family_cadences(services, family)]
    example = family.example(f"{subcommand} {known[0] if known else 'Daily standup'}")
    if not name:
        raise UserError(f"Name the {family.noun}: `{family.command} {subcommand} <name>`.",
                        example=example)
    cadence = await find_named(services, family, name)
    if cadence is not None:
        return cadence
    async with services.db.session() as session:
        other = await cadences.by_name(session, name)
    if other is not None:
        owner = family_of(other.kind)
        raise UserError(f"'{other.name}' is a {kind_label(other.kind)}; use "
                        f"`{owner.command} {subcommand} {other.name}`.",
                        example=owner.example(f"{subcommand} {other.name}"))
    listing = ", ".join(known) if known else f"none yet (`{family.command} setup` makes one)"
    raise UserError(f"There is no {family.noun} called '{name}'. {family.plural.capitalize()}: "
                    f"{listing}.", example=example)
