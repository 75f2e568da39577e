"""One rule for where a person stands on a day, shared by the day's message, the report and
the replies: answered beats skipped beats out of office beats waiting."""

from __future__ import annotations

from collections.abc import Sequence

from storage.cadences.models import Answer, AnswerStatus


def status_of(given: Sequence[Answer], person_id: int, subject: str | None = None
              ) -> AnswerStatus | None:
    """ANSWERED if any (matching) subject was answered, else SKIPPED if skipped, else None.

    A check-in asks about several partners: answering one of them counts as answering the
    day, so a later skip of the rest never turns an answered day into a skipped one.
    """
    mine = [answer.status for answer in given if answer.person_id == person_id
            and (subject is None or answer.subject.lower() == subject.lower())]
    if AnswerStatus.ANSWERED in mine:
        return AnswerStatus.ANSWERED
    return AnswerStatus.SKIPPED if mine else None
