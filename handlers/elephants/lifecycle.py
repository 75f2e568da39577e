"""An elephant's life: reported -> acknowledged (with an owner) -> addressing -> resolved or
won't fix, and reopened. Admins and the owner change it; each change updates the channel
post, is written in its thread, and is told to the reporter (never to an anonymous one)."""

from __future__ import annotations

import logging
import re

from bot.core.cards import Card, Text
from bot.core.commands import excerpt
from bot.core.conversation import Actor, ConversationKind, ConversationRef, Platform
from bot.core.errors import DeliveryError, UserError
from bot.core.responses import Reply, Response
from handlers.common.context import CommandContext, Services
from handlers.common.identity import resolve_person
from handlers.elephants.cards import CLOSED, status_label
from handlers.elephants.posting import card_of, post_of
from storage.common import people
from storage.common.models import Person, Role
from storage.elephants import repository as elephants
from storage.elephants.models import Elephant, ElephantStatus

log = logging.getLogger(__name__)

SHORT_ID = re.compile(r"^[Ee]-?(\d{1,9})$")
NOTE_MAX = 2000


def literal(text: str) -> Card:
    """A message shown exactly as written (no markup read into a note or a title)."""
    return Card(summary=text, blocks=(Text(text, markup=False),))


def short_id_of(word: str) -> int | None:
    """The number of `E-12` (or `e12`); None when the word is not an elephant's id."""
    found = SHORT_ID.match(word.strip())
    return int(found.group(1)) if found else None


async def elephant_named(ctx: CommandContext, word: str, example: str) -> Elephant:
    """The workspace's elephant `word` names; a specific refusal otherwise."""
    number = short_id_of(word)
    if number is None:
        raise UserError(f"'{excerpt(word)}' is not an elephant's id; they look like E-12.",
                        example=example)
    async with ctx.services.db.session() as session:
        found = await elephants.by_number(session, ctx.workspace.id or 0, number)
    if found is None:
        raise UserError(f"There is no E-{number} here. `elephant list all` shows every one.",
                        example="elephant list all")
    return found


async def _name_of(services: Services, person_id: int | None) -> str:
    if person_id is None:
        return "nobody yet"
    async with services.db.session() as session:
        person = await people.get(session, person_id)
    return person.display_name if person else "someone who left"


def _may_change(person: Person, elephant: Elephant) -> bool:
    return person.role is Role.ADMIN or (elephant.owner_id is not None
                                         and elephant.owner_id == person.id)


async def _require_changer(ctx: CommandContext, elephant: Elephant) -> None:
    if not _may_change(ctx.person, elephant):
        owner = await _name_of(ctx.services, elephant.owner_id)
        raise UserError(f"Only admins and {elephant.short_id}'s owner ({owner}) change its "
                        "status; you can say you see it too on its post.",
                        example=f"elephant show {elephant.short_id}")


async def _owner_named(ctx: CommandContext) -> Person:
    """The person `@someone` names as the owner (the one acknowledging when nobody is)."""
    if not ctx.invocation.people:
        return ctx.person
    owner = await resolve_person(ctx.services, ctx.workspace, Actor(
        ctx.platform, ctx.invocation.people[0], workspace=ctx.workspace.external_id or ""))
    if owner.role is Role.PARTNER_CONTACT or owner.is_external:
        raise UserError(f"{owner.display_name} is outside the vendor team; an elephant's owner "
                        "is someone inside it.", example="elephant ack E-3 @ana")
    return owner


async def announce(ctx: CommandContext, elephant: Elephant, said: str) -> None:
    """The change on the channel post and in its thread, and to the reporter (best effort:
    the change is saved whatever a platform says)."""
    post = post_of(ctx.workspace, elephant)
    try:
        if post is not None:
            await ctx.services.outbox.update(post, await card_of(ctx.services, ctx.workspace,
                                                                 elephant))
            # Literal text: a note's *stars* or <brackets> are shown as typed.
            await ctx.services.outbox.post(post.conversation, literal(said), thread=post)
        async with ctx.services.db.session() as session:
            following = await elephants.followers(session, elephant.id or 0)
        told = [elephant.reporter_id] if elephant.reporter_id is not None \
            and not elephant.anonymous else []
        for person_id in dict.fromkeys(told + following):
            if person_id != ctx.person.id:
                await _tell(ctx, elephant, person_id or 0, said,
                            reported=person_id == elephant.reporter_id)
    except DeliveryError as exc:
        log.warning("elephant %s changed; not every message went out: %s",
                    elephant.short_id, exc)


