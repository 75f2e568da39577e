"""`report`: who answered one day of a cadence, what they said, and their streaks."""

from __future__ import annotations

import re
from datetime import date

from bot.core.cards import Block, Card, Context, Divider, Fields, Picture, Text
from bot.core.commands import excerpt
from bot.core.dates import day_label, parse_date
from bot.core.errors import UserError
from bot.core.responses import Reply, Response
from handlers.cadences.access import is_open, local_today, refuse_partner_contact
from handlers.cadences.calendar import Rules, holiday_name, local_date
from handlers.cadences.cards import occurrence_label
from handlers.cadences.history import latest_occurrence, streaks
from handlers.cadences.ids import CadenceMessage, person_of_key
from handlers.cadences.kinds import KINDS, Family, kind_label
from handlers.cadences.names import family_cadences, find_named, name_argument
from handlers.cadences.parsing import WEEKEND, asked_questions
from handlers.cadences.participants import participants_of, people_of_day, zone_of
from handlers.cadences.participation import participation_chart, rate_text, weekly_participation
from handlers.cadences.status import DayAnswers, Standing, standing_of, status_of
from handlers.cadences.subjects import asked_by, asked_on
from handlers.cadences.summary import next_text, schedule_text
from handlers.cadences.tallies import tally
from handlers.common.context import CommandContext, Services
from handlers.common.questions import Question, QuestionType
from storage.cadences import absences
from storage.cadences import repository as cadences
from storage.cadences.models import Answer, AnswerStatus, Cadence, Occurrence
from storage.common.models import Partner, Person, Workspace
from storage.common.people import PersonRow
from storage.ledger import repository as ledger
from storage.partners import repository as partners

DATE_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


def _split_date(words: list[str], family: Family) -> tuple[str, date | None]:
    if not words or not DATE_LIKE.match(words[-1]):
        return " ".join(words), None
    try:
        return " ".join(words[:-1]), parse_date(words[-1])
    except ValueError as problem:
        raise UserError(f"{str(problem)[0].upper()}{str(problem)[1:]}.",
                        example=family.example("report 2026-11-23")) from None


async def _by_partner(services: Services, workspace: Workspace, family: Family, name: str
                      ) -> tuple[Cadence, Partner] | None:
    """The partner called `name`, and the check-in that asks about it: one listing it, else
    one asking its owner about the partners they own."""
    async with services.db.session() as session:
        partner = await partners.by_name(session, workspace.id or 0, name)
    if partner is None:
        return None
    by_owner: Cadence | None = None
    for cadence in await family_cadences(services, workspace, family):
        if not KINDS[cadence.kind].about_partners:
            continue
        asked = await asked_by(services, cadence, [partner.owner_id or 0])
        if asked.listed is not None and any(p.id == partner.id for p in asked.listed):
            return cadence, partner
        if asked.by_owner and by_owner is None:
            by_owner = cadence
    return (by_owner, partner) if by_owner is not None else None


async def _target(services: Services, workspace: Workspace, family: Family,
                  name: str) -> tuple[Cadence, Partner | None]:
    """The cadence to report on, and the partner to narrow it to (check-ins)."""
    every = await family_cadences(services, workspace, family)
    names = ", ".join(cadence.name for cadence in every)
    if not every:
        raise UserError(f"No {family.plural} are set up yet, so there is nothing to report. "
                        "An admin can start one with setup.", example=family.example("setup"))
    if not name:
        if len(every) == 1:
            return every[0], None
        raise UserError(f"Which one? {family.plural.capitalize()}: {names}.",
                        example=family.example(f"report {every[0].name}"))
    cadence = await find_named(services, workspace, family, name)
    if cadence is not None:
        return cadence, None
    if family.reports_by_partner and (found := await _by_partner(services, workspace, family,
                                                                 name)):
        return found
    partners = " or a partner" if family.reports_by_partner else ""
    raise UserError(f"There is no {family.noun} called '{excerpt(name)}'. Name one of: {names}"
                    f"{partners}.", example=family.example(f"report {every[0].name}"))


