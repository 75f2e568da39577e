"""`skip`, `ooo` and `back`: days a person is not asked, in their own local calendar."""

from __future__ import annotations

from datetime import date, timedelta

from bot.core.dates import day_label, parse_date
from bot.core.errors import UserError
from bot.core.responses import Reply, Response
from handlers.cadences.access import is_open, local_today, takes_part, zone_for
from handlers.cadences.answer_post import skip_occurrence
from handlers.cadences.kinds import Family
from handlers.cadences.names import name_argument, named_cadence
from handlers.common.context import CommandContext
from storage.cadences import repository as cadences

OOO_MAX_DAYS = 366
FILLER_WORDS = frozenset({"from", "to", "-", "through"})


def _date(text: str, family: Family) -> date:
    try:
        return parse_date(text)
    except ValueError as problem:
        raise UserError(f"{str(problem)[0].upper()}{str(problem)[1:]}.",
                        example=family.example("ooo until 2026-12-24")) from None


async def skip(ctx: CommandContext, family: Family) -> Response:
    """Not asked today: by every cadence, or by the one named."""
    today = local_today(ctx.services, ctx.person)
    name = name_argument(ctx.args)
    only = await named_cadence(ctx.services, ctx.workspace, family, name, "skip") \
        if name else None
    now = ctx.services.clock.now()
    async with ctx.services.db.session() as session:
        every = [only] if only else list(await cadences.all_cadences(session,
                                                                     ctx.workspace.id or 0))
    for cadence in every:
        # "Today" as this cadence schedules the person (their zone, else the cadence's).
        day = now.astimezone(zone_for(ctx.services, ctx.person, cadence)).date()
        async with ctx.services.db.session() as session:
            await cadences.add_absence(session, person=ctx.person, starts_on=day, ends_on=day,
                                       now=now, cadence_id=cadence.id)
            occurrence = await cadences.occurrence(session, cadence.id or 0, day)
        # Today's prompts that are already out show the person as skipped, not as silent.
        if occurrence is not None and is_open(occurrence, now) and \
                await takes_part(ctx.services, cadence, ctx.person):
            await skip_occurrence(ctx.services, ctx.workspace, ctx.person, cadence, occurrence)
    which = only.name if only else "every cadence you take part in"
    return Reply(f"Skipped today ({day_label(today)}) for {which}. "
                 f"`{family.command} back` undoes it.")


def _ooo_range(words: list[str], today: date, family: Family) -> tuple[date, date]:
    words = [word for word in words if word.lower() not in FILLER_WORDS]
    example = family.example("ooo until 2026-12-24")
    if words and words[0].lower() == "until":
        if len(words) == 1:
            raise UserError("Say until when you are out.", example=example)
        return today, _date(" ".join(words[1:]), family)
    if len(words) == 1:
        day = _date(words[0], family)
        return day, day
    if len(words) == 2:
        return _date(words[0], family), _date(words[1], family)
    raise UserError("Say until when you are out, or the first and last day you are out.",
                    example=example)


async def ooo(ctx: CommandContext, family: Family) -> Response:
    """Out of office until a date (inclusive), or between two dates."""
    today = local_today(ctx.services, ctx.person)
    starts, ends = _ooo_range(ctx.args.split(), today, family)
    later = f"{today + timedelta(days=14):%Y-%m-%d}"
    if ends < today:
        raise UserError(f"{ends:%Y-%m-%d} is in the past (today is {today:%Y-%m-%d} where you "
                        "are); give the last day you will be out.",
                        example=family.example(f"ooo until {later}"))
    if ends < starts:
        raise UserError(f"The last day ({ends:%Y-%m-%d}) is before the first "
                        f"({starts:%Y-%m-%d}); give the first day, then the last.",
                        example=family.example(f"ooo {today:%Y-%m-%d} {later}"))
    if (ends - starts).days >= OOO_MAX_DAYS:
        raise UserError("That is more than a year; ask an admin to take you off the cadence "
                        "instead.", example=family.example(f"ooo until {later}"))
    async with ctx.services.db.session() as session:
        await cadences.add_absence(session, person=ctx.person, starts_on=starts, ends_on=ends,
                                   now=ctx.services.clock.now())
    span = day_label(starts) if starts == ends else f"{day_label(starts)} to {day_label(ends)}"
    return Reply(f"Out of office {span}, inclusive: no prompts or reminders from any cadence. "
                 f"`{family.command} back` ends it early.")


async def back(ctx: CommandContext, family: Family) -> Response:
    today = local_today(ctx.services, ctx.person)
    async with ctx.services.db.session() as session:
        ended = await cadences.end_absences(session, ctx.person.id or 0, today)
    if not ended:
        return Reply("You weren't marked away, so nothing changed.")
    return Reply(f"Welcome back. From today ({day_label(today)}) you are asked again.")
