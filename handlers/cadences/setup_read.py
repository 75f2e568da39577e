"""Reading a submitted setup form: every field checked, every problem reported at once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import time
from typing import TypeVar

from bot.core.conversation import ConversationRef
from bot.core.errors import FormErrors, UserError
from bot.core.forms import Submission
from handlers.cadences import setup_checks as checks
from handlers.cadences.kinds import KINDS, Family
from handlers.cadences.parsing import WEEKEND, parse_clock, parse_country, parse_days
from handlers.cadences.repeats import WEEKDAY_NAMES, Schedule, read_schedule
from handlers.cadences.setup_form import (
    ASKED_IN_KEY,
    CLOSE_TIME,
    COUNTRY,
    DAYS,
    DEFAULT_CLOSE,
    DEFAULT_TIME,
    KIND,
    LOCAL_TIME,
    NAME,
    PARTICIPANT_CHANNEL,
    PARTICIPANTS,
    PARTNERS,
    QUESTIONS,
    REMINDER,
    REPORT_CHANNEL,
    SCHEDULE,
    SKIP_WEEKENDS,
    TIMEZONE,
)
from handlers.common.channels import channel_in_form
from storage.cadences.models import CadenceKind

T = TypeVar("T")

# The user ids the bot reaches picked people by (None for a stranger), in order.
PickedPeople = Callable[[list[str]], Awaitable[list[str | None]]]


@dataclass(frozen=True)
class Draft:
    """A valid cadence as the admin described it, not yet saved."""

    name: str
    kind: CadenceKind
    report_channel: ConversationRef
    participant_ids: tuple[str, ...]
    participant_channel: ConversationRef | None
    schedule: Schedule  # every N weeks without a first day counts from the day it is saved
    days: frozenset[int]
    local_time: time
    close_time: time
    timezone: str | None
    reminder_minutes: int  # 0: no reminder
    questions: tuple[str, ...]
    # A check-in's partners: chosen from the list (ids), or typed while there is no list
    # (names, added to it on save); neither: each participant's own partners.
    partner_ids: tuple[int, ...]
    new_partners: tuple[str, ...]
    skip_weekends: bool
    holiday_country: str | None


def _channel(submission: Submission, field: str, label: str) -> ConversationRef | None:
    return channel_in_form(submission, field, label,
                           asked_in=submission.context.get(ASKED_IN_KEY))


def _kind(submission: Submission, family: Family) -> CadenceKind:
    if len(family.kinds) == 1:
        return family.kind  # the form has no kind field; anything sent for it is ignored
    chosen = submission.text(KIND) or family.kind.value
    kind = next((kind for kind in family.kinds if kind.value == chosen), None)
    if kind is None:
        raise UserError("Choose one of the kinds offered.", field=KIND)
    return kind


class Problems:
    """Field id -> what is wrong; the first problem of a field is the one reported."""

    def __init__(self) -> None:
        self.found: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.found.setdefault(field, message)

    def checked(self, field: str, text: str, check: checks.Check) -> str:
        if text and (problem := check(text)):
            self.add(field, problem)
        return text

    def read(self, field: str, reading: Callable[[], T], otherwise: T) -> T:
        """What `reading` gives, or `otherwise` with its UserError noted for `field`."""
        try:
            return reading()
        except UserError as problem:
            self.add(problem.field or field, problem.message)
            return otherwise


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def _clock(problems: Problems, submission: Submission, field: str, default: str,
           what: str) -> time | None:
    text = problems.checked(field, submission.text(field) or default, checks.clock(what))
    return None if field in problems.found else parse_clock(text)


def _reminder(problems: Problems, submission: Submission, start: time | None,
              close: time | None) -> int:
    text = problems.checked(REMINDER, submission.text(REMINDER), checks.minutes)
    if not text or REMINDER in problems.found or int(text) == 0:
        return 0
    minutes = int(text)
    if start is not None and close is not None and close > start \
            and minutes >= (window := _minutes(close) - _minutes(start)):
        problems.add(REMINDER, f"A reminder {minutes} minutes after {start:%H:%M} would come "
                               f"after the close at {close:%H:%M}; use fewer than {window} "
                               "minutes.")
    return minutes


async def _participants(submission: Submission, user_ids: PickedPeople | None
                        ) -> tuple[str, ...]:
    """The picked people's user ids, as the platform's picker port maps its values (Teams'
    picker answers with Microsoft Entra object ids, which the bot cannot message)."""
    picked = list(dict.fromkeys(submission.items(PARTICIPANTS)))
    if user_ids is None:
        return tuple(picked)
    found = await user_ids(picked)
    strangers = found.count(None)
    if strangers:
        who = "someone you picked" if strangers == 1 else f"{strangers} of the people picked"
        raise UserError(f"I don't know {who} yet, so I couldn't message them. Ask everyone "
                        "you picked to send me `partnerops whoami` once (in a chat with me), "
                        "then submit again; nothing was saved.", example="partnerops whoami",
                        field=PARTICIPANTS)
    return tuple(dict.fromkeys(user_id for user_id in found if user_id is not None))


def _days(problems: Problems, submission: Submission, schedule: Schedule | None,
          skip_weekends: bool) -> frozenset[int]:
    """The days of the week; a monthly or quarterly schedule names its own day instead
    (and whether days are needed is unknown while the schedule is unreadable)."""
    days = problems.read(DAYS, lambda: parse_days(",".join(submission.items(DAYS))),
                         frozenset()) if submission.items(DAYS) else frozenset()
    if schedule is None:
        return days
    if not schedule.uses_days:
        weekday = schedule.on.weekday if schedule.on else None
        if skip_weekends and weekday is not None and weekday in WEEKEND:
            problems.add(SCHEDULE, f"Every {WEEKDAY_NAMES[weekday]} is a weekend day and "
                                   "weekends are skipped, so it would never run: choose a "
                                   "weekday, or turn off Skip weekends.")
        return days or parse_days("mon-fri")
    if not days and DAYS not in problems.found:
        problems.add(DAYS, "Name at least one day, such as mon-fri.")
    elif skip_weekends and days and days <= WEEKEND:
        problems.add(DAYS, "Only weekend days are chosen while weekends are skipped, so it "
                           "would never run: add weekdays, or turn off Skip weekends.")
    return days


def _partners(problems: Problems, submission: Submission, partner_names: Mapping[str, str]
              ) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """(partner ids chosen from the list, names typed one per line while the workspace has
    no partner list). None chosen from a list: each participant's own partners (whether
    that leaves anything to ask is checked on save, with the participants known)."""
    if not partner_names:
        typed = checks.lines_of(problems.checked(PARTNERS, submission.text(PARTNERS),
                                                 checks.partner_lines))
        if not typed and PARTNERS not in problems.found:
            problems.add(PARTNERS, "A check-in asks about partners, and the partner list is "
                                   "empty: name at least one, one per line (they join the "
                                   "partner list), or add partners with owners first with "
                                   "`partner add`.")
        return (), tuple(typed)
    chosen = list(dict.fromkeys(submission.items(PARTNERS)))
    if any(value not in partner_names for value in chosen):
        problems.add(PARTNERS, "Choose partners from the list; one was archived or deleted "
                               "meanwhile.")
        return (), ()
    if problem := checks.partner_count(chosen):
        problems.add(PARTNERS, problem)
    return tuple(int(value) for value in chosen), ()


async def read_draft(submission: Submission, family: Family,
                     name_taken: Callable[[str], Awaitable[bool]], *,
                     user_ids: PickedPeople | None = None,
                     partner_names: Mapping[str, str] | None = None) -> Draft:
    """The cadence the form describes; FormErrors naming every bad field otherwise (a rule
    across fields names the fields it involves).

    `user_ids` maps the people picker's values to user ids (see `_participants`);
    `partner_names` the partner list's option values (ids) to names.
    """
    partner_names = partner_names or {}
    problems = Problems()
    name = " ".join(problems.checked(NAME, submission.text(NAME), checks.name).split())
    if not name:
        problems.add(NAME, f"Give the {family.noun} a name.")
    elif NAME not in problems.found and await name_taken(name):
        problems.add(NAME, f"There is already a cadence called '{name}'; names are unique "
                           "(whatever the case). Choose another.")
    kind = problems.read(KIND, lambda: _kind(submission, family), family.kind)
    report_channel = problems.read(
        REPORT_CHANNEL, lambda: _channel(submission, REPORT_CHANNEL, "report channel"), None)
    if report_channel is None:
        problems.add(REPORT_CHANNEL, "Choose the channel the answers go to.")
    try:
        people = await _participants(submission, user_ids)
    except UserError as problem:
        problems.add(PARTICIPANTS, problem.message)
        people = ()
    participant_channel = problems.read(
        PARTICIPANT_CHANNEL,
        lambda: _channel(submission, PARTICIPANT_CHANNEL, "participant channel"), None)
    if not people and participant_channel is None and PARTICIPANTS not in problems.found \
            and PARTICIPANT_CHANNEL not in problems.found:
        problems.add(PARTICIPANTS, "Nobody would be asked: choose participants, or a channel "
                                   "whose members all take part (or both).")
    skip_weekends = submission.flag(SKIP_WEEKENDS)
    schedule_text = problems.checked(SCHEDULE, submission.text(SCHEDULE), checks.schedule)
    schedule = None if SCHEDULE in problems.found else read_schedule(schedule_text)
    days = _days(problems, submission, schedule, skip_weekends)
    start = _clock(problems, submission, LOCAL_TIME, DEFAULT_TIME, "local time")
    close = _clock(problems, submission, CLOSE_TIME, DEFAULT_CLOSE, "close time")
    if start is not None and close is not None and close <= start:
        problems.add(CLOSE_TIME, f"The close time must be after the local time "
                                 f"({start:%H:%M}) on the same day.")
    zone = problems.checked(TIMEZONE, submission.text(TIMEZONE), checks.zone) or None
    reminder = _reminder(problems, submission, start, close)
    questions = checks.typed_questions(problems.checked(QUESTIONS, submission.text(QUESTIONS),
                                                        checks.questions))
    partner_ids, new_partners = _partners(problems, submission, partner_names) \
        if KINDS[kind].about_partners else ((), ())
    country_text = problems.checked(COUNTRY, submission.text(COUNTRY), checks.country)
    if problems.found:
        raise FormErrors(problems.found)
    assert report_channel is not None and schedule is not None and start is not None \
        and close is not None
    return Draft(name, kind, report_channel, people, participant_channel, schedule, days,
                 start, close,
                 zone, reminder, tuple(questions) or KINDS[kind].default_questions,
                 partner_ids, new_partners, skip_weekends, parse_country(country_text))
