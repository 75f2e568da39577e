"""Cadences and answers export as flat rows, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from storage.cadences import repository as cadences
from storage.cadences.models import AnswerStatus, Cadence, CadenceKind
from storage.common import people
from storage.common.export import EXPORTERS
from storage.common.people import IdentityColumn
from storage.engine import Database

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def test_cadences_and_answers_export_flat(database: Database):
    async with database.session() as session:
        ana, _ = await people.get_or_create(session, IdentityColumn.SLACK, "U1", now=NOW,
                                            display_name="Ana")
        cadence = await cadences.save(session, Cadence(
            name="Partners", kind=CadenceKind.CHECKIN, platform="slack",
            report_channel_id="C1", questions=json.dumps(["Health?", "Next step?"]),
            subjects=json.dumps(["Northwind", "Contoso"]), created_at=NOW, updated_at=NOW))
        await cadences.set_participants(session, cadence.id or 0, [ana.id or 0])
        day = await cadences.ensure_occurrence(session, cadence.id or 0, date(2026, 11, 23),
                                               close_at=NOW, now=NOW)
        await cadences.record_answer(session, occurrence_id=day.id or 0, person_id=ana.id or 0,
                                     subject="Northwind", status=AnswerStatus.ANSWERED,
                                     answers_json=json.dumps(["green", ""]), now=NOW)
    async with database.session() as session:
        [exported] = await EXPORTERS["cadences"](session)
        [answer] = await EXPORTERS["answers"](session)
    assert exported["named_participants"] == 1
    assert exported["partners"] == "Northwind | Contoso" and exported["kind"] == "checkin"
    assert answer == {"cadence": "Partners", "date": "2026-11-23", "person": "Ana",
                      "partner": "Northwind", "status": "answered", "answers": "Health?: green",
                      "answered_at": NOW.isoformat()}
