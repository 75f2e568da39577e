"""Days typed the way people write them: names in any case, full or short, ranges, and the
shorthands a form names (weekdays)."""

from __future__ import annotations

import pytest

from bot.core.forms import FieldKind, FormField, Option
from bot.platforms.console.forms import FieldAnswerError, parse_answer

DAYS = FormField("days", "Days", kind=FieldKind.MULTISELECT,
                 options=tuple(Option(day, day.capitalize()) for day in
                               ("mon", "tue", "wed", "thu", "fri", "sat", "sun")),
                 shorthands=(("weekdays", ("mon", "tue", "wed", "thu", "fri")),))


@pytest.mark.parametrize(("typed", "days"), [
    ("monday", ["mon"]),
    ("Monday, Wednesday", ["mon", "wed"]),
    ("mon-fri", ["mon", "tue", "wed", "thu", "fri"]),
    ("MON-Wed", ["mon", "tue", "wed"]),
    ("fri-mon", ["fri", "sat", "sun", "mon"]),
    ("Weekdays", ["mon", "tue", "wed", "thu", "fri"]),
    ("1 3 5", ["mon", "wed", "fri"]),
    ("tue tuesday", ["tue"]),
])
def test_days_in_every_way_people_write_them(typed: str, days: list[str]):
    assert parse_answer(DAYS, typed) == days


def test_a_word_that_is_no_day_names_the_choices():
    with pytest.raises(FieldAnswerError, match=r"'funday' is not one of the options for Days"):
        parse_answer(DAYS, "mon, funday")


PARTNERS = FormField("partners", "Partners", kind=FieldKind.MULTISELECT, required=False,
                     options=(Option("1", "Contoso Ltd"), Option("2", "Northwind"),
                              Option("3", "O'Neil Systems")))


@pytest.mark.parametrize(("typed", "chosen"), [
    ("Contoso Ltd", ["1"]),
    ("contoso ltd, O'Neil Systems", ["1", "3"]),
    ("1, 3", ["1", "3"]),
    ("Northwind", ["2"]),
])
def test_options_with_spaces_are_chosen_whole(typed: str, chosen: list[str]):
    assert parse_answer(PARTNERS, typed) == chosen
