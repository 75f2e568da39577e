"""`list`, `pause`, `resume` and `delete`: the cadences of one command, kept by admins."""

from __future__ import annotations

from bot.core.cards import Card, Context, Fields
from bot.core.responses import Reply, Response
from bot.core.words import counted
from handlers.cadences.access import refuse_partner_contact
from handlers.cadences.kinds import Family, kind_label
from handlers.cadences.names import family_cadences, name_argument, named_cadence
from handlers.cadences.parent import report_channel
from handlers.cadences.participants import participant_channel_label, zone_of
from handlers.cadences.summary import next_text, participants_text, schedule_text, state_text
from handlers.common.channels import named
from handlers.common.context import CommandContext
from storage.cadences import repository as cadences
from storage.insight import repository as insight


async def list_cadences(ctx: CommandContext, family: Family) -> Response:
    refuse_partner_contact(ctx.person, family.plural.capitalize())
    found = await family_cadences(ctx.services, ctx.workspace, family)
    if not found:
        return Reply(f"No {family.plural} are set up yet. An admin can start one with "
                     f"`{family.command} setup`.")
    rows: list[tuple[str, str]] = []
    for cadence in found:
        async with ctx.services.db.session() as session:
            count = len(await cadences.participants(session, cadence.id or 0))
        kind = f"{kind_label(cadence.kind)} · " if len(family.kinds) > 1 else ""
        channel = await named(ctx.services, report_channel(cadence, ctx.workspace))
        everyone = await participant_channel_label(ctx.services, cadence, ctx.workspace)
        rows.append((cadence.name, f"{kind}{schedule_text(cadence)} · {channel.label} · "
                                   f"{participants_text(count, everyone)} · "
                                   f"{state_text(cadence)}"))
    return Reply(Card(summary=counted(len(found), family.noun, family.plural),
                      title=family.plural.capitalize(),
                      blocks=(Fields(tuple(rows)),
                              Context("Times are each participant's local time. "
                                      f"`{family.command} report <name>` shows answers."))))


async def _set_paused(ctx: CommandContext, family: Family, paused: bool) -> Response:
    word = "pause" if paused else "resume"
    cadence = await named_cadence(ctx.services, ctx.workspace, family,
                                  name_argument(ctx.args), word)
    if cadence.paused == paused:
        return Reply(f"{cadence.name} is already {state_text(cadence)}.")
    async with ctx.services.db.session() as session:
        stored = await cadences.get(session, cadence.id or 0)
        if stored is not None:
            stored.paused, stored.updated_at = paused, ctx.services.clock.now()
            await cadences.save(session, stored)
    ctx.services.schedule_changed()
    if paused:
        return Reply(f"Paused {cadence.name}: nobody is asked until "
                     f"`{family.command} resume {cadence.name}`.")
    cadence.paused = False
    when = next_text(cadence, ctx.services.clock.now(),
                     zone_of(ctx.person, ctx.services, cadence))
    return Reply(f"Resumed {cadence.name}: it runs again "
                 + (f"on {when}" if when else "on its next day")
                 + f"; {schedule_text(cadence)}.")


async def pause(ctx: CommandContext, family: Family) -> Response:
    return await _set_paused(ctx, family, True)


async def resume(ctx: CommandContext, family: Family) -> Response:
    return await _set_paused(ctx, family, False)


CONFIRM = "confirm"


async def delete(ctx: CommandContext, family: Family) -> Response:
    """Deleting drops every day and answer with it: it asks for a confirming word first."""
    words = ctx.args.split()
    confirmed = len(words) > 1 and words[-1].lower() == CONFIRM
    typed = " ".join(words[:-1]) if confirmed else ctx.args
    cadence = await named_cadence(ctx.services, ctx.workspace, family,
                                  name_argument(typed), "delete")
    async with ctx.services.db.session() as session:
        watching = [person.display_name
                    for person in await insight.observers_of(session, cadence.id or 0)]
    observed = f" Its observers ({', '.join(watching)}) stop getting its participation." \
        if watching else ""
    if not confirmed:
        async with ctx.services.db.session() as session:
            days = await cadences.count_occurrences(session, cadence.id or 0)
        plural = "day" if days == 1 else "days"
        return Reply(f"This deletes {cadence.name} with its {days} {plural} of answers, for good."
                     f"{observed} "
                     f"To go ahead: `{family.command} delete {cadence.name} {CONFIRM}`. "
                     f"`{family.command} pause {cadence.name}` stops it and keeps them.")
    async with ctx.services.db.session() as session:
        stored = await cadences.get(session, cadence.id or 0)
        if stored is not None:
            await cadences.delete_cadence(session, stored)
    ctx.services.schedule_changed()
    return Reply(f"Deleted {cadence.name}, with its days and answers. Nobody will be asked "
                 f"again; the messages already posted stay where they are.{observed}")
