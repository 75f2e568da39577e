"""Counted nouns: one of a thing is never "1 things"."""

from __future__ import annotations

import pytest

from bot.core.words import counted


@pytest.mark.parametrize(("number", "said"), [(0, "0 questions"), (1, "1 question"),
                                              (2, "2 questions")])
def test_a_regular_noun(number: int, said: str):
    assert counted(number, "question") == said


def test_an_irregular_noun():
    assert (counted(1, "person", "people"), counted(4, "person", "people")) == \
        ("1 person", "4 people")
