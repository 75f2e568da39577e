"""Routing typed text to subcommands, help, and specific errors."""

from __future__ import annotations

import pytest

from bot.core.commands import CommandSpec, Feature, Registry, Subcommand, split_command
from bot.core.errors import UserError
from bot.core.responses import Reply
from handlers.elephants.fields import ElephantForm


async def _noop(_: object) -> Reply:
    return Reply("ok")


LIST = Subcommand("list", "List them.", "list [open|all]", _noop, examples=("list open",))
FILE = Subcommand("", "File one.", "<text>", _noop)
SPEC = CommandSpec("elephant", "Elephants.", subcommands=(LIST,), default=FILE)
ADMIN = CommandSpec("partnerops", "Admin.", subcommands=(LIST,))


def registry() -> Registry:
    return Registry((Feature("test", commands=(SPEC, ADMIN)),))


def test_subcommand_word_wins_and_rest_is_args():
    route = registry().route("elephant", "list  open ")
    assert route.subcommand is LIST and route.args == "open"


def test_text_without_a_subcommand_goes_to_the_default_whole():
    route = registry().route("elephant", "Reps hide the forecast")
    assert route.subcommand is FILE and route.args == "Reps hide the forecast"


@pytest.mark.parametrize("word", ["help", "HELP", "--help", "-h", "?"])
def test_help_words_route_to_help(word: str):
    assert registry().route("elephant", word).subcommand is None


def test_help_followed_by_text_is_the_text_when_the_command_takes_text():
    route = registry().route("elephant", "Help desk tickets from partners are ignored")
    assert route.subcommand is FILE
    assert route.args == "Help desk tickets from partners are ignored"
    assert registry().route("partnerops", "help list").subcommand is None


def test_empty_text_without_default_is_help():
    assert registry().route("partnerops", "").subcommand is None


def test_unknown_subcommand_names_the_alternatives_with_an_example():
    with pytest.raises(UserError) as error:
        registry().route("partnerops", "frobnicate now")
    assert "'partnerops frobnicate'" in error.value.message
    assert "list" in error.value.message
    assert error.value.example == "partnerops list open"


def test_unknown_command_lists_known_ones():
    with pytest.raises(UserError) as error:
        registry().route("standupp", "")
    assert "elephant, partnerops" in error.value.message and error.value.example == "help"


def test_duplicates_are_refused_at_registration():
    with pytest.raises(ValueError, match=r"command .* twice"):
        Registry((Feature("one", commands=(SPEC,)), Feature("two", commands=(SPEC,))))
    with pytest.raises(ValueError, match=r"form .* twice"):
        Registry((Feature("one", forms=((ElephantForm.REPORT, _noop),)),
                  Feature("two", forms=((ElephantForm.REPORT, _noop),))))


@pytest.mark.parametrize(("typed", "expected"), [
    ("elephant Reps hide it", ("elephant", "Reps hide it")),
    ("/elephant x", ("elephant", "x")),
    ("/pp-elephant x", ("elephant", "x")),
    ("  Help  ", ("help", "")),
])
def test_split_command_accepts_slash_and_prefix(typed: str, expected: tuple[str, str]):
    assert split_command(typed, prefix="pp-") == expected
