"""Reading a submitted setup form: every field checked in form order, the first problem named."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import time

from bot.core.conversation import ConversationKind, ConversationRef
from bot.core.dates import known_zone
from bot.core.errors import UserError
from bot.core.forms import HERE, Submission
from handlers.cadences.kinds import KINDS, Family
from handlers.cadences.parsing import (
    WEEKEND,
    parse_clock,
    parse_country,
    parse_days,
)
from handlers.cadences.setup_form import (
    CLOSE_TIME,
    COUNTRY,
    DAYS,
    DEFAULT_CLOSE,
    DEFAULT_TIME,
    KIND,
    LOCAL_TIME,
    NAME,
    NAME_MAX,
    PARTICIPANT_CHANNEL,
    PARTICIPANTS,
    PARTNERS,
    QUESTIONS,
    REMINDER,
    REPORT_CHANNEL,
    SKIP_WEEKENDS,
    TIMEZONE,
)
from storage.cadences.models import CadenceKind

QUESTIONS_MAX = 10
QUESTION_MAX = 200
PARTNERS_MAX = 20  # one Answer button each on the prompt, within a platform's button row
PARTNER_MAX = 200

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
    days: frozenset[int]
    local_time: time
    close_time: time
    timezone: str | None
    reminder_minutes: int  # 0: no reminder
    questions: tuple[str, ...]
    partners: tuple[str, ...]
    skip_weekends: bool
    holiday_country: str | None


def _channel(submission: Submission, field: str, label: str) -> ConversationRef | None:
    value = submission.text(field)
    if not value:
        return None
    here = submission.conversation
    if value.lower() == HERE:
        if here.kind is ConversationKind.DIRECT:
            raise UserError(f"`{HERE}` is our direct conversation, which can't be the {label}; "
                            "choose a channel, or open the form from the channel itself.",
                            example="#partner-standup", field=field)
        return here
    if value == here.id:
        return here
    return ConversationRef(here.platform, value, ConversationKind.CHANNEL)


def _clock(submission: Submission, field: str, default: str, what: str) -> time:
    text = submission.text(field) or default
    try:
        return parse_clock(text)
    except ValueError as exc:
        raise UserError(f"The {what} {exc}.", example=default, field=field) from None


def _lines(text: str) -> list[str]:
    seen: dict[str, str] = {}
    for line in (line.strip() for line in text.splitlines()):
        if line and line.lower() not in seen:
            seen[line.lower()] = line
    return list(seen.values())


def _name(submission: Submission, family: Family) -> str:
    name = " ".join(submission.text(NAME).split())
    example = family.example_name
    if not name:
        raise UserError(f"Give the {family.noun} a name.", example=example, field=NAME)
    if len(name) > NAME_MAX:
        raise UserError(f"Keep the name under {NAME_MAX} characters.", example=example,
                        field=NAME)
    return name


def _kind(submission: Submission, family: Family) -> CadenceKind:
    if len(family.kinds) == 1:
        return family.kind  # the form has no kind field; anything sent for it is ignored
    chosen = submission.text(KIND) or family.kind.value
    kind = next((kind for kind in family.kinds if kind.value == chosen), None)
    if kind is None:
        raise UserError("Choose one of the kinds offered.", field=KIND)
    return kind


def _days(submission: Submission, skip_weekends: bool) -> frozenset[int]:
    try:
        days = parse_days(",".join(submission.items(DAYS)))
    except ValueError as exc:
        raise UserError(f"Days: {exc}.", example="mon,tue,wed,thu,fri", field=DAYS) from None
    if skip_weekends and days <= WEEKEND:
        raise UserError("Only weekend days are chosen while weekends are skipped, so it would "
                        "never run: add weekdays, or untick Skip weekends.",
                        example="mon,wed,fri", field=DAYS)
    return days


def _timezone(submission: Submission) -> str | None:
    zone = submission.text(TIMEZONE)
    if zone and not known_zone(zone):
        raise UserError(f"'{zone}' is not a time zone I know; use a name from the tz "
                        "database such as Europe/Berlin or America/New_York.",
                        example="Europe/Berlin", field=TIMEZONE)
    return zone or None


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def _reminder(submission: Submission, start: time, close: time) -> int:
    text = submission.text(REMINDER)
    if text in ("", "0"):
        return 0
    if not text.isdigit():
        raise UserError(f"'{text}' is not a whole number of minutes; use 0 or leave it empty "
                        "for no reminder.", example="120", field=REMINDER)
    minutes, window = int(text), _minutes(close) - _minutes(start)
    if minutes >= window:
        raise UserError(f"A reminder {minutes} minutes after {start:%H:%M} would come after "
                        f"the close at {close:%H:%M}; use fewer than {window} minutes.",
                        example=str(min(120, window // 2)), field=REMINDER)
    return minutes


def _questions(submission: Submission, kind: CadenceKind) -> tuple[str, ...]:
    questions = _lines(submission.text(QUESTIONS))
    if len(questions) > QUESTIONS_MAX:
        raise UserError(f"Ask at most {QUESTIONS_MAX} questions; short ones get answered.",
                        example="What are you working on today?", field=QUESTIONS)
    if any(len(question) > QUESTION_MAX for question in questions):
        raise UserError(f"Keep each question under {QUESTION_MAX} characters.",
                        example="Anything blocking you?", field=QUESTIONS)
    return tuple(questions) or KINDS[kind].default_questions


def _partners(submission: Submission, kind: CadenceKind) -> tuple[str, ...]:
    if not KINDS[kind].about_partners:
        return ()
    partners = _lines(submission.text(PARTNERS))
    if len(partners) > PARTNERS_MAX:
        raise UserError(f"A check-in can ask about at most {PARTNERS_MAX} partners; split "
                        "them over two check-ins.", example="Northwind Traders", field=PARTNERS)
    if any(len(partner) > PARTNER_MAX for partner in partners):
        raise UserError(f"Keep each partner name under {PARTNER_MAX} characters.",
                        example="Northwind Traders", field=PARTNERS)
    return tuple(partners)


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


async def read_draft(submission: Submission, family: Family,
                     name_taken: Callable[[str], Awaitable[bool]], *,
                     user_ids: PickedPeople | None = None) -> Draft:
    """The cadence the form describes; raises UserError(field=...) for the first bad field.

    `user_ids` maps the people picker's values to user ids (see `_participants`).
    """
    name = _name(submission, family)
    if await name_taken(name):
        raise UserError(f"There is already a cadence called '{name}'; names are unique "
                        "(whatever the case). Choose another.", example=f"{name} 2", field=NAME)
    kind = _kind(submission, family)
    report_channel = _channel(submission, REPORT_CHANNEL, "report channel")
    if report_channel is None:
        raise UserError("Choose the channel the answers go to.", example="#partner-standup",
                        field=REPORT_CHANNEL)
    people = await _participants(submission, user_ids)
    participant_channel = _channel(submission, PARTICIPANT_CHANNEL, "participant channel")
    if not people and participant_channel is None:
        raise UserError("Nobody would be asked: choose participants, or a channel whose "
                        "members all take part (or both).", example="@ana @bob",
                        field=PARTICIPANTS)
    skip_weekends = submission.flag(SKIP_WEEKENDS)
    days = _days(submission, skip_weekends)
    start = _clock(submission, LOCAL_TIME, DEFAULT_TIME, "local time")
    close = _clock(submission, CLOSE_TIME, DEFAULT_CLOSE, "close time")
    if close <= start:
        raise UserError(f"The close time must be after the local time ({start:%H:%M}) on the "
                        "same day.", example=DEFAULT_CLOSE, field=CLOSE_TIME)
    zone = _timezone(submission)
    reminder = _reminder(submission, start, close)
    questions = _questions(submission, kind)
    partners = _partners(submission, kind)
    try:
        country = parse_country(submission.text(COUNTRY))
    except ValueError as exc:
        raise UserError(f"{exc}.", example="DE", field=COUNTRY) from None
    return Draft(name, kind, report_channel, people, participant_channel, days, start, close,
                 zone, reminder, questions, partners, skip_weekends, country)
