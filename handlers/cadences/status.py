"""One rule for where a person stands on a day, shared by the day's message, the report and
the replies: answered beats skipped beats out of office beats waiting."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storage.cadences.models import Answer, AnswerStatus


def status_of(given: Sequence[Answer], person_id: int, subject: str | None = None
              ) -> AnswerStatus | None:
    """ANSWERED if any (matching) subject was answered, else SKIPPED if skipped, else None:
    for one subject (a check-in's partner); over a whole day see `standing_of`."""
    mine = [answer.status for answer in given if answer.person_id == person_id
            and (subject is None or answer.subject.lower() == subject.lower())]
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


def standing_of(given: Sequence[Answer], person_id: int, subjects: Sequence[str]) -> Standing:
    done = {answer.subject.lower(): answer.status for answer in given
            if answer.person_id == person_id}
    asked = [subject.lower() for subject in subjects] or [""]
    answered = sum(done.get(subject) is AnswerStatus.ANSWERED for subject in asked)
    settled = sum(subject in done for subject in asked)
    if settled < len(asked):
        return Standing(None, answered, len(asked))
    return Standing(AnswerStatus.ANSWERED if answered else AnswerStatus.SKIPPED, answered,
                    len(asked))
