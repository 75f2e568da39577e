"""The setup form of a cadence, empty for `setup` or filled from a cadence for `edit`."""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.forms import HERE, FieldKind, Form, FormField, Option
from handlers.cadences import setup_checks as checks
from handlers.cadences.ids import CadenceForm
from handlers.cadences.kinds import KINDS, Family, kind_label
from handlers.cadences.parsing import DAY_NAMES, format_days, parse_days, questions_of
from handlers.cadences.setup_checks import NAME_MAX
from handlers.common.partner_menu import PartnerMenuAction
from storage.cadences.models import Cadence

NAME = "name"
KIND = "kind"
REPORT_CHANNEL = "report_channel"
PARTICIPANTS = "participants"
PARTICIPANT_CHANNEL = "participant_channel"
SCHEDULE = "schedule"
DAYS = "days"
LOCAL_TIME = "local_time"
CLOSE_TIME = "close_time"
TIMEZONE = "timezone"
REMINDER = "reminder_minutes"
QUESTIONS = "questions"
PARTNERS = "partners"
SKIP_WEEKENDS = "skip_weekends"
COUNTRY = "holiday_country"

# What travels in Form.context: the command family, the cadence being edited, and the
# channel `here` means once the form comes back to fix somewhere else (a Teams 1:1 chat).
FAMILY_KEY = "family"
CADENCE_KEY = "cadence"
ASKED_IN_KEY = "asked_in"

DEFAULT_SCHEDULE = "weekly"
DEFAULT_DAYS = "mon,tue,wed,thu,fri"
DEFAULT_TIME = "09:00"
DEFAULT_CLOSE = "17:00"
DEFAULT_REMINDER = "120"
CHECKED = "true"

DAY_OPTIONS = tuple(Option(day, day.capitalize()) for day in DAY_NAMES)
DAY_SHORTHANDS = (("weekdays", DAY_NAMES[:5]), ("weekend", DAY_NAMES[5:]), ("daily", DAY_NAMES),
                  ("everyday", DAY_NAMES))


def _named(channel_names: Mapping[str, str], initial: Mapping[str, str],
           field: str) -> tuple[Option, ...]:
    """The channel a field already holds, by the name people know it by (Teams shows it)."""
    held = initial.get(field)
    return (Option(held, channel_names[held]),) if held and held in channel_names else ()


