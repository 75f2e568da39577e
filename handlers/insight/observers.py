"""`/partnerops observers` (admins): who gets the weekly digest, of a cadence or of the whole
install; `/partnerops digest`: an observer's digest now, or the day and time it comes."""

from __future__ import annotations

from bot.core.commands import Handler, excerpt
from bot.core.conversation import Actor
from bot.core.errors import UserError
from bot.core.requests import without_mentions
from bot.core.responses import Reply, Response
from handlers.common.context import CommandContext
from handlers.common.identity import resolve_person, zone_of
from handlers.common.weekly import read_weekly_slot
from handlers.insight.digest import SectionsOf, Watcher, digest_card, watchers, weekly_slot
from storage.cadences import repository as cadences
from storage.cadences.models import Cadence
from storage.common.models import Person, Role
from storage.insight import repository as insight

EXAMPLE = "partnerops observers add @dana"
SLOT_EXAMPLE = "partnerops digest friday 16:00"
WHOLE_INSTALL = frozenset({"all", "everything", "install", "whole install"})


async def _cadence_named(ctx: CommandContext, name: str) -> Cadence | None:
    """The cadence `name` names (None: the whole install), or a UserError naming them all."""
    name = name.strip().strip("\"'“”")
    if not name or name.lower() in WHOLE_INSTALL:
        return None
    async with ctx.services.db.session() as session:
        found = await cadences.by_name(session, ctx.workspace.id or 0, name)
        every = await cadences.all_cadences(session, ctx.workspace.id or 0)
    if found is None:
        names = ", ".join(cadence.name for cadence in every) or "none yet"
        raise UserError(f"There is no cadence called '{excerpt(name)}'. Cadences: {names}. "
                        "Name none to observe the whole install.",
                        example=f"{EXAMPLE} {every[0].name}" if every else EXAMPLE)
    return found


async def _mentioned(ctx: CommandContext) -> list[Person]:
    if not ctx.invocation.people:
        raise UserError("Mention who: observers add @someone [cadence], or observers remove "
                        "@someone [cadence].", example=EXAMPLE)
    return [await resolve_person(ctx.services, ctx.workspace, Actor(
        ctx.platform, user_id, workspace=ctx.workspace.external_id or ""))
        for user_id in dict.fromkeys(ctx.invocation.people)]


def _what(watcher: Watcher, names: dict[int, str]) -> str:
    if watcher.cadence_ids is None:
        return "the whole install"
    return ", ".join(names.get(ident, "a deleted cadence") for ident in watcher.cadence_ids)


async def _listing(ctx: CommandContext) -> str:
    found = await watchers(ctx.services, ctx.workspace.id or 0)
    if not found:
        return ("Nobody observes yet. `partnerops observers add @someone` adds one: they get "
                "a weekly digest and are asked nothing.")
    async with ctx.services.db.session() as session:
        names = {cadence.id or 0: cadence.name
                 for cadence in await cadences.all_cadences(session, ctx.workspace.id or 0)}
    lines = [f"• {watcher.person.display_name}: {_what(watcher, names)}; "
             f"{watcher.slot.text()}" for watcher in found]
    return "Observers (a weekly digest each, nothing asked):\n" + "\n".join(lines)


async def _add(ctx: CommandContext, found: list[Person], cadence: Cadence | None) -> str:
    now = ctx.services.clock.now()
    what = cadence.name if cadence else "the whole install"
    said = []
    for person in found:
        if person.role is Role.PARTNER_CONTACT or person.is_external:
            raise UserError(f"{person.display_name} is a partner contact (or from outside the "
                            "company); the digest is for the vendor team. Nothing was changed.",
                            example=EXAMPLE)
    for person in found:
        async with ctx.services.db.session() as session:
            added = await insight.add_observer(
                session, workspace_id=ctx.workspace.id or 0, person_id=person.id or 0,
                cadence_id=cadence.id if cadence else None, added_by=ctx.person.id, now=now)
            slot = weekly_slot(await insight.ensure_slot(
                session, person.id or 0, zone=zone_of(person, ctx.services), now=now))
        said.append(f"{person.display_name} now observes {what}: a digest {slot.text()}, "
                    f"first on {slot.next_slot(now):%a %d %b %Y}." if added else
                    f"{person.display_name} already observes {what}.")
    ctx.services.schedule_changed()
    return " ".join(said) + " They choose another day and time with `partnerops digest " \
                            "<day> <HH:MM>`."


async def _remove(ctx: CommandContext, found: list[Person], cadence: Cadence | None) -> str:
    what = cadence.name if cadence else "the whole install"
    said = []
    for person in found:
        async with ctx.services.db.session() as session:
            removed = await insight.remove_observer(session, ctx.workspace.id or 0,
                                                    person.id or 0, cadence.id if cadence
                                                    else None)
        said.append(f"{person.display_name} no longer observes {what}." if removed else
                    f"{person.display_name} did not observe {what}, so nothing changed.")
    ctx.services.schedule_changed()
    return " ".join(said)


async def observers(ctx: CommandContext) -> Response:
    words = ctx.args.split()
    verb = words[0].lower() if words else ""
    if verb in ("", "list"):
        return Reply(await _listing(ctx))
    if verb not in ("add", "remove"):
        raise UserError(f"'{excerpt(words[0])}' is not something observers do: say nothing to "
                        "list them, or add or remove someone.", example=EXAMPLE)
    found = await _mentioned(ctx)
    rest = without_mentions(" ".join(words[1:]))
    cadence = await _cadence_named(ctx, rest)
    return Reply(await (_add if verb == "add" else _remove)(ctx, found, cadence))


def digest_command(sections_of: SectionsOf) -> Handler:
    """`digest`: your digest now; `digest <day> <HH:MM>`: when it comes each week."""

    async def digest(ctx: CommandContext) -> Response:
        mine = [watcher for watcher in await watchers(ctx.services, ctx.workspace.id or 0)
                if watcher.person.id == ctx.person.id]
        if not mine:
            raise UserError("You don't observe anything, so no digest comes to you. An admin "
                            "adds observers with `partnerops observers add @someone`.",
                            example=EXAMPLE)
        words = ctx.args.split()
        if not words:
            now = ctx.services.clock.now()
            return Reply(await digest_card(sections_of(), mine[0].context(ctx.services, now)))
        if words[0].lower() in ("off", "stop", "never", "none"):
            raise UserError("An admin stops your digest by removing you as an observer: "
                            "`partnerops observers remove @you`. Or choose another day and "
                            "time.", example=SLOT_EXAMPLE)
        weekday, at = read_weekly_slot(words, SLOT_EXAMPLE)
        now = ctx.services.clock.now()
        async with ctx.services.db.session() as session:
            slot = weekly_slot(await insight.set_slot(
                session, ctx.person.id or 0, weekday=weekday, at=f"{at:%H:%M}",
                zone=zone_of(ctx.person, ctx.services), now=now))
        ctx.services.schedule_changed()
        return Reply(f"Your digest now comes {slot.text()}, next on "
                     f"{slot.next_slot(now):%a %d %b %Y}.")

    return digest
