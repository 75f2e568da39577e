"""The question notation: what reads as which type, what is refused and why, and answers
read and summed as their type says."""

from __future__ import annotations

import pytest

from handlers.cadences.setup_checks import questions as check_questions
from handlers.cadences.setup_checks import typed_questions
from handlers.cadences.tallies import tally
from handlers.common.questions import Question, QuestionType, parse_question, read_question


@pytest.mark.parametrize(("line", "kind", "options"), [
    ("What moved?", QuestionType.TEXT, ()),
    ("Health? [green|amber|red]", QuestionType.HEALTH, ("green", "amber", "red")),
    ("Health? [Red | Green | Amber]", QuestionType.HEALTH, ("green", "amber", "red")),
    ("Health? [health]", QuestionType.HEALTH, ("green", "amber", "red")),
    ("Demos this week? [number]", QuestionType.NUMBER, ()),
    ("Blocked? [yes|no]", QuestionType.YES_NO, ("yes", "no")),
    ("Blocked? [Yes/No]", QuestionType.YES_NO, ("yes", "no")),
    ("Budget? [low|medium|high]", QuestionType.CHOICE, ("low", "medium", "high")),
    ("Notes [text]", QuestionType.TEXT, ()),
    ("What about [partner name] this week?", QuestionType.TEXT, ()),
])
def test_a_line_reads_as_its_type(line: str, kind: QuestionType, options: tuple[str, ...]):
    question = parse_question(line)
    assert question.type is kind and question.options == options
    assert "[" not in question.text or kind is QuestionType.TEXT
    assert parse_question(question.notation) == question  # stored as it reads back


@pytest.mark.parametrize(("line", "said"), [
    ("Health? [green|amber", "opens a [ it never closes"),
    ("Health? [colour]", "'[colour]' in 'Health? [colour]' is not a type I know"),
    ("[number]", "has a type but no question"),
    ("Budget? [low||high]", "has an empty option"),
    ("Budget? [low|Low|high]", "lists an option twice"),
    ("Budget? [" + "|".join(f"o{n}" for n in range(21)) + "]", "at most 20 fit a menu"),
    ("Budget? [low|" + "x" * 80 + "]", "longer than 75 characters"),
])
def test_notation_it_cannot_read_is_refused_with_an_example(line: str, said: str):
    with pytest.raises(ValueError) as refused:
        parse_question(line)
    assert said in str(refused.value)
    problem = check_questions(f"What moved?\n{line}")
    assert problem is not None and said in problem
    assert problem.count("Health? [green|amber|red]") == 1  # the example, once


def test_the_setup_form_stores_one_notation():
    assert typed_questions("What moved?\nBlocked? [Yes | No]\nHealth? [RED|green|amber]") == [
        "What moved?", "Blocked? [yes|no]", "Health? [green|amber|red]"]


def test_answers_are_read_as_values_of_their_type():
    health = parse_question("Health? [green|amber|red]")
    assert health.read("Green") == "green" and health.label("green") == "🟢 Green"
    assert health.problem("purple") == "'purple' is not one of green, amber, red."
    number = parse_question("Demos? [number]")
    assert [number.read(typed) for typed in ("3", "03", "2.50", "-1", "1e3")] == \
        ["3", "3", "2.5", "-1", "1000"]
    assert number.problem("three") == "'three' is not a number; type digits such as 3 or 2.5."
    assert number.value("2.5") == 2.5 and number.value("3") == 3 and number.value("") is None
    blocked = parse_question("Blocked? [yes|no]")
    assert blocked.read("Y") == "yes" and blocked.value("no") is False
    assert blocked.problem("maybe") is not None
    assert Question("Anything?").read("  whatever  ") == "whatever"


def test_a_stored_line_that_no_longer_parses_is_shown_as_text():
    assert read_question("Old one [colour]") == Question("Old one [colour]")


def test_choices_are_counted_in_the_options_order_and_numbers_summed():
    health = parse_question("Health? [green|amber|red]")
    given = ["red", "green", "amber", "green", "", "green", "amber", "green", "green"]
    assert tally(health, given) == "green 5 · amber 2 · red 1"
    assert tally(health, ["", ""]) is None
    assert tally(parse_question("Demos? [number]"), ["3", "2", "", "2"]) == \
        "total 7 · average 2.33 · 3 answers"
    assert tally(Question("What moved?"), ["a lot"]) is None
