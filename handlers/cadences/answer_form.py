"""Opening the answer form: from the prompt's Answer button, or `/standup` typed alone."""

from __future__ import annotations

from bot.core.commands import excerpt
from bot.core.errors import UserError
from bot.core.forms import Form
from bot.core.responses import OpenForm, Reply, Response
from handlers.cadences.access import (
    is_open,
    load_occurrence,
    require_open,
    require_participant,
    takes_part,
    zone_for,
)
from handlers.cadences.cards import AnswerTarget, read_answer_value
from handlers.cadences.ids import CadenceForm
from handlers.cadences.kinds import Family
from handlers.cadences.names import family_cadences, name_argument
from handlers.cadences.parsing import asked_questions
from handlers.cadences.participants import zone_of
from handlers.cadences.subjects import Asked, Subject, asked_on, by_partner_id, named_in
from handlers.cadences.summary import next_text, schedule_text
from handlers.common.context import ActionContext, CommandContext, Services
from handlers.common.questions import answer_field
from storage.cadences import repository as cadences
from storage.cadences.models import AnswerStatus, Cadence, Occurrence
from storage.common.models import Partner, Person, Role

OCCURRENCE_KEY = "occurrence"
# The partner by its row ("" for none): an edit of the partner list, or a rename, never
# moves an open form's answer to another partner.
PARTNER_KEY = "partner"
# Forms opened before partners were kept by row named the partner (and its place) instead.
LEGACY_POSITION_KEY, LEGACY_NAME_KEY = "subject", "subject_name"
TITLE_MAX = 24  # Slack cuts modal titles there


def answer_form(cadence: Cadence, occurrence: Occurrence, subject: Subject,
                earlier: list[str]) -> Form:
    """One field per question of that day, holding the earlier answer when editing."""
    fields = tuple(
        answer_field(index, question, earlier[index] or None if index < len(earlier) else None)
        for index, question in enumerate(asked_questions(occurrence, cadence)))
    title = subject.name or cadence.name
    return Form(id=CadenceForm.ANSWER, title=title[:TITLE_MAX], fields=fields,
                submit_label="Update" if earlier else "Post",
                context={OCCURRENCE_KEY: str(occurrence.id),
                         PARTNER_KEY: str(subject.partner_id or "")})


async def earlier_answers(services: Services, occurrence: Occurrence, person: Person,
                          subject: Subject) -> list[str]:
    async with services.db.session() as session:
        answer = await cadences.answer_of(session, occurrence.id or 0, person.id or 0,
                                          subject.partner_id)
    if answer is None or answer.status is not AnswerStatus.ANSWERED:
        return []
    return [str(item) for item in answer.answers]


async def asked_of(services: Services, cadence: Cadence, occurrence: Occurrence,
                   person: Person) -> Asked:
    """What `cadence` asks `person` about on that day; refused when a check-in has nothing
    to ask them."""
    asked = await asked_on(services, cadence, occurrence, [person.id or 0])
    if asked.of(person.id or 0):
        return asked
    raise UserError(asked.nothing_to_answer(cadence.name),
                    example="partner edit Northwind owner @you")


async def subjects_for(services: Services, cadence: Cadence, occurrence: Occurrence,
                       person: Person) -> tuple[Subject, ...]:
    return (await asked_of(services, cadence, occurrence, person)).of(person.id or 0)


def subject_of(subjects: tuple[Subject, ...], cadence: Cadence, target: AnswerTarget,
               listed: tuple[Partner, ...] | None = None) -> Subject:
    """The partner an Answer button points at, if the check-in still asks you about it."""
    if target.position is not None:
        # A button from before partners were kept by row: its place in the list as it was
        # then (archived partners kept their place), else among what is asked now.
        at = listed if listed is not None else tuple(s.partner for s in subjects)
        if 0 <= target.position < len(at) and (found := by_partner_id(
                subjects, at[target.position].id if at[target.position] else None)):
            return found
    elif found := by_partner_id(subjects, target.partner_id):
        return found
    raise UserError(f"{cadence.name} no longer asks you about that partner; use the latest "
                    "message, or type the command alone to answer.")


async def open_answer(services: Services, person: Person, cadence: Cadence,
                      occurrence: Occurrence, target: Subject | AnswerTarget | None = None
                      ) -> Response:
    """The answer form, once the person is known to take part and the day is still open:
    about `target`, else the first partner not answered yet."""
    await require_participant(services, cadence, person)
    require_open(services, cadence, occurrence, person)
    if isinstance(target, Subject):
        subject = target
    else:
        asked = await asked_of(services, cadence, occurrence, person)
        subjects = asked.of(person.id or 0)
        subject = subject_of(subjects, cadence, target, asked.listed) if target is not None \
            else await _first_unanswered(services, occurrence, person, subjects)
    earlier = await earlier_answers(services, occurrence, person, subject)
    return OpenForm(answer_form(cadence, occurrence, subject, earlier))


async def answer_pressed(ctx: ActionContext) -> Response:
    try:
        target = read_answer_value(ctx.action.value)
    except ValueError:
        raise UserError("That button is from an older version of PartnerOps; type the "
                        "command alone to answer.", example="standup") from None
    cadence, occurrence = await load_occurrence(ctx.services, ctx.workspace,
                                                target.occurrence_id)
    return await open_answer(ctx.services, ctx.person, cadence, occurrence, target)