async def _tell(ctx: CommandContext, elephant: Elephant, person_id: int, said: str, *,
                reported: bool) -> None:
    """A direct message to its reporter, or to someone following it."""
    async with ctx.services.db.session() as session:
        members = await people.members(session, [person_id], elephant.platform)
    if not members:
        return
    direct = ConversationRef(Platform(elephant.platform), members[0].user_id,
                             ConversationKind.DIRECT, workspace=ctx.workspace.external_id or "")
    whose = "The elephant you reported" if reported else "An elephant you follow"
    await ctx.services.outbox.post(direct, literal(f"{whose}, {elephant.short_id} "
                                                   f"({elephant.title}): {said}"))


async def follow(ctx: CommandContext) -> Response:
    """`follow E-n`: be told when its status changes (`unfollow` stops it)."""
    word, _ = _split(ctx.args, "follow E-<n>", "elephant follow E-3")
    elephant = await elephant_named(ctx, word, "elephant follow E-3")
    return await start_following(ctx.services, elephant, ctx.person)


async def start_following(services: Services, elephant: Elephant, person: Person) -> Reply:
    """`person` hears of every status change of `elephant` from now on."""
    async with services.db.session() as session:
        added = await elephants.follow(session, elephant.id or 0, person.id or 0)
    if not added:
        return Reply(f"You already follow {elephant.short_id}.")
    return Reply(f"You'll hear when {elephant.short_id} changes. Following is kept under "
                 f"your name (unlike a vote or an anonymous report); `elephant unfollow "
                 f"{elephant.short_id}` ends it.")


async def unfollow(ctx: CommandContext) -> Response:
    word, _ = _split(ctx.args, "unfollow E-<n>", "elephant unfollow E-3")
    elephant = await elephant_named(ctx, word, "elephant unfollow E-3")
    async with ctx.services.db.session() as session:
        removed = await elephants.unfollow(session, elephant.id or 0, ctx.person.id or 0)
    return Reply(f"No more news of {elephant.short_id}." if removed else
                 f"You weren't following {elephant.short_id}.")


async def _change(ctx: CommandContext, elephant: Elephant, status: ElephantStatus, *,
                  owner: Person | None = None, note: str | None = None) -> Elephant:
    """The change, made only if nobody changed the status since it was read (two people
    acting at once: the second is told, and changes nothing)."""
    async with ctx.services.db.session() as session:
        changed = await elephants.change_status(
            session, elephant.id or 0, expected=elephant.status, status=status,
            now=ctx.services.clock.now(), owner_id=owner.id if owner else None, note=note)
    async with ctx.services.db.session() as session:
        stored = await elephants.by_number(session, ctx.workspace.id or 0, elephant.number)
    assert stored is not None
    if not changed:
        raise UserError(f"{stored.short_id} changed meanwhile: it is "
                        f"{status_label(stored).lower()} now. Nothing was changed; look again.",
                        example=f"elephant show {stored.short_id}")
    return stored


def _split(args: str, usage: str, example: str) -> tuple[str, str]:
    word, _, rest = args.strip().partition(" ")
    if not word:
        raise UserError(f"Name the elephant: {usage}.", example=example)
    return word, rest.strip()


