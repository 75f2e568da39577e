"""Flat rows of cadences and their answers, for `partnerops export cadences|answers`."""

from __future__ import annotations

import json

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.cadences.models import Answer, Cadence, CadenceParticipant, Occurrence
from storage.common.models import Person
from storage.rows import Row, flat


def _listed(stored: str) -> str:
    """A stored JSON list as one line of text, items separated by " | "."""
    return " | ".join(str(item) for item in json.loads(stored or "[]"))


async def cadence_rows(session: AsyncSession) -> list[Row]:
    counts = (select(CadenceParticipant.cadence_id, func.count().label("named"))
              .group_by(col(CadenceParticipant.cadence_id)).subquery())
    statement = (select(Cadence, counts.c.named)
                 .join(counts, counts.c.cadence_id == Cadence.id, isouter=True)
                 .order_by(Cadence.id))
    return [
        {
            "id": cadence.id, "name": cadence.name, "kind": flat(cadence.kind),
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
        for cadence, named in (await session.exec(statement)).all()
    ]


async def answer_rows(session: AsyncSession) -> list[Row]:
    """One row per answer (or skip), with the questions as they stand now."""
    statement = (select(Answer, Occurrence, Cadence, Person)
                 .join(Occurrence, col(Occurrence.id) == Answer.occurrence_id)
                 .join(Cadence, col(Cadence.id) == Occurrence.cadence_id)
                 .join(Person, col(Person.id) == Answer.person_id)
                 .order_by(col(Occurrence.local_date), col(Answer.id)))
    rows = []
    for answer, occurrence, cadence, person in (await session.exec(statement)).all():
        questions = json.loads(cadence.questions or "[]")
        given = json.loads(answer.answers or "[]")
        rows.append({
            "cadence": cadence.name, "date": occurrence.local_date.isoformat(),
            "person": person.display_name, "partner": answer.subject,
            "status": flat(answer.status),
            "answers": "\n".join(f"{question}: {reply}" for question, reply
                                 in zip(questions, given, strict=False) if reply),
            "answered_at": flat(answer.updated_at),
        })
    return rows
