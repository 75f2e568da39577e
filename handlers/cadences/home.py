"""The cadences' part of a person's home: today's questions still waiting for their answer,
each with its Answer button."""

from __future__ import annotations

from bot.core.cards import Actions, Block, Button, ButtonStyle, Text
from handlers.cadences.access import is_open, takes_part, zone_for
from handlers.cadences.cards import answer_value
from handlers.cadences.ids import CadenceAction
from handlers.cadences.kinds import kind_label
from handlers.cadences.subjects import asked_on
from handlers.common.context import CommandContext
from storage.cadences import repository as cadences

MOST_BUTTONS = 5  # a row of buttons platforms show whole


async def waiting_for_you(ctx: CommandContext) -> tuple[Block, ...]:
    now = ctx.services.clock.now()
    async with ctx.services.db.session() as session:
        every = await cadences.all_cadences(session, ctx.workspace.id or 0)
    lines, buttons = [], []
    for cadence in every:
        if cadence.paused or not await takes_part(ctx.services, cadence, ctx.person):
            continue
        today = now.astimezone(zone_for(ctx.services, ctx.person, cadence)).date()
        async with ctx.services.db.session() as session:
            occurrence = await cadences.occurrence(session, cadence.id or 0, today)
            given = await cadences.answers(session, occurrence.id or 0) if occurrence else []
        if occurrence is None or not is_open(occurrence, now):
            continue
        done = {answer.partner_id for answer in given if answer.person_id == ctx.person.id}
        asked = await asked_on(ctx.services, cadence, occurrence, [ctx.person.id or 0])
        for subject in asked.of(ctx.person.id or 0):
            if subject.partner_id in done:
                continue
            about = f" about {subject.name}" if subject.name else ""
            lines.append(f"- {cadence.name}{about} ({kind_label(cadence.kind)})")
            buttons.append(Button(f"Answer {subject.name or cadence.name}"[:75],
                                  CadenceAction.ANSWER,
                                  answer_value(occurrence.id or 0, subject.partner_id),
                                  ButtonStyle.PRIMARY))
    if not lines:
        return ()
    return (Text("**Waiting for your answer**\n" + "\n".join(lines), markup=True),
            Actions(tuple(buttons[:MOST_BUTTONS])))