def _why_not(cadence: Cadence, day: date) -> str:
    """Why a cadence asked nobody on `day`, as far as its calendar tells."""
    try:
        rules = Rules.of(cadence)
    except ValueError:
        return "its schedule cannot be read"
    if not rules.schedule.includes(day, rules.weekdays):
        return f"not one of its days: {schedule_text(cadence)}"
    if rules.skip_weekends and day.weekday() in WEEKEND:
        return "weekends are skipped"
    if holiday := holiday_name(rules.holiday_country, day):
        return f"{holiday} is a public holiday in {rules.holiday_country}"
    return "it was paused, or everyone was away"


async def _occurrence(ctx: CommandContext, family: Family, cadence: Cadence,
                      day: date | None) -> Occurrence:
    today = local_today(ctx.services, ctx.person)
    zone = zone_of(ctx.person, ctx.services, cadence)
    if day is not None and day > today:
        raise UserError(f"{day_label(day)} is in the future (today is {day_label(today)} "
                        "where you are), so there is nothing to report yet.",
                        example=family.example(f"report {cadence.name} {today:%Y-%m-%d}"))
    created = local_date(cadence.created_at, zone)
    if day is not None and day < created:
        raise UserError(f"{cadence.name} was set up on {day_label(created)}, so it has no "
                        f"{day_label(day)}.",
                        example=family.example(f"report {cadence.name} {created:%Y-%m-%d}"))
    latest = await latest_occurrence(ctx.services, cadence.id or 0, today)
    if latest is None:
        upcoming = next_text(cadence, ctx.services.clock.now(), zone)
        when = f"; its next day is {upcoming}" if upcoming else ""
        raise UserError(f"{cadence.name} has not run yet (or not in the last two months)"
                        f"{when}.", example=family.example("list"))
    if day is None:
        return latest
    async with ctx.services.db.session() as session:
        found = await cadences.occurrence(session, cadence.id or 0, day)
    if found is None:
        raise UserError(f"{cadence.name} did not run on {day_label(day)} "
                        f"({_why_not(cadence, day)}).",
                        example=family.example(f"report {cadence.name} "
                                               f"{latest.local_date:%Y-%m-%d}"))
    return found


def _answer_text(person: Person | PersonRow, answer: Answer, questions: list[Question]) -> Text:
    heading = f"{person.display_name} about {answer.subject}" if answer.subject \
        else person.display_name
    given = [str(item) for item in answer.answers]
    lines = [heading]
    for question, reply in zip(questions, given, strict=False):
        shown = question.label(reply) if reply else "—"
        if question.type is not QuestionType.TEXT:  # one word or number: on the same line
            lines.append(f"• {question.text} {shown}")
            continue
        lines.append(f"• {question.text}")
        lines.extend(f"    {line}" for line in shown.splitlines())
    return Text("\n".join(lines))


def _tallies(questions: list[Question], shown: list[Answer]) -> Fields | None:
    """Each choice or number question summed up over the answers shown."""
    rows = []
    for index, question in enumerate(questions):
        values = [str(answer.answers[index]) for answer in shown if index < len(answer.answers)]
        if summed := tally(question, values):
            rows.append((question.text, summed))
    return Fields(tuple(rows)) if rows else None


async def _unreached(services: Services, occurrence: Occurrence,
                     names: dict[int | None, Person | PersonRow]) -> list[str]:
    """"- Quinn: why", for each person the day's prompt could never reach."""
    async with services.db.session() as session:
        found = await ledger.undeliverable_in(session, f"occurrence:{occurrence.id}",
                                              (CadenceMessage.PROMPT.value,))
    lines = []
    for key, why in sorted(found.items()):
        person = names.get(person_of_key(key))
        lines.append(f"- {person.display_name if person else 'someone who left'}: {why}")
    return lines


