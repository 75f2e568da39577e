"""A day's answers to one typed question, summed up for the report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from bot.core.words import counted
from handlers.common.questions import Question, QuestionType


def _numbers(values: Iterable[str]) -> list[Decimal]:
    found = []
    for value in values:
        try:
            found.append(Decimal(value))
        except InvalidOperation:
            continue  # an answer from before the question took numbers
    return found


def _plain(number: Decimal) -> str:
    """3, 2.5 or 2.33: never 3.00 or 2.3333333."""
    rounded = number.quantize(Decimal("0.01")).normalize()
    return format(rounded, "f")


def tally(question: Question, values: Iterable[str]) -> str | None:
    """Choices as counts in the options' order ("green 5 · amber 2 · red 1"), numbers as
    total and average; None for free text or when nobody answered it."""
    given = [value for value in values if value]
    if question.has_choices and given:
        counts = Counter(given)
        parts = [f"{option} {counts[option]}" for option in question.options if counts[option]]
        # Answers given before an edit changed the options still count, after the others.
        parts += [f"{value} {count}" for value, count in counts.items()
                  if value not in question.options]
        return " · ".join(parts)
    if question.type is QuestionType.NUMBER and (numbers := _numbers(given)):
        total = sum(numbers, Decimal(0))
        answers = counted(len(numbers), "answer")
        return f"total {_plain(total)} · average {_plain(total / len(numbers))} · {answers}"
    return None
