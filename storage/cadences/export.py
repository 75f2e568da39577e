"""Cadences and their answers for `partnerops export cadences|answers`: lists stay lists and
answers stay (question, value) documents in JSON, as stored (the cadence feature reads the
question's type from its text); CSV flattens them."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, exists, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.cadences.models import Absence, Answer, Cadence, CadenceParticipant, Occurrence
from storage.cadences.repository import listed_partners
from storage.common.models import Person, Workspace
from storage.rows import Row, flat, flat_row, in_workspace

CADENCE_COLUMNS = (
    "id", "workspace", "name", "kind", "platform", "report_channel", "participant_channel",
    "participants", "schedule", "days", "local_time", "close_time", "timezone",
    "reminder_minutes", "skip_weekends", "holiday_country", "questions", "partners", "paused",
    "created_at")
ANSWER_COLUMNS = ("workspace", "cadence", "date", "person", "partner", "status", "answers",
                  "answered_at")


async def _participant_names(session: AsyncSession, cadence_ids: list[int]
                             ) -> dict[int, list[str]]:
    statement = (select(CadenceParticipant.cadence_id, Person.display_name)
                 .join(Person, col(Person.id) == CadenceParticipant.person_id)
                 .where(col(CadenceParticipant.cadence_id).in_(cadence_ids))
                 .order_by(col(Person.display_name)))
    names: dict[int, list[str]] = defaultdict(list)
    for cadence_id, name in (await session.exec(statement)).all():
        names[cadence_id].append(name)
    return names


async def cadence_rows(session: AsyncSession, workspace_id: int | None = None) -> list[Row]:
    statement = in_workspace(
        select(Cadence, Workspace.external_id)
        .join(Workspace, col(Workspace.id) == Cadence.workspace_id)
        .order_by(col(Cadence.id)), Cadence, workspace_id)
    found = (await session.exec(statement)).all()
    names = await _participant_names(session, [cadence.id or 0 for cadence, _ in found])
    # A check-in listing none asks each participant about their own: its list stays empty.
    partners = await listed_partners(session, [cadence.id or 0 for cadence, _ in found])
    return [
        {
            "id": cadence.id, "workspace": workspace or "", "name": cadence.name,
            "kind": flat(cadence.kind),
            "platform": cadence.platform, "report_channel": cadence.report_channel_id,
            "participant_channel": cadence.participant_channel_id or "",
            "participants": names.get(cadence.id or 0, []),
            "schedule": cadence.schedule,
            "days": [day for day in cadence.days.split(",") if day],
            "local_time": cadence.local_time, "close_time": cadence.close_time,
            "timezone": cadence.timezone or "", "reminder_minutes": cadence.reminder_minutes,
            "skip_weekends": cadence.skip_weekends,
            "holiday_country": cadence.holiday_country or "",
            "questions": list(cadence.questions),
            "partners": [partner.name for partner in partners.get(cadence.id or 0, [])],
            "paused": cadence.paused, "created_at": flat(cadence.created_at),
        }
        for cadence, workspace in found
    ]


OUT = "out"


async def _out_rows(session: AsyncSession, workspace_id: int | None) -> list[Row]:
    """A row for each day a named participant was out of office and gave no answer: the
    report shows them as out, so the export does too."""
    answered = exists().where(Answer.occurrence_id == Occurrence.id,
                              Answer.person_id == Absence.person_id)
    statement = in_workspace(
        select(Occurrence, Cadence, Person, Workspace.external_id).select_from(Absence)
        .join(CadenceParticipant, col(CadenceParticipant.person_id) == Absence.person_id)
        .join(Occurrence, and_(col(Occurrence.cadence_id) == CadenceParticipant.cadence_id,
                               col(Occurrence.local_date) >= Absence.starts_on,
                               col(Occurrence.local_date) <= Absence.ends_on,
                               col(CadenceParticipant.joined_at) < Occurrence.close_at))
        .join(Cadence, col(Cadence.id) == Occurrence.cadence_id)
        .join(Person, col(Person.id) == Absence.person_id)
        .join(Workspace, col(Workspace.id) == Absence.workspace_id)
        .where(or_(col(Absence.cadence_id).is_(None), Absence.cadence_id == Cadence.id),
               ~answered), Absence, workspace_id)
    rows: dict[tuple[int, int], Row] = {}
    for occurrence, cadence, person, workspace in (await session.exec(statement)).all():
        rows.setdefault((occurrence.id or 0, person.id or 0), {
            "workspace": workspace or "", "cadence": cadence.name,
            "date": occurrence.local_date.isoformat(), "person": person.display_name,
            "partner": "", "status": OUT, "answers": [], "answered_at": None,
        })
    return list(rows.values())


async def answer_rows(session: AsyncSession, workspace_id: int | None = None) -> list[Row]:
    """One row per answer or skip, each answer with the question as it was asked; and one
    per day a participant was out of office."""
    statement = in_workspace(
        select(Answer, Occurrence, Cadence, Person, Workspace.external_id)
        .join(Occurrence, col(Occurrence.id) == Answer.occurrence_id)
        .join(Cadence, col(Cadence.id) == Occurrence.cadence_id)
        .join(Person, col(Person.id) == Answer.person_id)
        .join(Workspace, col(Workspace.id) == Answer.workspace_id)
        .order_by(col(Occurrence.local_date), col(Answer.id)), Answer, workspace_id)
    rows = []
    for answer, occurrence, cadence, person, workspace in (await session.exec(statement)).all():
        asked = occurrence.questions or cadence.questions
        rows.append({
            "workspace": workspace or "", "cadence": cadence.name,
            "date": occurrence.local_date.isoformat(),
            "person": person.display_name, "partner": answer.subject,
            "status": flat(answer.status),
            "answers": [{"question": question, "value": value}
                        for question, value in zip(asked, answer.answers, strict=False)],
            "answered_at": flat(answer.updated_at),
        })
    rows += await _out_rows(session, workspace_id)
    # Python's sort is stable: within a day, answers keep their order and outs follow.
    return sorted(rows, key=lambda row: row["date"])


def flat_answer_row(row: Row) -> Row:
    """An answer row for CSV: one `question: value` line per answered question."""
    def line(question: str, value: object) -> str:
        mark = "" if question.endswith(("?", ":", "!", ".")) else ":"
        shown = ("yes" if value else "no") if isinstance(value, bool) else value
        return f"{question}{mark} {shown}"

    lines = "\n".join(line(item["question"], item["value"]) for item in row["answers"]
                      if item["value"] not in (None, ""))
    return {**flat_row(row), "answers": lines}
