"""The messages of a cadence: the prompt, the reminder, the report-channel parent, answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from bot.core.cards import Actions, Button, ButtonStyle, Card, Context, Fields, Text
from bot.core.conversation import CommandStyle, ConversationRef, Platform
from bot.core.dates import day_label
from bot.core.words import counted
from handlers.cadences.ids import CadenceAction
from handlers.cadences.kinds import family_of, kind_label
from handlers.cadences.subjects import Subject
from handlers.common.questions import Question
from storage.cadences.models import Cadence, Occurrence


def answer_value(occurrence_id: int, partner_id: int | None = None) -> str:
    """The Answer button's value: which occurrence, and which partner (by its row) of it."""
    return f"{occurrence_id}:p{partner_id}" if partner_id is not None else str(occurrence_id)


@dataclass(frozen=True)
class AnswerTarget:
    """What an Answer button points at: a day, and the partner (by row) or, on buttons sent
    before partners were kept by row, the partner's place in the list then."""

    occurrence_id: int
    partner_id: int | None = None
    position: int | None = None


def read_answer_value(value: str) -> AnswerTarget:
    """The target of an Answer button; ValueError if it is not one."""
    occurrence, _, about = value.partition(":")
    if about.startswith("p"):
        return AnswerTarget(int(occurrence), partner_id=int(about[1:]))
    return AnswerTarget(int(occurrence), position=int(about) if about else None)


def occurrence_label(occurrence: Occurrence) -> str:
    return day_label(occurrence.local_date)


def _answer_buttons(occurrence: Occurrence, subjects: Sequence[Subject]) -> Actions:
    buttons = [
        Button(f"Answer for {subject.name}" if subject.name else "Answer",
               CadenceAction.ANSWER, answer_value(occurrence.id or 0, subject.partner_id),
               ButtonStyle.PRIMARY)
        for subject in subjects
    ]
    buttons.append(Button("Skip today", CadenceAction.SKIP, str(occurrence.id)))
    return Actions(tuple(buttons))


def prompt_card(cadence: Cadence, occurrence: Occurrence, subjects: Sequence[Subject],
                questions: list[str], closes_at_local: str,
                style: CommandStyle | None = None, agenda: tuple[str, ...] | None = None) -> Card:
    """The DM that opens a person's day; `style` writes the command the platform's way;
    `agenda` lists what an objective review is about (the person's open objectives)."""
    # An example date two weeks on from the day asked, never one in the past.
    away = (style or CommandStyle()).typed(
        f"{family_of(cadence.kind).command} ooo until "
        f"{occurrence.local_date + timedelta(days=14):%Y-%m-%d}")
    kind = kind_label(cadence.kind)
    partners = [subject.name for subject in subjects if subject.partner is not None]
    about = f" about {partners[0]}" if len(partners) == 1 else \
        f" about {len(partners)} partners" if partners else ""
    channel = ConversationRef(Platform(cadence.platform), cadence.report_channel_id,
                              name=cadence.report_channel_name).label \
        if cadence.report_channel_name else "the report channel"
    return Card(
        summary=f"Time for your {kind}: {cadence.name}",
        title=f"{cadence.name}: {occurrence_label(occurrence)}",
        blocks=(
            Text(f"Time for your {kind}{about}. {counted(len(questions), 'short question')}; "
                 f"answers go to {channel}."),
            *_agenda(agenda),
            _answer_buttons(occurrence, subjects),
            # No code marks: Teams cards show them literally.
            Context(f"Open until {closes_at_local}. Away for a while? Tell me with {away}."),
        ),
    )


def _agenda(agenda: tuple[str, ...] | None) -> tuple[Text, ...]:
    if agenda is None:
        return ()
    if not agenda:
        return (Text("Your partners have no open objectives right now.", markup=False),)
    return (Text("Your partners' open objectives:\n" + "\n".join(f"- {line}"
                                                                for line in agenda),
                 markup=True),)


def reminder_card(cadence: Cadence, occurrence: Occurrence, subjects: Sequence[Subject],
                  closes_at_local: str) -> Card:
    return Card(
        summary=f"Reminder: {cadence.name} is still waiting for you",
        title=f"Reminder: {cadence.name}",
        blocks=(
            Text(f"Your answers for {occurrence_label(occurrence)} are still open until "
                 f"{closes_at_local}."),
            _answer_buttons(occurrence, subjects),
        ),
    )


@dataclass(frozen=True)
class Attendance:
    """Who did what for one occurrence; names, for the report-channel message."""

    answered: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    away: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)


def _names(names: list[str]) -> str:
    return ", ".join(names) if names else "nobody"


def report_card(cadence: Cadence, occurrence: Occurrence, attendance: Attendance,
                closed: bool) -> Card:
    """The one parent message per occurrence; answers are thread replies under it."""
    pending = "Did not answer" if closed else "Waiting for"
    rows = [("Answered", _names(attendance.answered))]
    if attendance.skipped:
        rows.append(("Skipped", _names(attendance.skipped)))
    if attendance.away:
        rows.append(("Out of office", _names(attendance.away)))
    if attendance.waiting:
        rows.append((pending, _names(attendance.waiting)))
    total = len(attendance.answered) + len(attendance.skipped) + len(attendance.waiting)
    state = "closed" if closed else "open: answers arrive in the thread"
    return Card(
        summary=f"{cadence.name} for {occurrence_label(occurrence)}: "
                f"{len(attendance.answered)} of {total} answered",
        title=f"{cadence.name}: {occurrence_label(occurrence)}",
        blocks=(Fields(tuple(rows)),
                Context(f"{kind_label(cadence.kind).capitalize()} · {state}")),
    )


def answer_card(person_name: str, subject: str, questions: list[Question],
                answers: list[str]) -> Card:
    heading = f"{person_name} about {subject}" if subject else person_name
    pairs = tuple((question.text, question.label(answer) if answer else "—")
                  for question, answer in zip(questions, answers, strict=False))
    return Card(summary=f"{heading} answered", title=heading, blocks=(Fields(pairs),))
