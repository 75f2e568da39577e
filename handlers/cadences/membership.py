"""`add`, `remove` and `run`: one participant in or out without the form, and a cadence's
day sent now to try it."""

from __future__ import annotations

from datetime import datetime

from bot.core.conversation import Actor
from bot.core.errors import UserError
from bot.core.requests import without_mentions
from bot.core.responses import Reply, Response
from handlers.cadences.due import CadenceDay
from handlers.cadences.ids import CadenceMessage
from handlers.cadences.kinds import Family
from handlers.cadences.names import name_argument, named_cadence
from handlers.cadences.participants import participant_channel_label, participants_of
from handlers.common.context import CommandContext
from handlers.common.due import DueRun
from handlers.common.identity import resolve_person
from storage.cadences import repository as cadences
from storage.cadences.models import Cadence
from storage.common import people


def _mentioned(ctx: CommandContext, family: Family, word: str) -> tuple[str, ...]:
    if not ctx.invocation.people:
        raise UserError(f"Say who: mention them after the {family.noun}'s name.",
                        example=family.example(f"{word} {family.example_name} @bob"))
    return ctx.invocation.people


async def _cadence(ctx: CommandContext, family: Family, word: str) -> Cadence:
    cadence = await named_cadence(ctx.services, ctx.workspace, family,
                                  name_argument(without_mentions(ctx.args)), word)
    if cadence.platform != ctx.platform.value:
        raise UserError(f"{cadence.name} runs on {cadence.platform.title()}, where its people "
                        "are; add or remove them there.")
    return cadence


async def _names(ctx: CommandContext, user_ids: tuple[str, ...]) -> dict[str, int]:
    """The people mentioned, learned from the platform's directory where it has one."""
    found: dict[str, int] = {}
    for user_id in user_ids:
        person = await resolve_person(ctx.services, ctx.workspace, Actor(
            ctx.platform, user_id, workspace=ctx.workspace.external_id or ""))
        found[person.display_name or user_id] = person.id or 0
    return found


async def _named_ids(ctx: CommandContext, cadence: Cadence) -> list[int]:
    async with ctx.services.db.session() as session:
        return [person.id or 0 for person in
                await cadences.participants(session, cadence.id or 0)]


async def add(ctx: CommandContext, family: Family) -> Response:
    mentioned = _mentioned(ctx, family, "add")
    cadence = await _cadence(ctx, family, "add")
    named, current = await _names(ctx, mentioned), await _named_ids(ctx, cadence)
    new = {name: ident for name, ident in named.items() if ident not in current}
    if new:
        async with ctx.services.db.session() as session:
            await cadences.set_participants(session, cadence.id or 0,
                                            [*current, *new.values()],
                                            now=ctx.services.clock.now())
        ctx.services.schedule_changed()
    already = [name for name, ident in named.items() if ident in current]
    said = [f"Added {', '.join(new)} to {cadence.name}: asked from their next "
            f"{family.noun} on."] if new else []
    if already:
        said.append(f"{', '.join(already)} already take{'s' if len(already) == 1 else ''} "
                    "part.")
    return Reply(" ".join(said))


async def remove(ctx: CommandContext, family: Family) -> Response:
    mentioned = _mentioned(ctx, family, "remove")
    cadence = await _cadence(ctx, family, "remove")
    current = await _named_ids(ctx, cadence)
    async with ctx.services.db.session() as session:
        known = {user_id: await people.by_identity(session, ctx.workspace.id or 0,
                                                   ctx.platform.value, user_id)
                 for user_id in mentioned}
    leaving = {person.display_name: person.id for person in known.values()
               if person is not None and person.id in current}
    if leaving:
        async with ctx.services.db.session() as session:
            await cadences.set_participants(
                session, cadence.id or 0,
                [ident for ident in current if ident not in leaving.values()],
                now=ctx.services.clock.now())
        ctx.services.schedule_changed()
    said = [f"Removed {', '.join(leaving)} from {cadence.name}; their answers so far stay "
            "in its history."] if leaving else []
    if len(leaving) < len(mentioned):
        everyone = await participant_channel_label(ctx.services, cadence, ctx.workspace)
        channel = f" (everyone in {everyone} takes part too)" if everyone else ""
        said.append(f"{'Someone' if leaving else 'They'} you named {'was' if leaving else 'were'}"
                    f" not named on {cadence.name}{channel}.")
    return Reply(" ".join(said))


async def run_now(ctx: CommandContext, family: Family) -> Response:
    """Today's day of the cadence, now: everyone not asked today yet gets the prompt."""
    cadence = await named_cadence(ctx.services, ctx.workspace, family,
                                  name_argument(ctx.args), "run")
    now: datetime = ctx.services.clock.now()
    members = await participants_of(ctx.services, cadence)
    if not members:
        raise UserError(f"Nobody takes part in {cadence.name} yet; add someone first.",
                        example=family.example(f"add {cadence.name} @bob"))
    lease = await ctx.services.leases.process_lease()
    run = DueRun(ctx.services, now, lease)
    sent, closed = await CadenceDay(run, cadence, ctx.workspace).send_now(members)
    prompts = run.report.count("cadences", CadenceMessage.PROMPT)
    if run.report.failures:
        reason = run.report.failures[0].error
        return Reply(f"I could not send every prompt of {cadence.name} ({reason}); running it "
                     "again retries them.")
    already = sent - prompts
    if prompts:
        said = f"Sent {cadence.name} to {prompts} {'person' if prompts == 1 else 'people'} now."
        if already:
            said += f" {already} had already been asked today, so not again."
    elif already:
        said = (f"Nothing to send: everyone on {cadence.name} ({already}) was already asked "
                "today, and nobody is asked twice.")
    else:
        said = f"Nothing to send: nobody on {cadence.name} is due today."
    if closed:
        said += f" {closed} had passed today's close time where they are."
    return Reply(said)
