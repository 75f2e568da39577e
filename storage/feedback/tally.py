"""A campaign's replies summed where they are kept, for its summary and status: which partners
answered, per question how many answers from how many partners, each option's count, the
first answers in partners' own words, and the latest texts to find topics in. A campaign of
100,000 replies is summed by the database in a few queries, never loaded reply by reply.

Only partners' replies count: not our own people's (counted apart), not withdrawn ones, and
only from partners the campaign asked."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exists, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

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


def _asked(campaign_id: int) -> SelectOfScalar[int]:
    return select(CampaignPartner.partner_id).where(CampaignPartner.campaign_id == campaign_id)


def _counted(campaign_id: int) -> tuple[Any, ...]:
    """The replies that count: partners' (not our own people's), not withdrawn, from a
    partner the campaign asked."""
    return (FeedbackReply.campaign_id == campaign_id, col(FeedbackReply.internal).is_(False),
            col(FeedbackReply.withdrawn_at).is_(None),
            col(FeedbackReply.partner_id).in_(_asked(campaign_id)))


async def answered(session: AsyncSession, campaign_id: int) -> frozenset[int]:
    """The partners asked that answered the campaign (in its thread or its form): one look
    per partner asked, at its first reply that counts."""
    reply = FeedbackReply
    return frozenset((await session.exec(select(CampaignPartner.partner_id).where(
        CampaignPartner.campaign_id == campaign_id,
        exists().where(reply.campaign_id == campaign_id,
                       reply.partner_id == CampaignPartner.partner_id,
                       col(reply.internal).is_(False), col(reply.withdrawn_at).is_(None)))
    )).all())


async def tally(session: AsyncSession, campaign_id: int, *, questions: int,
                choice_questions: Collection[int], quoted: int, sample: int) -> Tally:
    """The campaign's replies counted. `questions`: how many it asks; `choice_questions`:
    the indexes of those with options (counted per option; the others are answered in
    partners' own words, and the first `quoted` answers to each are kept); `sample`: how
    many of the latest texts in partners' own words (thread replies, answers to the other
    questions) to keep.

    One pass over the campaign's replies counts them per partner, source and question (an
    index holds every column it reads); options, the first answers and the latest texts
    read only the rows they need."""
    choices = sorted(set(choice_questions))
    asked = set((await session.exec(_asked(campaign_id))).all())
    answered: set[int] = set()
    answers: Counter[int] = Counter()
    partners: Counter[int] = Counter()
    threads = internal = 0
    reply = FeedbackReply
    for partner, source, index, ours, replies in (await session.exec(
            select(reply.partner_id, reply.source, reply.question_index, reply.internal,
                   func.count())
            .where(reply.campaign_id == campaign_id, col(reply.withdrawn_at).is_(None))
            .group_by(col(reply.partner_id), col(reply.source), col(reply.question_index),
                      col(reply.internal)))).all():
        if ours:
            internal += replies
        elif partner in asked:
            answered.add(partner)
            if source is ReplySource.THREAD:
                threads += replies
            elif index is not None:
                answers[index] += replies
                partners[index] += 1  # one group per partner
    options = await _options(session, campaign_id, choices)
    first = await _first(session, campaign_id, quoted, [
        index for index in range(questions) if index not in choices])
    latest = await _latest(session, campaign_id, choices, sample)
    return Tally(answered=frozenset(answered),
                 questions={index: QuestionTally(answers[index], partners[index],
                                                 options.get(index, {}),
                                                 tuple(first.get(index, ())))
                            for index in sorted(answers)},
                 thread_replies=threads, internal=internal,
                 texts=tuple(said for partner, said in latest if partner in asked),
                 texts_total=threads + sum(count for index, count in answers.items()
                                           if index not in choices))


async def _options(session: AsyncSession, campaign_id: int, choices: list[int]
                   ) -> dict[int, dict[str, int]]:
    """Per choice question, how many answers gave each value."""
    found: dict[int, dict[str, int]] = {}
    if not choices:
        return found
    reply = FeedbackReply
    for index, said, replies in (await session.exec(
            select(reply.question_index, reply.text, func.count())
            .where(*_counted(campaign_id), reply.source == ReplySource.FORM,
                   col(reply.question_index).in_(choices))
            .group_by(col(reply.question_index), col(reply.text)))).all():
        found.setdefault(index, {})[said] = replies
    return found


async def _first(session: AsyncSession, campaign_id: int, quoted: int,
                 in_own_words: list[int]) -> dict[int, list[str]]:
    """Per question answered in partners' own words, its first `quoted` answers (a window
    numbers each question's answers, oldest first)."""
    found: dict[int, list[str]] = {}
    if not in_own_words:
        return found
    reply = FeedbackReply
    place = func.row_number().over(partition_by=col(reply.question_index),
                                   order_by=col(reply.id)).label("place")
    ranked = (select(reply.question_index, reply.text, place)
              .where(*_counted(campaign_id), reply.source == ReplySource.FORM,
                     col(reply.question_index).in_(in_own_words))
              .subquery())
    for index, said in (await session.exec(
            select(ranked.c.question_index, ranked.c.text).where(ranked.c.place <= quoted)
            .order_by(ranked.c.question_index, ranked.c.place))).all():
        found.setdefault(index, []).append(said)
    return found


async def _latest(session: AsyncSession, campaign_id: int, choices: list[int], sample: int
                  ) -> Sequence[tuple[int | None, str]]:
    """The latest `sample` texts in partners' own words, newest first, with their partner:
    the caller keeps those of partners asked (still the latest of theirs), which spares
    the database a look at the audience per reply."""
    reply = FeedbackReply
    return (await session.exec(
        select(reply.partner_id, reply.text)
        .where(reply.campaign_id == campaign_id, col(reply.internal).is_(False),
               col(reply.withdrawn_at).is_(None),
               or_(reply.source == ReplySource.THREAD,
                   col(reply.question_index).not_in(choices)))
        .order_by(col(reply.id).desc()).limit(sample))).all()
