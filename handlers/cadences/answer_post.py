"""Saving an answer or a skip, and the answer's one thread reply under the day's parent."""

from __future__ import annotations

from bot.core.cards import Card
from bot.core.conversation import MessageRef
from bot.core.errors import DeliveryError, FormErrors, UserError
from bot.core.responses import Reply, Response
from handlers.cadences.access import load_occurrence, require_open, require_participant
from handlers.cadences.answer_form import (
    LEGACY_NAME_KEY,
    LEGACY_POSITION_KEY,
    OCCURRENCE_KEY,
    PARTNER_KEY,
    answer_form,
    asked_of,
    subject_of,
    subjects_for,
)
from handlers.cadences.cards import AnswerTarget, answer_card, occurrence_label
from handlers.cadences.ids import FEATURE_NAME, CadenceMessage, delivery
from handlers.cadences.kinds import family_of
from handlers.cadences.parent import ensure_parent, refresh_parent, report_channel, scope_of
from handlers.cadences.parsing import asked_questions
from handlers.cadences.subjects import Subject, asked_on, named_in
from handlers.common.context import ActionContext, FormContext, Services
from handlers.common.ledger import Pending, deliver_once
from handlers.common.questions import question_field
from storage.cadences import repository as cadences
from storage.cadences.models import Answer, AnswerStatus, Cadence, Occurrence
from storage.common.models import Person, Workspace
from storage.ledger import repository as deliveries
from storage.ledger.models import DeliveryStatus


def answer_key(occurrence_id: int, person_id: int, partner_id: int | None) -> str:
    """The ledger key of a person's thread reply about a partner: posted once, updated after.

    Keyed by the partner's row, not its name or place in the list: a rename, or an edit of
    the list mid-day, never makes one partner's answer replace another's reply. (Replies
    posted before keep their old key; the answer row holds their message id.)
    """
    return f"answer:{occurrence_id}:{person_id}:" + (f"p{partner_id}" if partner_id else "-")


async def _remember_reply(services: Services, answer: Answer, message: MessageRef) -> None:
    async with services.db.session() as session:
        stored = await cadences.answer_of(session, answer.occurrence_id, answer.person_id,
                                          answer.partner_id)
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


async def _subject(ctx: FormContext, cadence: Cadence, occurrence: Occurrence) -> Subject:
    """The partner the form was opened for, if the check-in still asks the person about it
    (by its row; a form opened before rows were kept names it instead)."""
    asked = await asked_of(ctx.services, cadence, occurrence, ctx.person)
    subjects = asked.of(ctx.person.id or 0)
    context = ctx.submission.context
    if PARTNER_KEY in context:
        raw = context[PARTNER_KEY]
        if raw and not raw.isdigit():
            raise UserError("That form is no longer in use. Type the command alone to answer.",
                            example="standup")
        target = AnswerTarget(0, partner_id=int(raw) if raw else None)
    elif LEGACY_NAME_KEY in context:
        found = named_in(subjects, context[LEGACY_NAME_KEY]) \
            if context[LEGACY_NAME_KEY] else subjects[0]
        if found is None:
            raise UserError(f"{context[LEGACY_NAME_KEY]} is no longer on {cadence.name}, so "
                            "this answer has nowhere to go. Nothing was saved.")
        return found
    else:
        target = AnswerTarget(0, position=_context_int(ctx, LEGACY_POSITION_KEY))
    try:
        return subject_of(subjects, cadence, target, asked.listed)
    except UserError:
        raise UserError(f"{cadence.name} no longer asks you about that partner, so this "
                        "answer has nowhere to go. Nothing was saved.") from None


async def answer_submitted(ctx: FormContext) -> Response:
    # Form context comes back from the client: every check is made again.
    cadence, occurrence = await load_occurrence(ctx.services, ctx.workspace,
                                                _context_int(ctx, OCCURRENCE_KEY))
    await require_participant(ctx.services, cadence, ctx.person)
    require_open(ctx.services, cadence, occurrence, ctx.person)
    subject = await _subject(ctx, cadence, occurrence)
    questions = asked_questions(occurrence, cadence)
    form = answer_form(cadence, occurrence, subject, [])
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
            partner=subject.partner, status=AnswerStatus.ANSWERED, answers=given,
            now=ctx.services.clock.now())
    card = answer_card(ctx.person.display_name, subject.name, questions, given)
    key = answer_key(occurrence.id or 0, ctx.person.id or 0, subject.partner_id)
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
    subjects = [subject for subject in await subjects_for(ctx.services, cadence, occurrence,
                                                          ctx.person)
                if subject.partner is not None]
    if not subjects:
        return ""
    async with ctx.services.db.session() as session:
        given = await cadences.answers(session, occurrence.id or 0)
    done = {answer.partner_id for answer in given if answer.person_id == ctx.person.id}
    left = [subject.name for subject in subjects if subject.partner_id not in done]
    if not left:
        return f" That was the last of your {len(subjects)} partners today." \
            if len(subjects) > 1 else ""
    command = family_of(cadence.kind).command
    return " Still to answer: " + ", ".join(f"{name} (`{command} {name}`)"
                                            for name in left) + "."


async def skip_occurrence(services: Services, workspace: Workspace, person: Person,
                          cadence: Cadence, occurrence: Occurrence) -> int:
    """Mark every partner not yet answered as skipped; how many were."""
    subjects = (await asked_on(services, cadence, occurrence, [person.id or 0])).of(
        person.id or 0)
    async with services.db.session() as session:
        given = await cadences.answers(session, occurrence.id or 0)
        answered = {answer.partner_id for answer in given if answer.person_id == person.id
                    and answer.status is AnswerStatus.ANSWERED}
        open_subjects = [subject for subject in subjects if subject.partner_id not in answered]
        for subject in open_subjects:
            await cadences.record_answer(
                session, occurrence=occurrence, person_id=person.id or 0,
                partner=subject.partner, status=AnswerStatus.SKIPPED, answers=[],
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
