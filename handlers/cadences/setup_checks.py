"""What can be wrong with one typed field of the setup form, as a message (None when fine).

The form carries these (so the console checks each field as it is typed) and reading a
submission uses them too (so Slack and Teams report every bad field at once). What was
typed is quoted as an excerpt: a field may hold far more than a message should repeat.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.commands import excerpt
from bot.core.dates import known_zone
from handlers.cadences.parsing import parse_clock, parse_country
from handlers.cadences.repeats import read_schedule
from handlers.common.questions import EXAMPLE, parse_question, read_question

NAME_MAX = 80
QUESTIONS_MAX = 10
QUESTION_MAX = 200
PARTNERS_MAX = 20  # one Answer button each on the prompt, within a platform's button row

Check = Callable[[str], str | None]


def lines_of(text: str) -> list[str]:
    """The non-empty lines, each once (whatever the case), in order."""
    seen: dict[str, str] = {}
    for line in (line.strip() for line in text.splitlines()):
        if line and line.lower() not in seen:
            seen[line.lower()] = line
    return list(seen.values())


def name(text: str) -> str | None:
    if len(" ".join(text.split())) > NAME_MAX:
        return f"Keep the name under {NAME_MAX} characters."
    return None


def _refused(parse: Callable[[str], object], text: str, lead: str = "") -> str | None:
    """Why `parse` refuses `text`, as a sentence; None when it reads it."""
    try:
        parse(text)
    except ValueError as problem:
        return f"{lead}{problem}."
    return None


def clock(what: str) -> Check:
    return lambda text: _refused(parse_clock, text, f"The {what} ")


def zone(text: str) -> str | None:
    if known_zone(text.strip()):
        return None
    return (f"'{excerpt(text)}' is not a time zone I know; use a name from the tz database "
            "such as Europe/Berlin or America/New_York.")


def schedule(text: str) -> str | None:
    return _refused(read_schedule, text)


def minutes(text: str) -> str | None:
    if text.strip().isdigit():
        return None
    # Not "empty for none": the console keeps the shown value when Enter is pressed.
    return f"'{excerpt(text)}' is not a whole number of minutes; use 0 for no reminder."


def questions(text: str) -> str | None:
    found = lines_of(text)
    if len(found) > QUESTIONS_MAX:
        return f"Ask at most {QUESTIONS_MAX} questions; short ones get answered."
    if any(len(question) > QUESTION_MAX for question in found):
        return f"Keep each question under {QUESTION_MAX} characters."
    for line in found:
        try:
            parse_question(line)
        except ValueError as problem:
            said = str(problem)
            # Some problems already end with the example; it is said once.
            return f"{said}." if EXAMPLE in said else f"{said}. For example: {EXAMPLE}"
    return None


def typed_questions(text: str) -> list[str]:
    """Lines in the one notation they are stored in (`[Yes|No]` -> `[yes|no]`); run
    `questions` first, as a line it refuses comes back as plain text."""
    return [read_question(line).notation for line in lines_of(text)]


PARTNER_NAME_MAX = 200


def partner_lines(text: str) -> str | None:
    """Partners typed one per line (when the workspace has no partner list yet)."""
    found = lines_of(text)
    if problem := partner_count(found):
        return problem
    if any(len(partner) > PARTNER_NAME_MAX for partner in found):
        return f"Keep each partner name under {PARTNER_NAME_MAX} characters."
    return None


def partner_count(chosen: list[str]) -> str | None:
    if len(chosen) > PARTNERS_MAX:
        return (f"A check-in can ask about at most {PARTNERS_MAX} partners; split them over "
                "two check-ins.")
    return None


def country(text: str) -> str | None:
    return _refused(parse_country, text)
