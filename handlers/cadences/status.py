"""One rule for where a person stands on a day, shared by the day's message, the report and
the replies: answered beats skipped beats out of office beats waiting."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from handlers.cadences.subjects import Subject
from storage.cadences.models import Answer, AnswerStatus


class DayAnswers:
    """A day's answers by person: where each of thousands stands, without reading the whole
    day again for each one."""

    def __init__(self, given: Iterable[Answer]) -> None:
        self._by_person: dict[int, list[Answer]] = {}
        for answer in given:
            self._by_person.setdefault(answer.person_id, []).append(answer)

    def of(self, person_id: int) -> Sequence[Answer]:
        return self._by_person.get(person_id, ())


def status_of(given: DayAnswers, person_id: int, partner_id: int | None = None
              ) -> AnswerStatus | None:
    """ANSWERED if any answer (about the partner `partner_id`, when given) was answered, else
    SKIPPED if skipped, else None; over every partner of a day see `standing_of`."""
    mine = [answer.status for answer in given.of(person_id)
            if partner_id is None or answer.partner_id == partner_id]
    if AnswerStatus.ANSWERED in mine:
        return AnswerStatus.ANSWERED
    return AnswerStatus.SKIPPED if mine else None


@dataclass(frozen=True)
class Standing:
    """Where a person stands on a day over every subject it asks about (a check-in's
    partners): ANSWERED once each is answered or skipped and one at least answered, SKIPPED
    when all are skipped, None while some are still open."""

    status: AnswerStatus | None
    answered: int
    asked: int

    @property
    def partly(self) -> bool:
        """Some partners answered, others still open."""
        return self.status is None and self.answered > 0

    @property
    def progress(self) -> str:
        """" (1 of 3 partners)" for a check-in partly answered; "" otherwise."""
        return f" ({self.answered} of {self.asked} partners)" if self.partly else ""


def standing_of(given: DayAnswers, person_id: int, subjects: Sequence[Subject]
                ) -> Standing:
    """Over the partners the person is asked about, each by its row (a standup: one)."""
    if not given.of(person_id):  # nothing given yet: most of a fan-out's thousands
        return _awaited(len(subjects))
    if not subjects:  # nothing asked of them (any more): what they gave still counts
        return Standing(status_of(given, person_id), 0, 0)
    done = {answer.partner_id: answer.status for answer in given.of(person_id)}
    asked = [subject.partner_id for subject in subjects]
    answered = sum(done.get(partner) is AnswerStatus.ANSWERED for partner in asked)
    settled = sum(partner in done for partner in asked)
    if settled < len(asked):
        return Standing(None, answered, len(asked))
    return Standing(AnswerStatus.ANSWERED if answered else AnswerStatus.SKIPPED, answered,
                    len(asked))


@lru_cache(maxsize=64)
def _awaited(asked: int) -> Standing:
    """Nothing given yet, over `asked` subjects: one value shared by everyone so placed."""
    return Standing(None, 0, asked)