async def _first_unanswered(services: Services, occurrence: Occurrence, person: Person,
                            subjects: tuple[Subject, ...]) -> Subject:
    """The first partner not answered yet today (all answered: the first, to edit)."""
    async with services.db.session() as session:
        given = await cadences.answers(session, occurrence.id or 0)
    done = {answer.partner_id for answer in given if answer.person_id == person.id
            and answer.status is AnswerStatus.ANSWERED}
    return next((subject for subject in subjects if subject.partner_id not in done),
                subjects[0])


async def _answer_about(ctx: CommandContext, family: Family, wanted: str,
                        candidates: list[tuple[Occurrence, Cadence]]) -> Response:
    """The answer form about the partner `wanted`, on an open check-in that asks about it."""
    named = name_argument(wanted)
    asked: set[str] = set()
    empty: list[str] = []  # open check-ins that ask this person nothing: why not
    for occurrence, cadence in sorted(candidates, key=lambda pair: pair[0].local_date,
                                      reverse=True):
        day = await asked_on(ctx.services, cadence, occurrence, [ctx.person.id or 0])
        subjects = day.of(ctx.person.id or 0)
        if found := named_in(subjects, named):
            return await open_answer(ctx.services, ctx.person, cadence, occurrence, found)
        asked.update(subject.name for subject in subjects if subject.name)
        if not subjects:
            empty.append(day.nothing_to_answer(cadence.name))
    if empty and not asked:
        raise UserError(empty[0], example="partner edit Northwind owner @you")
    shown = sorted(asked, key=str.casefold)
    where = f" Open now: {', '.join(shown)}." if shown else \
        f" None of your {family.plural} is open right now."
    raise UserError(f"No open {family.noun} asks you about '{excerpt(wanted)}'.{where}",
                    example=family.example(shown[0] if shown else "help"))


async def _not_taking_part(ctx: CommandContext, family: Family) -> str:
    """What to do when nothing is yours: set one up, join one, or ask (a partner contact is
    never told the vendor's internal cadences)."""
    if ctx.person.role is Role.PARTNER_CONTACT or ctx.person.is_external:
        return (f"You don't take part in any {family.noun}, so there is nothing to answer; "
                "when one asks you, the question comes as a direct message.")
    existing = await family_cadences(ctx.services, ctx.workspace, family)
    admin = ctx.person.role is Role.ADMIN
    if not existing:
        return (f"There are no {family.plural} yet. Set one up with `{family.command} setup`."
                if admin else f"There are no {family.plural} yet; an admin can set one up.")
    names = ", ".join(cadence.name for cadence in existing)
    if admin:
        return (f"You don't take part in any {family.noun} ({names}). Add yourself with "
                f"`{family.command} edit {existing[0].name}`.")
    return (f"You don't take part in any {family.noun}, so there is nothing to answer. "
            f"An admin can add you to one of: {names}.")


async def answer_now(ctx: CommandContext, family: Family) -> Response:
    """`/standup` alone: the open occurrence of a cadence the person takes part in; for a
    check-in, `/checkin Acme` answers about that partner."""
    wanted = ctx.args.strip()
    if wanted and not family.reports_by_partner:
        word = wanted.split()[0]
        raise UserError(f"'{family.command} {excerpt(word)}' is not something I can do. Type "
                        f"`{family.command} help` to see what is.",
                        example=family.example("help"))
    now = ctx.services.clock.now()
    mine: list[Cadence] = []
    candidates: list[tuple[Occurrence, Cadence]] = []
    for cadence in await family_cadences(ctx.services, ctx.workspace, family):
        if not await takes_part(ctx.services, cadence, ctx.person):
            continue
        mine.append(cadence)
        # The person's own day: with zones far apart, tomorrow's may already be open.
        today = now.astimezone(zone_for(ctx.services, ctx.person, cadence)).date()
        async with ctx.services.db.session() as session:
            occurrence = await cadences.occurrence(session, cadence.id or 0, today)
        if occurrence is not None and is_open(occurrence, now):
            candidates.append((occurrence, cadence))
    if wanted:
        return await _answer_about(ctx, family, wanted, candidates)
    if candidates:
        occurrence, cadence = max(candidates, key=lambda pair: (pair[0].local_date,
                                                                pair[0].close_at))
        return await open_answer(ctx.services, ctx.person, cadence, occurrence)
    if not mine:
        return Reply(await _not_taking_part(ctx, family))
    now = ctx.services.clock.now()

    def when(cadence: Cadence) -> str:
        if cadence.paused:
            return " (paused)"
        upcoming = next_text(cadence, now, zone_of(ctx.person, ctx.services, cadence))
        return f", next {upcoming}" if upcoming else ""

    listing = "; ".join(f"{cadence.name}: {schedule_text(cadence)}{when(cadence)}"
                        for cadence in mine)
    return Reply(f"No {family.noun} is open for you right now. The next prompt comes as a "
                 f"direct message at the usual time, your local time ({listing}).")
