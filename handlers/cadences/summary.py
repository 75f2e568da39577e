"""How a cadence is described to admins: its schedule, channel and who takes part."""

from __future__ import annotations

from datetime import datetime

from bot.core.cards import Card, Context, Fields, Text
from bot.core.dates import day_label
from bot.core.words import counted
from handlers.cadences.calendar import Rules, next_day
from handlers.cadences.kinds import family_of, kind_label
from handlers.cadences.parent import report_channel
from handlers.cadences.parsing import questions_of
from handlers.cadences.repeats import Repeat, read_schedule
from storage.cadences.models import Cadence
from storage.common.models import Workspace


def schedule_text(cadence: Cadence) -> str:
    """"mon,tue,wed,thu,fri at 09:00, closes 17:00", "every 2 weeks from 2026-11-30 on
    mon,wed at 09:00, ...", "monthly on the first monday at 09:00, ..." (local times)."""
    try:
        schedule = read_schedule(cadence.schedule)
    except ValueError:  # a row edited by hand: shown as it is, and never planned
        when = f"{cadence.schedule} on {cadence.days}"
    else:
        when = cadence.days if schedule.repeat is Repeat.WEEKLY \
            else f"{schedule.text} on {cadence.days}" if schedule.uses_days else schedule.text
    return f"{when} at {cadence.local_time}, closes {cadence.close_time}"


def next_text(cadence: Cadence, now: datetime, zone: str) -> str:
    """"Mon 07 Dec 2026 at 09:00 (Europe/Berlin)": the next day it runs in `zone`, the zone
    its prompts use for the person asking ("" if paused or never)."""
    if cadence.paused:
        return ""
    try:
        found = next_day(Rules.of(cadence), now, zone)
    except ValueError:
        return ""
    return f"{day_label(found)} at {cadence.local_time} ({zone})" if found else ""


def participants_text(named: int, participant_channel: str) -> str:
    people = counted(named, "person", "people")
    return f"{people} + everyone in {participant_channel}" if participant_channel else people


def state_text(cadence: Cadence) -> str:
    return "paused" if cadence.paused else "active"


def summary_card(cadence: Cadence, workspace: Workspace, named: int, *, created: bool,
                 participant_channel: str = "", next_run: str = "", partners: str = "") -> Card:
    """What the admin sees after saving the setup form; `participant_channel` names the
    channel whose members take part, `next_run` when it next runs (see `next_text`),
    `partners` what a check-in asks about."""
    reminder = f"after {cadence.reminder_minutes} minutes" if cadence.reminder_minutes \
        else "none"
    rows = [
        ("Kind", kind_label(cadence.kind).capitalize()),
        ("Schedule", schedule_text(cadence) + " (each participant's local time)"),
        *([("Next", next_run)] if next_run else []),
        ("Time zone", f"each person's own, else {cadence.timezone}" if cadence.timezone
         else "each person's own, else the workspace default"),
        ("Report channel", report_channel(cadence, workspace).label),
        ("Participants", participants_text(named, participant_channel)),
        ("Reminder", reminder),
        ("Weekends", "skipped" if cadence.skip_weekends else "included"),
        ("Holidays", cadence.holiday_country or "none"),
        ("State", state_text(cadence)),
    ]
    if partners:
        rows.append(("Partners", partners))
    questions = "\n".join(f"- {question}" for question in questions_of(cadence))
    verb = "is set up" if created else "is updated"
    return Card(
        summary=f"{cadence.name} {verb}",
        title=f"{cadence.name} {verb}",
        blocks=(Fields(tuple(rows)), Text(questions),
                Context(f"`{family_of(cadence.kind).command} edit {cadence.name}` changes it.")),
    )
