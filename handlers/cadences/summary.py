"""How a cadence is described to admins: its schedule, channel and who takes part."""

from __future__ import annotations

from bot.core.cards import Card, Context, Fields, Text
from handlers.cadences.kinds import family_of, kind_label
from handlers.cadences.parent import report_channel
from handlers.cadences.parsing import questions_of, subjects_of
from storage.cadences.models import Cadence
from storage.common.models import Workspace


def schedule_text(cadence: Cadence) -> str:
    """"mon,tue,wed,thu,fri at 09:00, closes 17:00" (local time of each participant)."""
    return f"{cadence.days} at {cadence.local_time}, closes {cadence.close_time}"


def participants_text(named: int, participant_channel: str) -> str:
    people = f"{named} {'person' if named == 1 else 'people'}"
    return f"{people} + everyone in {participant_channel}" if participant_channel else people


def state_text(cadence: Cadence) -> str:
    return "paused" if cadence.paused else "active"


def summary_card(cadence: Cadence, workspace: Workspace, named: int, *, created: bool,
                 participant_channel: str = "") -> Card:
    """What the admin sees after saving the setup form; `participant_channel` names the
    channel whose members take part."""
    reminder = f"after {cadence.reminder_minutes} minutes" if cadence.reminder_minutes \
        else "none"
    rows = [
        ("Kind", kind_label(cadence.kind).capitalize()),
        ("Schedule", schedule_text(cadence) + " (each participant's local time)"),
        ("Time zone", f"each person's own, else {cadence.timezone}" if cadence.timezone
         else "each person's own, else the workspace default"),
        ("Report channel", report_channel(cadence, workspace).label),
        ("Participants", participants_text(named, participant_channel)),
        ("Reminder", reminder),
        ("Weekends", "skipped" if cadence.skip_weekends else "included"),
        ("Holidays", cadence.holiday_country or "none"),
        ("State", state_text(cadence)),
    ]
    subjects = [subject for subject in subjects_of(cadence) if subject]
    if subjects:
        rows.append(("Partners", ", ".join(subjects)))
    questions = "\n".join(f"- {question}" for question in questions_of(cadence))
    verb = "is set up" if created else "is updated"
    return Card(
        summary=f"{cadence.name} {verb}",
        title=f"{cadence.name} {verb}",
        blocks=(Fields(tuple(rows)), Text(questions),
                Context(f"`{family_of(cadence.kind).command} edit {cadence.name}` changes it.")),
    )