async def ack(ctx: CommandContext) -> Response:
    example = "elephant ack E-3 @ana"
    word, rest = _split(ctx.args, "ack E-<n> [@owner]", example)
    elephant = await elephant_named(ctx, word, example)
    if rest and not ctx.invocation.people:
        raise UserError(f"Mention the owner with @ (`ack {elephant.short_id} @ana`); "
                        "nothing was changed.", example=example)
    await _require_changer(ctx, elephant)
    if elephant.status in CLOSED:
        raise UserError(f"{elephant.short_id} is {status_label(elephant).lower()}; reopen it "
                        "first.", example=f"elephant reopen {elephant.short_id}")
    owner = await _owner_named(ctx)
    if elephant.status is not ElephantStatus.REPORTED and elephant.owner_id == owner.id:
        return Reply(f"{owner.display_name} owns {elephant.short_id} already (still "
                     f"{status_label(elephant).lower()}); nothing changed.")
    changed = await _change(ctx, elephant, ElephantStatus.ACKNOWLEDGED
                            if elephant.status is ElephantStatus.REPORTED else elephant.status,
                            owner=owner)
    if elephant.status is ElephantStatus.REPORTED:
        said = f"{ctx.person.display_name} acknowledged it; {owner.display_name} owns it."
        answer = f"{changed.short_id} is acknowledged; {owner.display_name} owns it."
    else:
        said = f"{ctx.person.display_name} made {owner.display_name} its owner."
        answer = (f"{owner.display_name} owns {changed.short_id} now (still "
                  f"{status_label(changed).lower()}).")
    await announce(ctx, changed, said)
    return Reply(answer)


async def addressing(ctx: CommandContext) -> Response:
    word, _ = _split(ctx.args, "addressing E-<n>", "elephant addressing E-3")
    elephant = await elephant_named(ctx, word, "elephant addressing E-3")
    await _require_changer(ctx, elephant)
    if elephant.status in CLOSED:
        raise UserError(f"{elephant.short_id} is {status_label(elephant).lower()}; reopen it "
                        "first.", example=f"elephant reopen {elephant.short_id}")
    changed = await _change(ctx, elephant, ElephantStatus.ADDRESSING,
                            owner=ctx.person if elephant.owner_id is None else None)
    await announce(ctx, changed, f"{ctx.person.display_name} is addressing it now.")
    return Reply(f"{changed.short_id} is being addressed.")


async def _close(ctx: CommandContext, status: ElephantStatus, verb: str) -> Response:
    example = f"elephant {verb} E-3 " + ("Deal registration now names the partner first"
                                         if status is ElephantStatus.RESOLVED
                                         else "Pricing is set by the distributor")
    word, note = _split(ctx.args, f"{verb} E-<n> <what was done>", example)
    elephant = await elephant_named(ctx, word, example)
    await _require_changer(ctx, elephant)
    if not note:
        raise UserError(f"Say what was done (or why not): `{verb} {elephant.short_id} "
                        "<note>`; the reporter reads it.", example=example)
    if len(note) > NOTE_MAX:
        raise UserError(f"Keep the note under {NOTE_MAX} characters.", example=example)
    if elephant.status is status:
        raise UserError(f"{elephant.short_id} is already {status_label(elephant).lower()}.",
                        example=f"elephant show {elephant.short_id}")
    changed = await _change(ctx, elephant, status, note=note)
    label = status_label(changed).lower()
    await announce(ctx, changed, f"{ctx.person.display_name} marked it {label}: {note}")
    return Reply(f"{changed.short_id} is {label}.")


async def resolve(ctx: CommandContext) -> Response:
    return await _close(ctx, ElephantStatus.RESOLVED, "resolve")


async def wontfix(ctx: CommandContext) -> Response:
    return await _close(ctx, ElephantStatus.WONT_FIX, "wontfix")


async def reopen(ctx: CommandContext) -> Response:
    word, _ = _split(ctx.args, "reopen E-<n>", "elephant reopen E-3")
    elephant = await elephant_named(ctx, word, "elephant reopen E-3")
    await _require_changer(ctx, elephant)
    if elephant.status not in CLOSED:
        raise UserError(f"{elephant.short_id} is still open ({status_label(elephant).lower()}).",
                        example=f"elephant show {elephant.short_id}")
    status = ElephantStatus.ACKNOWLEDGED if elephant.owner_id else ElephantStatus.REPORTED
    changed = await _change(ctx, elephant, status, note="")  # the old resolution is gone
    await announce(ctx, changed, f"{ctx.person.display_name} reopened it.")
    return Reply(f"{changed.short_id} is open again ({status_label(changed).lower()}).")
