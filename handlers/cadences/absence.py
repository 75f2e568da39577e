"""`skip`, `ooo` and `back`: days a person is not asked, in their own local calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.core.dates import day_label, parse_date
from bot.core.errors import UserError
from bot.core.responses import Reply, Response
from handlers.cadences.access import is_open, local_today, takes_part, zone_for
from handlers.cadences.answer_post import skip_occurrence
from handlers.cadences.calendar import Rules, is_cadence_day
from handlers.cadences.kinds import Family
from handlers.cadences.names import name_argument, named_cadence
from handlers.cadences.parent import refresh_parent
from handlers.cadences.parsing import parse_clock
from handlers.cadences.status import DayAnswers, standing_of
from handlers.cadences.subjects import asked_by, asked_on
from handlers.common.context import CommandContext
from storage.cadences import absences
from storage.cadences import repository as cadences
from storage.cadences.models import Answer, AnswerStatus, Cadence, Occurrence

OOO_MAX_DAYS = 366
FILLER_WORDS = frozenset({"from", "to", "-", "through"})


def ooo_example(family: Family, today: date) -> str:
    """`ooo until <two weeks from today>`: an example that is never in the past."""
    return family.example(f"ooo until {today + timedelta(days=14):%Y-%m-%d}")


def _date(text: str, family: Family, today: date) -> date:
    try:
        return parse_date(text)
    except ValueError as problem:
        said = str(problem)
        raise UserError(f"{said[0].upper()}{said[1:]}.",
                        example=ooo_example(family, today)) from None


@dataclass(frozen=True)
class Today:
    """A cadence the person takes part in, and its day for them today (their own zone)."""

    cadence: Cadence
    day: date
    occurrence: Occurrence | None  # None until the day's first prompt went out


async def _todays(ctx: CommandContext, only: Cadence | None) -> list[Today]:
    now = ctx.services.clock.now()
    async with ctx.services.db.session() as session:
        every = [only] if only else list(await cadences.all_cadences(session,
                                                                     ctx.workspace.id or 0))
    found = []
    for cadence in every:
        if not await takes_part(ctx.services, cadence, ctx.person):
            continue
        day = now.astimezone(zone_for(ctx.services, ctx.person, cadence)).date()
        async with ctx.services.db.session() as session:
            occurrence = await cadences.occurrence(session, cadence.id or 0, day)
        found.append(Today(cadence, day, occurrence))
    return found


def _asks_that_day(today: Today) -> bool:
    """Whether the cadence asks anything that day (its days, weekends, holidays, pause)."""
    if today.cadence.paused:
        return False
    try:
        return is_cadence_day(Rules.of(today.cadence), today.day)
    except ValueError:
        return False


def _closes(ctx: CommandContext, today: Today) -> datetime:
    """When the person's window of that day closes, in their zone for the cadence."""
    zone = zone_for(ctx.services, ctx.person, today.cadence)
    return datetime.combine(today.day, parse_clock(today.cadence.close_time), zone)


async def skip(ctx: CommandContext, family: Family) -> Response:
    """Not asked today, by every cadence or the one named. A day already answered stays
    answered (skip never withdraws an answer): it is refused for that cadence."""
    name = name_argument(ctx.args)
    only = await named_cadence(ctx.services, ctx.workspace, family, name, "skip",
                               viewer=ctx.person) if name else None
    if only is not None and not await takes_part(ctx.services, only, ctx.person):
        raise UserError(f"You don't take part in {only.name}, so there is nothing to skip.")
    now = ctx.services.clock.now()
    skipped, answered, quiet, closed = [], [], [], []
    rest: list[str] = []  # check-ins partly answered: only the partners left are skipped
    for today in await _todays(ctx, only):
        given = await _given(ctx, today)
        asked = await asked_on(ctx.services, today.cadence, today.occurrence,
                               [ctx.person.id or 0]) if today.occurrence \
            else await asked_by(ctx.services, today.cadence, [ctx.person.id or 0])
        if not asked.of(ctx.person.id or 0):  # a check-in with nothing to ask them
            quiet.append(today.cadence.name)
            continue
        standing = standing_of(DayAnswers(given), ctx.person.id or 0,
                               asked.of(ctx.person.id or 0))
        # Every partner of the day answered (or skipped): nothing is left to skip.
        if standing.status is AnswerStatus.ANSWERED:
            answered.append(today.cadence.name)
            continue
        closes = _closes(ctx, today)
        # A day that closed before the cadence existed asked nobody: nothing to skip either.
        if not _asks_that_day(today) or closes <= today.cadence.created_at:
            quiet.append(today.cadence.name)
            continue
        if closes <= now:
            closed.append(today.cadence.name)
            continue
        async with ctx.services.db.session() as session:
            await absences.add_absence(session, person=ctx.person, starts_on=today.day,
                                       ends_on=today.day, now=now, cadence_id=today.cadence.id)
        # A prompt that is already out shows the person as skipped, in the channel too.
        if today.occurrence is not None and is_open(today.occurrence, now):
            await skip_occurrence(ctx.services, ctx.workspace, ctx.person, today.cadence,
                                  today.occurrence)
        (rest if standing.partly else skipped).append(today.cadence.name)
    said = []
    if rest:
        said.append(f"Skipped the partners still open today in {', '.join(rest)}; your "
                    "answers about the others stay, so the day counts as answered.")
    if skipped:
        said.append(f"Skipped today ({day_label(local_today(ctx.services, ctx.person))}) for "
                    f"{', '.join(skipped)}: no prompt or reminder. "
                    f"`{family.command} back` undoes it.")
    if answered:
        said.append(f"You already answered {', '.join(answered)} today; answers stay as "
                    "they are, so that is not skipped.")
    if quiet:
        said.append(f"{', '.join(quiet)} does not ask you today, so there is nothing to "
                    "skip there.")
    if closed:
        said.append(f"{', '.join(closed)} has already closed for today, so there is nothing "
                    "left to skip.")
    if not said:
        said.append(f"You don't take part in any {family.noun}, so there is nothing to skip.")
    return Reply(" ".join(said))


