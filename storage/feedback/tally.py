"""A campaign's replies summed where they are kept, for its summary and status: which partners
answered, per question how many answers from how many partners, each option's count, the
first answers in partners' own words, and the latest texts to find topics in. A campaign of
100,000 replies is summed by the database in a few queries, never loaded reply by reply.

Only partners' replies count: not our own people's (counted apart), not withdrawn ones, and
only from partners the campaign asked."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import distinct, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.feedback.models import CampaignPartner, FeedbackReply, ReplySource


@dataclass(frozen=True, slots=True)
class QuestionTally:
    """Partners' answers to one question of the form."""

    answers: int = 0  # how many answers
    partners: int = 0  # from how many partners
    choices: dict[str, int] = field(default_factory=dict)  # a choice question: per value
    first: tuple[str, ...] = ()  # a question in their own words: the first ones, oldest first


NO_ANSWERS = QuestionTally()


@dataclass(frozen=True)
class Tally:
    """What a campaign's summary says, counted (see `tally`)."""

    answered: frozenset[int]  # the partners asked that answered, in the thread or the form
    questions: dict[int, QuestionTally]  # by question index; unanswered ones are left out
    thread_replies: int
    internal: int  # answers from our own people, in the thread or the form
    texts: tuple[str, ...]  # the latest texts in partners' own words, newest first
    texts_total: int  # how many such texts there are in all

    def question(self, index: int) -> QuestionTally:
        return self.questions.get(index, NO_ANSWERS)


def _counted(campaign_id: int) -> tuple[Any, ...]:
    """The replies that count: partners' (not our own people's), not withdrawn, from a
    partner the campaign asked."""
    asked = select(CampaignPartner.partner_id).where(CampaignPartner.campaign_id == campaign_id)
    return (FeedbackReply.campaign_id == campaign_id, col(FeedbackReply.internal).is_(False),
            col(FeedbackReply.withdrawn_at).is_(None), col(FeedbackReply.partner_id).in_(asked))


async def answered(session: AsyncSession, campaign_id: int) -> frozenset[int]:
    """The partners asked that answered the campaign (in its thread or its form)."""
    return frozenset((await session.exec(
        select(FeedbackReply.partner_id).where(*_counted(campaign_id)).distinct())).all())


async def tally(session: AsyncSession, campaign_id: int, *, choice_questions: Collection[int],
                quoted: int, sample: int) -> Tally:
    """The campaign's replies counted. `choice_questions`: the indexes of its questions with
    options (counted per option; the others are answered in partners' own words and the
    first `quoted` answers of each are kept); `sample`: how many of the latest texts in
    partners' own words (thread replies, answers to the other questions) to keep."""
    choices = sorted(set(choice_questions))
    counted = _counted(campaign_id)
    reply = FeedbackReply
    per_question: dict[int, list[Any]] = {}
    threads = 0
    for source, index, answers, partners in (await session.exec(
            select(reply.source, reply.question_index, func.count(),
                   func.count(distinct(col(reply.partner_id))))
            .where(*counted).group_by(col(reply.source), col(reply.question_index)))).all():
        if source is ReplySource.THREAD:
            threads += answers
        elif index is not None:
            per_question[index] = [answers, partners, {}, ()]
    if choices:
        for index, said, answers in (await session.exec(
                select(reply.question_index, reply.text, func.count())
                .where(*counted, reply.source == ReplySource.FORM,
                       col(reply.question_index).in_(choices))
                .group_by(col(reply.question_index), col(reply.text)))).all():
            per_question[index][2][said] = answers
    place = func.row_number().over(partition_by=col(reply.question_index),
                                   order_by=col(reply.id)).label("place")
    ranked = (select(reply.question_index, reply.text, place)
              .where(*counted, reply.source == ReplySource.FORM,
                     col(reply.question_index).not_in(choices))
              .subquery())
    first: dict[int, list[str]] = {}
    for index, said in (await session.exec(
            select(ranked.c.question_index, ranked.c.text).where(ranked.c.place <= quoted)
            .order_by(ranked.c.question_index, ranked.c.place))).all():
        first.setdefault(index, []).append(said)
    for index, texts in first.items():
        per_question[index][3] = tuple(texts)
    internal = (await session.exec(select(func.count()).select_from(reply).where(
        reply.campaign_id == campaign_id, col(reply.internal).is_(True),
        col(reply.withdrawn_at).is_(None)))).one()
    texts = tuple((await session.exec(
        select(reply.text).where(*counted, or_(reply.source == ReplySource.THREAD,
                                               col(reply.question_index).not_in(choices)))
        .order_by(col(reply.id).desc()).limit(sample))).all())
    own_words = threads + sum(answers for index, (answers, *_) in per_question.items()
                              if index not in choices)
    return Tally(answered=await answered(session, campaign_id),
                 questions={index: QuestionTally(*values)
                            for index, values in sorted(per_question.items())},
                 thread_replies=threads, internal=internal, texts=texts,
                 texts_total=own_words)
