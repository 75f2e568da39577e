"""Flat rows of cadences and their answers, for `partnerops export cadences|answers`."""

from __future__ import annotations

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.cadences.models import Answer, Cadence, CadenceParticipant, Occurrence
from storage.common.models import Person, Workspace
from storage.rows import Row, flat, in_workspace


def _listed(items: list[str]) -> str:
    """A list as one line of text, items separated by " | "."""
    return " | ".join(str(item) for item in items)


async def cadence_rows(session: AsyncSession, workspace_id: int | None = None) -> list[Row]:
    counts = (select(CadenceParticipant.cadence_id, func.count().label("named"))
              .group_by(col(CadenceParticipant.cadence_id)).subquery())
    statement = in_workspace(
        select(Cadence, counts.c.named, Workspace.external_id)
        .join(counts, counts.c.cadence_id == Cadence.id, isouter=True)
        .join(Workspace, col(Workspace.id) == Cadence.workspace_id)
        .order_by(col(Cadence.id)), Cadence, workspace_id)
    return [
        {
            "id": cadence.id, "workspace": workspace or "", "name": cadence.name,
            "kind": flat(cadence.kind),
            "platform": cadence.platform, "report_channel": cadence.report_channel_id,
            "participant_channel": cadence.participant_channel_id or "",
            "named_participants": named or 0, "days": cadence.days,
            "local_time": cadence.local_time, "close_time": cadence.close_time,
            "timezone": cadence.timezone or "", "reminder_minutes": cadence.reminder_minutes,
            "skip_weekends": cadence.skip_weekends,
            "holiday_country": cadence.holiday_country or "",
            "questions": _listed(cadence.questions), "partners": _listed(cadence.subjects),
            "paused": cadence.paused, "created_at": flat(cadence.created_at),
        }
        for cadence, named, workspace in (await session.exec(statement)).all()
    ]


async def answer_rows(session: AsyncSession, workspace_id: int | None = None) -> list[Row]:
    """One row per answer (or skip), with the questions as they were asked that day."""
    statement = in_workspace(
        select(Answer, Occurrence, Cadence, Person, Workspace.external_id)
        .join(Occurrence, col(Occurrence.id) == Answer.occurrence_id)
        .join(Cadence, col(Cadence.id) == Occurrence.cadence_id)
        .join(Person, col(Person.id) == Answer.person_id)
        .join(Workspace, col(Workspace.id) == Answer.workspace_id)
        .order_by(col(Occurrence.local_date), col(Answer.id)), Answer, workspace_id)
    rows = []
    for answer, occurrence, cadence, person, workspace in (await session.exec(statement)).all():
        rows.append({
            "workspace": workspace or "", "cadence": cadence.name,
            "date": occurrence.local_date.isoformat(),
            "person": person.display_name, "partner": answer.subject,
            "status": flat(answer.status),
            "answers": "\n".join(f"{question}: {reply}" for question, reply
                                 in zip(occurrence.questions or cadence.questions,
                                        answer.answers, strict=False)
                                 if reply),
            "answered_at": flat(answer.updated_at),
        })
    return rows
