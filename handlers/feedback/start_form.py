"""Starting a campaign: the form, the one-line `start "<title>" in #channel closes <date>`,
and both read into a CampaignSpec (every bad field reported at once, what was typed kept)."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.core.conversation import ConversationRef
from bot.core.errors import FormErrors, UserError
from bot.core.forms import FieldKind, Form, FormField, Option, Submission
from handlers.common.questions import NOTATION_HELP, parse_question
from handlers.feedback.ids import FeedbackForm
from storage.common.models import PartnerType
from storage.feedback.models import AudienceKind

TITLE_MAX = 200
QUESTIONS_MAX = 20
# A close given as a date only: the end of that working day, in the starter's zone.
DEFAULT_CLOSE = time(17, 0)
DEFAULT_REMIND_HOURS = 48
REMIND_HOURS_MAX = 24 * 30
DEFAULT_QUESTIONS = (
    "What should this year's partner conference cover for you?",
    "Which format helps you most? [keynotes|hands-on labs|roundtables|1:1 meetings]",
    "Anything else we should plan for?",
)
EXAMPLE = 'feedback start "Partner Summit 2027 planning" in #partner-summit closes 2027-01-15'
AUDIENCE_LABELS = {
    AudienceKind.ALL: "All partners",
    AudienceKind.TIER: "A tier",
    AudienceKind.TYPE: "A type",
    AudienceKind.CHOSEN: "Chosen partners",
}


class Field:
    TITLE = "title"
    QUESTIONS = "questions"
    AUDIENCE = "audience"
    TIER = "tier"
    TYPE = "type"
    PARTNERS = "partners"
    CHANNEL = "channel"
    CLOSES = "closes"
    REMIND = "remind"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class CampaignSpec:
    """A campaign as its starter described it."""

    title: str
    questions: tuple[str, ...]
    audience: AudienceKind
    audience_value: str
    partner_ids: tuple[int, ...]
    channel: ConversationRef | None
    closes_at: datetime
    anonymous: bool
    remind_before_hours: int = 48


def start_form(partners: tuple[Option, ...]) -> Form:
    fields = [
        FormField(Field.TITLE, "Title", max_length=TITLE_MAX,
                  placeholder="Partner Summit 2027 planning"),
        FormField(Field.QUESTIONS, "Questions, one per line", kind=FieldKind.MULTILINE,
                  initial="\n".join(DEFAULT_QUESTIONS),
                  hint=f"End a line with its type in brackets: {NOTATION_HELP}."),
        FormField(Field.AUDIENCE, "Audience", kind=FieldKind.SELECT, initial=AudienceKind.ALL,
                  options=tuple(Option(kind.value, label)
                                for kind, label in AUDIENCE_LABELS.items())),
        FormField(Field.TIER, "Tier (for an audience of a tier)", required=False,
                  placeholder="Gold", max_length=40),
        FormField(Field.TYPE, "Type (for an audience of a type)", kind=FieldKind.SELECT,
                  required=False,
                  options=tuple(Option(kind.value, kind.value) for kind in PartnerType)),
    ]
    if partners:
        fields.append(FormField(Field.PARTNERS, "Partners (for chosen partners)",
                                kind=FieldKind.MULTISELECT, required=False, options=partners))
    fields += [
        FormField(Field.CHANNEL, "Channel: where the campaign is posted (a Slack Connect "
                                 "channel shared with partners works)", kind=FieldKind.CHANNEL),
        FormField(Field.CLOSES, "Close: date and time (your time zone)",
                  placeholder="2027-01-15 17:00", check=_close_problem),
        FormField(Field.REMIND, "Reminder: hours before the close (to partners that have "
                                "not answered)", kind=FieldKind.NUMBER, required=False,
                  initial=str(DEFAULT_REMIND_HOURS), check=_remind_problem),
        FormField(Field.ANONYMOUS, "Anonymous to partners: names shown to me only",
                  kind=FieldKind.CHECKBOX, required=False),
    ]
    return Form(id=FeedbackForm.START, title="Start a feedback campaign", submit_label="Start",
                fields=tuple(fields))


def _remind_problem(typed: str) -> str | None:
    if not typed.strip().isdigit() or not 1 <= int(typed.strip()) <= REMIND_HOURS_MAX:
        return f"Reminder is a whole number of hours, 1 to {REMIND_HOURS_MAX}, such as 48."
    return None


def _close_problem(typed: str) -> str | None:
    try:
        _parse_close(typed, "UTC")
    except ValueError as problem:
        return str(problem)
    return None


def _parse_close(typed: str, zone: str) -> datetime:
    """"2027-01-15" (at 17:00) or "2027-01-15 17:00", in `zone`."""
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}:\d{2}))?", typed.strip())
    if match is None:
        raise ValueError(f"'{typed.strip()[:20]}' is not a date such as 2027-01-15 or "
                         "2027-01-15 17:00.")
    try:
        day = datetime.strptime(match[1], "%Y-%m-%d").date()
        at = datetime.strptime(match[2], "%H:%M").time() if match[2] else DEFAULT_CLOSE
    except ValueError:
        raise ValueError(f"'{typed.strip()[:20]}' is not a real date and time.") from None
    return datetime.combine(day, at, ZoneInfo(zone))


def question_problems(text: str) -> tuple[tuple[str, ...], str | None]:
    """The question lines, and what is wrong with them (None when nothing)."""
    lines = tuple(line.strip() for line in text.splitlines() if line.strip())
    if not lines:
        return lines, "Ask at least one question, one per line."
    if len(lines) > QUESTIONS_MAX:
        return lines, f"Ask at most {QUESTIONS_MAX} questions."
    for line in lines:
        try:
            parse_question(line)
        except ValueError as problem:
            return lines, f"{problem}."
    return lines, None


def read_start(form: Form, submission: Submission, *, zone: str, now: datetime,
               channel: ConversationRef | None) -> CampaignSpec:
    """The campaign the form describes; FormErrors naming every bad field otherwise.
    `channel`: the CHANNEL field as the platform resolved it."""
    values = dict(submission.values)
    problems = form.errors(values)
    questions, wrong = question_problems(submission.text(Field.QUESTIONS))
    if wrong and Field.QUESTIONS not in problems:
        problems[Field.QUESTIONS] = wrong
    try:
        audience = AudienceKind(submission.text(Field.AUDIENCE) or AudienceKind.ALL)
    except ValueError:  # not one of the menu's options (a stale or forged form)
        problems[Field.AUDIENCE] = "Choose who is asked: all partners, a tier, a type, or " \
                                   "chosen partners."
        audience = AudienceKind.ALL
    value, partner_ids = "", tuple(int(item) for item in submission.items(Field.PARTNERS)
                                   if item.isdigit())
    if audience is AudienceKind.TIER:
        value = submission.text(Field.TIER)
        if not value:
            problems[Field.TIER] = "Name the tier, such as Gold, for an audience of a tier."
    elif audience is AudienceKind.TYPE:
        value = submission.text(Field.TYPE)
        if not value:
            problems[Field.TYPE] = "Choose the type for an audience of a type."
    elif audience is AudienceKind.CHOSEN and not partner_ids:
        problems[Field.PARTNERS if any(item.id == Field.PARTNERS for item in form.fields)
                 else Field.AUDIENCE] = \
            "Choose at least one partner for an audience of chosen partners."
    closes_at = now
    if Field.CLOSES not in problems:
        try:
            closes_at = _parse_close(submission.text(Field.CLOSES), zone)
        except ValueError as problem:
            problems[Field.CLOSES] = f"{problem}"
        else:
            if closes_at <= now:
                problems[Field.CLOSES] = "The close is in the past; choose a later date and " \
                                         "time."
    if problems:
        raise FormErrors(problems, form=form.again(values, problems))
    remind = submission.text(Field.REMIND)
    return CampaignSpec(title=" ".join(submission.text(Field.TITLE).split()),
                        questions=questions, audience=audience, audience_value=value,
                        partner_ids=partner_ids if audience is AudienceKind.CHOSEN else (),
                        channel=channel, closes_at=closes_at,
                        anonymous=submission.flag(Field.ANONYMOUS),
                        remind_before_hours=int(remind) if remind else DEFAULT_REMIND_HOURS)


def read_quick(text: str, channel: ConversationRef | None, *, zone: str,
               now: datetime) -> CampaignSpec:
    """`"<title>" in #channel closes YYYY-MM-DD [HH:MM]`: all partners, default questions."""
    try:
        words = shlex.split(text)
    except ValueError:
        raise UserError("Close the quotes around the title.", example=EXAMPLE) from None
    lowered = [word.lower() for word in words]
    if not words or "closes" not in lowered:
        raise UserError('Say the title in quotes, the channel and the close date: start '
                        '"<title>" in #channel closes YYYY-MM-DD. Or `feedback start` alone '
                        'opens the form.', example=EXAMPLE)
    at = lowered.index("closes")
    before, close = words[:at], " ".join(words[at + 1:])
    if before and before[-1].lower() != "in" and len(before) >= 2 \
            and before[-2].lower() == "in":
        before = before[:-2]
    elif before and before[-1].lower() == "in":
        before = before[:-1]
    title = " ".join(" ".join(before).split())
    if not title:
        raise UserError("Give the campaign a title, in quotes.", example=EXAMPLE)
    if len(title) > TITLE_MAX:
        raise UserError(f"Keep the title under {TITLE_MAX} characters.", example=EXAMPLE)
    if channel is None:
        raise UserError("Name the channel to post the campaign in: mention it, such as "
                        "#partner-summit, or say `in here` in the channel itself.",
                        example=EXAMPLE)
    try:
        closes_at = _parse_close(close, zone)
    except ValueError as problem:
        raise UserError(str(problem), example=EXAMPLE) from None
    if closes_at <= now:
        raise UserError("The close is in the past; choose a later date.", example=EXAMPLE)
    return CampaignSpec(title=title, questions=DEFAULT_QUESTIONS, audience=AudienceKind.ALL,
                        audience_value="", partner_ids=(), channel=channel,
                        closes_at=closes_at, anonymous=False)