async def _given(ctx: CommandContext, today: Today) -> list[Answer]:
    if today.occurrence is None:
        return []
    async with ctx.services.db.session() as session:
        return list(await cadences.answers(session, today.occurrence.id or 0))


async def _show_days(ctx: CommandContext, todays: list[Today], first: date,
                     last: date | None = None) -> None:
    """The report channels' messages of every open day from `first` (to `last`) show where
    the person stands now: a day in another zone may be open that is not their today."""
    now = ctx.services.clock.now()
    for today in todays:
        async with ctx.services.db.session() as session:
            days = await cadences.open_between(session, today.cadence.id or 0, first, last)
        for occurrence in days:
            if is_open(occurrence, now):
                await refresh_parent(ctx.services, today.cadence, ctx.workspace, occurrence)


def _ooo_range(words: list[str], today: date, family: Family) -> tuple[date, date]:
    words = [word for word in words if word.lower() not in FILLER_WORDS]
    example = ooo_example(family, today)
    if words and words[0].lower() == "until":
        if len(words) == 1:
            raise UserError("Say until when you are out.", example=example)
        return today, _date(" ".join(words[1:]), family, today)
    if len(words) == 1:
        day = _date(words[0], family, today)
        return day, day
    if len(words) == 2:
        return _date(words[0], family, today), _date(words[1], family, today)
    raise UserError("Say until when you are out, or the first and last day you are out.",
                    example=example)


async def ooo(ctx: CommandContext, family: Family) -> Response:
    """Out of office until a date (inclusive), or between two dates."""
    today = local_today(ctx.services, ctx.person)
    starts, ends = _ooo_range(ctx.args.split(), today, family)
    later = f"{today + timedelta(days=14):%Y-%m-%d}"  # as in ooo_example
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
        await absences.add_absence(session, person=ctx.person, starts_on=starts, ends_on=ends,
                                   now=ctx.services.clock.now())
    await _show_days(ctx, await _todays(ctx, None), starts, ends)
    span = day_label(starts) if starts == ends else f"{day_label(starts)} to {day_label(ends)}"
    return Reply(f"Out of office {span}, inclusive: no prompts or reminders from any cadence. "
                 f"`{family.command} back` ends it early.")


async def back(ctx: CommandContext, family: Family) -> Response:
    """Back from today, for every cadence: out of office and skips end, today's skips are
    taken back (the day shows you as waiting again), answers stay."""
    today = local_today(ctx.services, ctx.person)
    async with ctx.services.db.session() as session:
        ended = await absences.end_absences(session, ctx.person.id or 0, today)
        planned = await absences.planned_absences(session, ctx.person.id or 0, today)
    # Coming back today says nothing about a trip already planned: it stays, and is named.
    later = "".join(f" Your time away from {day_label(absence.starts_on)} to "
                    f"{day_label(absence.ends_on)} still stands." for absence in planned)
    todays = await _todays(ctx, None)
    withdrawn = 0
    now = ctx.services.clock.now()
    for day in todays:
        if day.occurrence is not None and is_open(day.occurrence, now):
            async with ctx.services.db.session() as session:
                withdrawn += await cadences.withdraw_skips(session, day.occurrence.id or 0,
                                                           ctx.person.id or 0)
    if not ended and not withdrawn:
        return Reply(f"You weren't away or skipping today, so nothing changed.{later}")
    await _show_days(ctx, todays, today)
    return Reply(f"Welcome back. From today ({day_label(today)}) every cadence asks you "
                 f"again; a day still open can be answered now.{later}")
