"""`add`, `remove` and `run`: one participant in or out without the form, and a cadence's
day sent now to try it."""

from __future__ import annotations

from datetime import datetime

from bot.core.conversation import Actor
from bot.core.errors import UserError
from bot.core.requests import without_mentions
from bot.core.responses import Reply, Response
from bot.core.words import counted
from handlers.cadences.due import CadenceDay
from handlers.cadences.ids import CadenceMessage
from handlers.cadences.kinds import Family
from handlers.cadences.names import name_argument, named_cadence
from handlers.cadences.participants import participant_channel_label, participants_of
from handlers.cadences.subjects import asked_by
from handlers.common.context import CommandContext
from handlers.common.due import DueRun
from handlers.common.identity import resolve_person
from storage.cadences import repository as cadences
from storage.cadences.models import Cadence


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
    # Looked up as `add` does, so whoever is not on the cadence can be named back too.
    named, current = await _names(ctx, mentioned), await _named_ids(ctx, cadence)
    leaving = {name: ident for name, ident in named.items() if ident in current}
    if leaving:
        async with ctx.services.db.session() as session:
            await cadences.set_participants(
                session, cadence.id or 0,
                [ident for ident in current if ident not in leaving.values()],
                now=ctx.services.clock.now())
        ctx.services.schedule_changed()
    said = [f"Removed {', '.join(leaving)} from {cadence.name}; their answers so far stay "
            "in its history."] if leaving else []
    if staying := [name for name, ident in named.items() if ident not in current]:
        everyone = await participant_channel_label(ctx.services, cadence, ctx.workspace)
        # With a participant channel they may still take part, only not by name.
        on = f"named on {cadence.name} (everyone in {everyone} takes part too)" if everyone \
            else f"on {cadence.name}"
        nobody = "" if leaving else ", so nobody was removed"
        said.append(f"{_listed(staying)} {'is' if len(staying) == 1 else 'are'} not "
                    f"{on}{nobody}.")
    return Reply(" ".join(said))


def _listed(names: list[str]) -> str:
    """"Bob", "Bob and Cem", "Bob, Cem and Dee"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


async def run_now(ctx: CommandContext, family: Family) -> Response:
    """Today's day of the cadence, now: everyone not asked today yet gets the prompt."""
    cadence = await named_cadence(ctx.services, ctx.workspace, family,
                                  name_argument(ctx.args), "run")
    now: datetime = ctx.services.clock.now()
    members = await participants_of(ctx.services, cadence)
    if not members:
        raise UserError(f"Nobody takes part in {cadence.name} yet; add someone first.",
                        example=family.example(f"add {cadence.name} @bob"))
    asked = await asked_by(ctx.services, cadence, [member.person.id or 0 for member in members])
    if not any(asked.of(member.person.id or 0) for member in members):
        reason = "none of its participants owns a partner, and it asks each about their own" \
            if asked.by_owner else "every partner it lists is archived"
        raise UserError(f"Nothing to send: {reason}.",
                        example="partner edit Northwind owner @ana" if asked.by_owner
                        else family.example(f"edit {cadence.name}"))
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
        said = f"Sent {cadence.name} to {counted(prompts, 'person', 'people')} now."
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
