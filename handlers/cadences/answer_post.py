"""Saving an answer or a skip, and the answer's one thread reply under the day's parent."""

from __future__ import annotations

import hashlib

from bot.core.cards import Card
from bot.core.conversation import MessageRef
from bot.core.errors import DeliveryError, FormErrors, UserError
from bot.core.responses import Reply, Response
from handlers.cadences.access import load_occurrence, require_open, require_participant
from handlers.cadences.answer_form import (
    OCCURRENCE_KEY,
    SUBJECT_KEY,
    SUBJECT_NAME_KEY,
    answer_form,
    question_field,
    subject_at,
)
from handlers.cadences.cards import answer_card, occurrence_label
from handlers.cadences.ids import FEATURE_NAME, CadenceMessage, delivery
from handlers.cadences.kinds import family_of
from handlers.cadences.parent import ensure_parent, refresh_parent, report_channel, scope_of
from handlers.cadences.parsing import asked_questions, subjects_of
from handlers.common.context import ActionContext, FormContext, Services
from handlers.common.ledger import Pending, deliver_once
from storage.cadences import repository as cadences
from storage.cadences.models import Answer, AnswerStatus, Cadence, Occurrence
from storage.common.models import Person, Workspace
from storage.ledger import repository as deliveries
from storage.ledger.models import DeliveryStatus


def answer_key(occurrence_id: int, person_id: int, subject: str) -> str:
    """The ledger key of a person's thread reply about a subject: posted once, updated after.

    Keyed by the partner's name (digested to fit), not its place in the list: editing the
    list mid-day must not make one partner's answer replace another's reply.
    """
    digest = hashlib.sha256(subject.encode()).hexdigest()[:16] if subject else "-"
    return f"answer:{occurrence_id}:{person_id}:{digest}"


async def _remember_reply(services: Services, answer: Answer, message: MessageRef) -> None:
    async with services.db.session() as session:
        stored = await cadences.answer_of(session, answer.occurrence_id, answer.person_id,
                                          answer.subject)
        if stored is not None:
            stored.reply_message_id = message.id
            session.add(stored)


async def _reply_posted_before(services: Services, key: str) -> str | None:
    """The reply a crashed run posted but never stored on the answer (found in the ledger)."""
    async with services.db.session() as session:
        row = await deliveries.find(session, FEATURE_NAME, key)
    if row is not None and row.status is DeliveryStatus.SENT:
        return row.message_id
    return None


async def publish(services: Services, cadence: Cadence, workspace: Workspace,
                  occurrence: Occurrence, answer: Answer, key: str,
                  card: Card) -> MessageRef | None:
    """Post the answer under the parent exactly once, or update the reply posted earlier.

    None when it could not be posted now (the answer itself is saved either way)."""
    channel = report_channel(cadence, workspace)
    reply_id = answer.reply_message_id or await _reply_posted_before(services, key)
    if reply_id:
        message = MessageRef(channel, reply_id)
        await services.outbox.update(message, card)
        if answer.reply_message_id != reply_id:
            await _remember_reply(services, answer, message)
        return message
    parent = await ensure_parent(services, cadence, workspace, occurrence)
    if parent is None:
        return None

    async def send() -> MessageRef:
        return await services.outbox.post(channel, card, thread=parent, key=key)

    sent = await deliver_once(services, Pending(key, delivery(CadenceMessage.ANSWER),
                                                cadence.workspace_id, channel, send,
                                                scope_of(occurrence)))
    if sent is not None:
        await _remember_reply(services, answer, sent)
    return sent


def _context_int(ctx: FormContext, key: str) -> int:
    raw = ctx.submission.context.get(key, "")
    if not raw.isdigit():
        raise UserError("That form is no longer in use. Type the command alone to answer.",
                        example="standup")
    return int(raw)


def _subject(ctx: FormContext, cadence: Cadence, index: int) -> str:
    """The subject the form was opened for, by name when the form says it."""
    named = ctx.submission.context.get(SUBJECT_NAME_KEY)
    if named is None:
        return subject_at(cadence, index)
    if named not in subjects_of(cadence):
        raise UserError(f"{named} is no longer on {cadence.name}, so this answer has nowhere "
                        "to go. Nothing was saved.")
    return named