async def report_card(services: Services, cadence: Cadence, occurrence: Occurrence,
                      partner: Partner | None) -> Card:
    """The day's attendance and answers; about one partner, only those asked about it."""
    async with services.db.session() as session:
        given = list(await cadences.answers(session, occurrence.id or 0))
    members = await participants_of(services, cadence)
    everyone = await people_of_day(services, cadence, occurrence, given, members)
    ids = [person.id or 0 for person in everyone]
    async with services.db.session() as session:
        away = await absences.absent_on(session, ids, occurrence.local_date, cadence.id or 0)
    now = services.clock.now()
    still_open = is_open(occurrence, now)
    runs = await streaks(services, cadence, occurrence, ids, now)
    labels = {AnswerStatus.ANSWERED: "answered", AnswerStatus.SKIPPED: "skipped"}
    rows: list[tuple[str, str]] = []
    counted = dict.fromkeys(("answered", "partly answered", "skipped", "out", "no answer",
                             "waiting"), 0)
    asked = await asked_on(services, cadence, occurrence, ids)
    answering = {answer.person_id for answer in given
                 if partner is None or answer.partner_id == partner.id}
    by_person = DayAnswers(given)
    for person in list(everyone):
        subjects = asked.of(person.id or 0)
        if partner is not None:
            subjects = tuple(subject for subject in subjects if subject.partner_id == partner.id)
        if not subjects and person.id not in answering:
            everyone.remove(person)  # not asked (about that partner) that day
            continue
        # About one partner, that partner's answer; over the day, every partner's.
        standing = Standing(status_of(by_person, person.id or 0, partner.id), 0, 1) \
            if partner else standing_of(by_person, person.id or 0, subjects)
        status = standing.status
        label = labels[status] if status else "out" if person.id in away \
            else "waiting" if still_open else \
            "partly answered" if standing.partly else "no answer"
        counted[label] += 1
        rows.append((person.display_name,
                     f"{label}{standing.progress} · streak {runs[person.id or 0]}"))
    names = {person.id: person for person in everyone}
    questions = asked_questions(occurrence, cadence)
    shown = [answer for answer in given if answer.status is AnswerStatus.ANSWERED
             and (partner is None or answer.partner_id == partner.id)
             and answer.person_id in names]
    tally = " · ".join(f"{count} {label}" for label, count in counted.items() if count)
    state = "open" if still_open else "closed"
    about = f" · {partner.name}" if partner else ""
    blocks: list[Block] = [
        Fields(tuple(rows)) if rows else Text("Nobody takes part."),
        Context(f"{kind_label(cadence.kind).capitalize()} · {state} · {tally or 'no one'} · "
                "streak = answered days in a row"),
    ]
    if unreached := await _unreached(services, occurrence, names):
        blocks.append(Text("**Could not be reached**\n" + "\n".join(unreached), markup=True))
    if summed := _tallies(questions, shown):
        blocks.append(summed)
    if partner is None:  # the whole cadence's weeks; one partner's would be a person's
        weeks = await weekly_participation(services, cadence, occurrence.local_date, members)
        blocks.extend((Picture(participation_chart(cadence.name, weeks)),
                       Context(f"Participation: {rate_text(weeks)}.")))
    if shown:
        blocks.append(Divider())
        blocks.extend(_answer_text(names[answer.person_id], answer, questions)
                      for answer in shown)
    return Card(summary=f"{cadence.name}{about} on {occurrence_label(occurrence)}: "
                        f"{counted['answered']} of {len(everyone)} answered",
                title=f"{cadence.name}{about}: {occurrence_label(occurrence)}",
                blocks=tuple(blocks))


async def report(ctx: CommandContext, family: Family) -> Response:
    refuse_partner_contact(ctx.person, f"{family.noun.capitalize()} reports")
    name, day = _split_date(ctx.args.split(), family)
    name = name_argument(name)
    cadence, partner = await _target(ctx.services, ctx.workspace, family, name)
    occurrence = await _occurrence(ctx, family, cadence, day)
    return Reply(await report_card(ctx.services, cadence, occurrence, partner))
