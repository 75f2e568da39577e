"""Typed questions: free text, a choice, the health scale, a number or yes/no.

A question is stored as the line an admin types: its text, then optionally its type in
brackets (`Health? [green|amber|red]`, `Demos this week? [number]`, `Blocked? [yes|no]`,
`Budget? [low|medium|high]`). Stored that way on each day's occurrence, an answer always
keeps the question, and the type, it was asked with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache

from bot.core.commands import excerpt
from bot.core.forms import FieldKind, FormField, Option

OPTION_MAX = 75  # Slack cuts option labels there
ANSWER_MAX = 2000
OPTIONS_MAX = 20
NUMBER_DIGITS_MAX = 15
EXAMPLE = "Health? [green|amber|red]"
NOTATION_HELP = ("[green|amber|red] for health, [number], [yes|no], or your own options "
                 "such as [low|medium|high]")
# The type in brackets at the very end of a line; brackets elsewhere are part of the text.
TRAILING = re.compile(r"^(?P<text>.*?)\s*\[(?P<spec>[^\[\]]*)\]\s*$", re.DOTALL)


class QuestionType(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    HEALTH = "health"
    NUMBER = "number"
    YES_NO = "yes_no"


HEALTH = ("green", "amber", "red")
YES_NO = ("yes", "no")
HEALTH_LABELS = {"green": "🟢 Green", "amber": "🟠 Amber", "red": "🔴 Red"}
YES_WORDS = frozenset({"yes", "y", "true"})
NO_WORDS = frozenset({"no", "n", "false"})
TYPE_WORDS = {"number": QuestionType.NUMBER, "health": QuestionType.HEALTH,
              "yes/no": QuestionType.YES_NO, "yesno": QuestionType.YES_NO,
              "text": QuestionType.TEXT}


@dataclass(frozen=True)
class Question:
    text: str
    type: QuestionType = QuestionType.TEXT
    options: tuple[str, ...] = ()  # CHOICE, HEALTH and YES_NO: the values, in order

    @property
    def notation(self) -> str:
        """The line that reads back as this question (how it is stored)."""
        match self.type:
            case QuestionType.TEXT:
                return self.text
            case QuestionType.NUMBER:
                return f"{self.text} [number]"
        return f"{self.text} [{'|'.join(self.options)}]"

    @property
    def has_choices(self) -> bool:
        return bool(self.options)

    def label(self, value: str) -> str:
        """An option as people see it (health gets its colour)."""
        if self.type is QuestionType.HEALTH:
            return HEALTH_LABELS.get(value, value)
        if self.type is QuestionType.YES_NO:
            return value.capitalize()
        return value

    def read(self, typed: str) -> str:
        """The stored value of an answer ("" for none); ValueError says what is wrong."""
        typed = typed.strip()
        if not typed or self.type is QuestionType.TEXT:
            return typed
        if self.type is QuestionType.NUMBER:
            return _number(typed)
        word = typed.lower()
        if self.type is QuestionType.YES_NO:
            word = "yes" if word in YES_WORDS else "no" if word in NO_WORDS else word
        for option in self.options:
            if option.lower() == word:
                return option
        raise ValueError(f"'{excerpt(typed)}' is not one of {', '.join(self.options)}")

    def problem(self, typed: str) -> str | None:
        """What is wrong with a typed answer, for a form field's check; None when fine."""
        try:
            self.read(typed)
        except ValueError as wrong:
            return f"{wrong}."
        return None

    def value(self, stored: str) -> str | float | int | bool | None:
        """A stored answer as data: numbers as numbers, yes/no as true/false."""
        if not stored:
            return None
        if self.type is QuestionType.NUMBER:
            try:
                number = Decimal(stored)
            except InvalidOperation:
                return stored  # an answer from before the question had a type
            return int(number) if number == number.to_integral_value() else float(number)
        if self.type is QuestionType.YES_NO:
            return stored == "yes" if stored in YES_NO else stored
        return stored


def _number(typed: str) -> str:
    try:
        number = Decimal(typed.replace(" ", ""))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or len(number.as_tuple().digits) > NUMBER_DIGITS_MAX:
        raise ValueError(f"'{excerpt(typed)}' is not a number; type digits such as 3 or 2.5")
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


def _options(spec: str, line: str) -> tuple[QuestionType, tuple[str, ...]]:
    word = spec.strip().lower()
    if word in TYPE_WORDS:
        kind = TYPE_WORDS[word]
        return kind, HEALTH if kind is QuestionType.HEALTH else \
            YES_NO if kind is QuestionType.YES_NO else ()
    options = tuple(option.strip() for option in spec.split("|"))
    if len(options) < 2:
        raise ValueError(f"'[{excerpt(spec.strip())}]' in '{excerpt(line)}' is not a type I "
                         f"know; use {NOTATION_HELP}")
    if any(not option for option in options):
        raise ValueError(f"'{excerpt(line)}' has an empty option; separate options with one |, "
                         "such as [low|medium|high]")
    lowered = [option.lower() for option in options]
    if len(set(lowered)) < len(options):
        raise ValueError(f"'{excerpt(line)}' lists an option twice")
    if len(options) > OPTIONS_MAX:
        raise ValueError(f"'{excerpt(line)}' has {len(options)} options; at most {OPTIONS_MAX} "
                         "fit a menu")
    if long := next((option for option in options if len(option) > OPTION_MAX), None):
        raise ValueError(f"The option '{long[:20]}…' is longer than {OPTION_MAX} characters")
    if sorted(lowered) == sorted(HEALTH):
        return QuestionType.HEALTH, HEALTH
    if sorted(lowered) == sorted(YES_NO):
        return QuestionType.YES_NO, YES_NO
    return QuestionType.CHOICE, options


def parse_question(line: str) -> Question:
    """One typed line as a Question; ValueError says what cannot be read."""
    line = line.strip()
    match = TRAILING.match(line)
    if match is None:
        if "[" in line.rpartition("]")[2]:
            raise ValueError(f"'{excerpt(line)}' opens a [ it never closes; end the line with the "
                             f"type, such as {EXAMPLE}")
        return Question(line)
    text = match["text"].strip()
    if not text:
        raise ValueError(f"'{excerpt(line)}' has a type but no question; write the question first, "
                         f"such as {EXAMPLE}")
    kind, options = _options(match["spec"], line)
    return Question(text, kind, options)


@lru_cache(maxsize=1024)
def read_question(line: str) -> Question:
    """A stored line as a Question; one that no longer parses is shown as plain text.
    Cached: a report reads the same few lines once per answer (a Question is frozen)."""
    try:
        return parse_question(line)
    except ValueError:
        return Question(line.strip())


def question_field(index: int) -> str:
    """The form field that answers the question at `index`."""
    return f"q{index}"


def answer_field(index: int, question: Question, earlier: str | None) -> FormField:
    """The input a question's type asks for: text, a number, or a menu of its options."""
    field_id = question_field(index)
    match question.type:
        case QuestionType.TEXT:
            return FormField(field_id, question.text, kind=FieldKind.MULTILINE, required=False,
                             max_length=ANSWER_MAX, initial=earlier)
        case QuestionType.NUMBER:
            return FormField(field_id, question.text, kind=FieldKind.NUMBER, required=False,
                             initial=earlier, check=question.problem)
    options = tuple(Option(value, question.label(value)) for value in question.options)
    return FormField(field_id, question.text, kind=FieldKind.SELECT, required=False,
                     options=options, check=question.problem,
                     initial=earlier if earlier in question.options else None)