async def answer_submitted(ctx: FormContext) -> Response:
    # Form context comes back from the client: every check is made again.
    cadence, occurrence = await load_occurrence(ctx.services, ctx.workspace,
                                                _context_int(ctx, OCCURRENCE_KEY))
    subject_index = _context_int(ctx, SUBJECT_KEY)
    await require_participant(ctx.services, cadence, ctx.person)
    require_open(ctx.services, cadence, occurrence, ctx.person)
    subject = _subject(ctx, cadence, subject_index)
    questions = asked_questions(occurrence, cadence)
    form = answer_form(cadence, occurrence, subject_index, subject, [])
    values = ctx.submission.values
    if problems := form.errors(dict(values)):
        # A client that skipped its own checks (or a number box Teams let through).
        raise FormErrors(problems, form=form.again(values, problems))
    given = [question.read(ctx.submission.text(question_field(index)))
             for index, question in enumerate(questions)]
    if not any(given):
        raise UserError("Answer at least one question (or use Skip today).",
                        example="Finished the Northwind renewal", field=question_field(0))
    async with ctx.services.db.session() as session:
        answer, _ = await cadences.record_answer(
            session, occurrence=occurrence, person_id=ctx.person.id or 0,
            subject=subject, status=AnswerStatus.ANSWERED, answers=given,
            now=ctx.services.clock.now())
    card = answer_card(ctx.person.display_name, subject, questions, given)
    key = answer_key(occurrence.id or 0, ctx.person.id or 0, subject)
    channel = report_channel(cadence, ctx.workspace).label
    try:
        posted = await publish(ctx.services, cadence, ctx.workspace, occurrence, answer, key,
                               card)
    except DeliveryError:
        posted = None
    await refresh_parent(ctx.services, cadence, ctx.workspace, occurrence)
    pending = await still_pending(ctx, cadence, occurrence)
    if posted is None:
        return Reply(f"Thanks, your answers are saved, but I couldn't post them to {channel} "
                     f"just now. Answer again to retry; they are kept either way.{pending}")
    return Reply(f"Thanks, posted to {channel}.{pending}")


async def still_pending(ctx: FormContext, cadence: Cadence, occurrence: Occurrence) -> str:
    """" Still to answer: Contoso (`checkin Contoso`)." for a check-in's other partners."""
    subjects = [subject for subject in subjects_of(cadence) if subject]
    if not subjects:
        return ""
    async with ctx.services.db.session() as session:
        given = await cadences.answers(session, occurrence.id or 0)
    done = {answer.subject for answer in given if answer.person_id == ctx.person.id}
    left = [subject for subject in subjects if subject not in done]
    if not left:
        return f" That was the last of your {len(subjects)} partners today."
    command = family_of(cadence.kind).command
    return " Still to answer: " + ", ".join(f"{subject} (`{command} {subject}`)"
                                            for subject in left) + "."


async def skip_occurrence(services: Services, workspace: Workspace, person: Person,
                          cadence: Cadence, occurrence: Occurrence) -> int:
    """Mark every subject not yet answered as skipped; how many were."""
    async with services.db.session() as session:
        given = await cadences.answers(session, occurrence.id or 0)
        answered = {answer.subject for answer in given if answer.person_id == person.id
                    and answer.status is AnswerStatus.ANSWERED}
        open_subjects = [subject for subject in subjects_of(cadence) if subject not in answered]
        for subject in open_subjects:
            await cadences.record_answer(
                session, occurrence=occurrence, person_id=person.id or 0,
                subject=subject, status=AnswerStatus.SKIPPED, answers=[],
                now=services.clock.now())
    if open_subjects:
        await refresh_parent(services, cadence, workspace, occurrence)
    return len(open_subjects)


async def skip_pressed(ctx: ActionContext) -> Response:
    value = ctx.action.value.partition(":")[0]
    if not value.isdigit():
        raise UserError("That button is from an older version of PartnerOps; use "
                        "`standup skip` instead.", example="standup skip")
    cadence, occurrence = await load_occurrence(ctx.services, ctx.workspace, int(value))
    await require_participant(ctx.services, cadence, ctx.person)
    require_open(ctx.services, cadence, occurrence, ctx.person)
    if not await skip_occurrence(ctx.services, ctx.workspace, ctx.person, cadence, occurrence):
        return Reply(f"You already answered {cadence.name} for {occurrence_label(occurrence)}; "
                     "your answers stay as they are.")
    return Reply(f"Skipped {cadence.name} for {occurrence_label(occurrence)}. No reminder will "
                 "come; you can still answer until it closes.")