def _fields(family: Family, initial: Mapping[str, str], channel_names: Mapping[str, str],
            partner_options: tuple[Option, ...]) -> list[FormField]:
    noun = family.noun
    fields = [
        FormField(NAME, "Name", max_length=NAME_MAX, initial=initial.get(NAME),
                  placeholder=family.example_name, check=checks.name),
        FormField(REPORT_CHANNEL, "Report channel", kind=FieldKind.CHANNEL,
                  initial=initial.get(REPORT_CHANNEL),
                  options=_named(channel_names, initial, REPORT_CHANNEL),
                  hint=f"Answers go there, one thread a day (`{HERE}`: this conversation)."),
        FormField(PARTICIPANTS, "Participants", kind=FieldKind.PEOPLE, required=False,
                  initial=initial.get(PARTICIPANTS)),
        FormField(PARTICIPANT_CHANNEL, "Everyone in this channel takes part",
                  kind=FieldKind.CHANNEL, required=False,
                  initial=initial.get(PARTICIPANT_CHANNEL),
                  options=_named(channel_names, initial, PARTICIPANT_CHANNEL),
                  hint="Optional; its members are looked up each time, so joiners are in."),
        FormField(SCHEDULE, "Repeats", required=False, max_length=80,
                  initial=initial.get(SCHEDULE, DEFAULT_SCHEDULE),
                  hint="weekly, every 2 weeks, monthly on the 15th, monthly on the first "
                       "monday, monthly on the last weekday, quarterly on the last friday.",
                  check=checks.schedule),
        FormField(DAYS, "Days", kind=FieldKind.MULTISELECT, options=DAY_OPTIONS,
                  initial=initial.get(DAYS, DEFAULT_DAYS), shorthands=DAY_SHORTHANDS,
                  hint="For weekly and every-N-weeks: names (mon, Monday), ranges (mon-fri), "
                       "weekdays, weekend or daily."),
        FormField(LOCAL_TIME, "Local time (HH:MM)", initial=initial.get(LOCAL_TIME, DEFAULT_TIME),
                  max_length=5, placeholder=DEFAULT_TIME,
                  hint="In each participant's own time zone.", check=checks.clock("local time")),
        FormField(CLOSE_TIME, "Close time (HH:MM)", max_length=5, placeholder=DEFAULT_CLOSE,
                  initial=initial.get(CLOSE_TIME, DEFAULT_CLOSE),
                  hint=f"After the local time; the {noun} summary is final then.",
                  check=checks.clock("close time")),
        FormField(TIMEZONE, "Time zone for people without one", required=False,
                  max_length=64, initial=initial.get(TIMEZONE), placeholder="Europe/Berlin",
                  hint="People use their own zone when they have one, else this, else the "
                       "workspace default.", check=checks.zone),
        FormField(REMINDER, "Remind after (minutes)", required=False, max_length=4,
                  initial=initial.get(REMINDER, DEFAULT_REMINDER),
                  hint="One reminder to whoever has not answered; 0 for none.",
                  check=checks.minutes),
        FormField(QUESTIONS, "Questions, one per line", kind=FieldKind.MULTILINE,
                  required=False, initial=initial.get(QUESTIONS), check=checks.questions,
                  hint="A type in brackets ends a line: [green|amber|red], [number], "
                       "[yes|no] or your own options [low|medium|high]; none is free text. "
                       f"Empty gives the usual {noun} questions: "
                       + " / ".join(KINDS[family.kind].default_questions)),
    ]
    if len(family.kinds) > 1:
        fields.insert(1, FormField(
            KIND, "Kind", kind=FieldKind.SELECT,
            options=tuple(Option(kind.value, kind_label(kind).capitalize())
                          for kind in family.kinds),
            initial=initial.get(KIND, family.kind.value)))
    if partner_options and any(KINDS[kind].about_partners for kind in family.kinds):
        fields.append(FormField(
            PARTNERS, "Partners", kind=FieldKind.MULTISELECT, required=False,
            options=partner_options, initial=initial.get(PARTNERS),
            search=PartnerMenuAction.FIND,
            hint="Each participant is asked about each partner chosen (check-ins only); "
                 "none chosen: about the partners each participant owns."))
    elif any(KINDS[kind].about_partners for kind in family.kinds):
        # No partner list yet: the partners named here are added to it as the form saves.
        fields.append(FormField(
            PARTNERS, "Partners, one per line", kind=FieldKind.MULTILINE, required=False,
            initial=initial.get(PARTNERS), placeholder="Northwind Traders",
            check=checks.partner_lines,
            hint="Each participant is asked about each partner (check-ins only); they join "
                 "the partner list."))
    fields += [
        FormField(SKIP_WEEKENDS, "Skip weekends", kind=FieldKind.CHECKBOX, required=False,
                  initial=initial.get(SKIP_WEEKENDS, CHECKED)),
        FormField(COUNTRY, "Holiday country", required=False, max_length=10,
                  initial=initial.get(COUNTRY), placeholder="US", check=checks.country,
                  hint="No prompts on its public holidays (US, DE, IN...)."),
    ]
    return fields


def setup_form(family: Family, *, initial: Mapping[str, str] | None = None,
               cadence_id: int | None = None,
               channel_names: Mapping[str, str] | None = None,
               partner_options: tuple[Option, ...] = ()) -> Form:
    """The form for a new cadence, or for editing cadence `cadence_id` with `initial` values
    (`channel_names`: channel id -> the name shown for a channel it already holds;
    `partner_options`: the workspace's partners a check-in may ask about, by id)."""
    context = {FAMILY_KEY: family.command}
    if cadence_id is not None:
        context[CADENCE_KEY] = str(cadence_id)
    verb = "Edit" if cadence_id is not None else "New"
    return Form(id=CadenceForm.SETUP, title=f"{verb} {family.noun}",
                fields=tuple(_fields(family, initial or {}, channel_names or {},
                                     partner_options)),
                submit_label="Save" if cadence_id is not None else "Set up", context=context)


def initial_values(cadence: Cadence, participant_ids: list[str],
                   partner_ids: list[int] | None = None) -> dict[str, str]:
    """The form's values for an existing cadence; lists joined with newlines or commas
    (its partners by id, as the partner menu's options are)."""
    values = {
        NAME: cadence.name,
        KIND: cadence.kind.value,
        REPORT_CHANNEL: cadence.report_channel_id,
        SCHEDULE: cadence.schedule,
        DAYS: format_days(parse_days(cadence.days)),
        LOCAL_TIME: cadence.local_time,
        CLOSE_TIME: cadence.close_time,
        REMINDER: str(cadence.reminder_minutes or 0),
        QUESTIONS: "\n".join(questions_of(cadence)),
        SKIP_WEEKENDS: CHECKED if cadence.skip_weekends else "false",
    }
    optional = {
        PARTICIPANTS: ",".join(participant_ids),
        PARTICIPANT_CHANNEL: cadence.participant_channel_id or "",
        PARTNERS: ",".join(str(partner_id) for partner_id in partner_ids or []),
        COUNTRY: cadence.holiday_country or "",
        TIMEZONE: cadence.timezone or "",
    }
    values.update({key: value for key, value in optional.items() if value})
    return values
