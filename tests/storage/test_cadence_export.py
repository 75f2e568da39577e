"""Cadences and answers export structured for JSON (lists as lists, the people themselves,
answers with their questions) and flat for CSV, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

from handlers.registry import build_registry
from storage.cadences import repository as cadences
from storage.cadences.models import AnswerStatus, Cadence, CadenceKind
from storage.common import people, workspaces
from storage.engine import Database
from storage.partners import repository as partners

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def test_cadences_and_answers_export_structured_and_flat(database: Database):
    exporters = build_registry().exporters
    async with database.session() as session:
        workspace = await workspaces.for_external_id(session, "slack", "T0001", now=NOW)
        ana, _ = await people.get_or_create(session, workspace.id or 0, "slack", "U1", now=NOW,
                                            display_name="Ana")
        cadence = await cadences.save(session, Cadence(
            workspace_id=workspace.id or 0, name="Partners", kind=CadenceKind.CHECKIN,
            platform="slack", report_channel_id="C1",
            questions=["Health? [green|amber|red]", "Next step?", "Demos? [number]",
                       "Blocked? [yes|no]"],
            created_at=NOW, updated_at=NOW))
        northwind, contoso = [
            await partners.add(session, workspace_id=workspace.id or 0, name=name, type=None,
                               tier=None, owner_id=None, now=NOW)
            for name in ("Northwind", "Contoso")]
        await cadences.set_partners(session, cadence.id or 0,
                                    [northwind.id or 0, contoso.id or 0])
        await cadences.set_participants(session, cadence.id or 0, [ana.id or 0],
                                        now=cadence.created_at)
        day = await cadences.ensure_occurrence(session, cadence.id or 0, date(2026, 11, 23),
                                               close_at=NOW, now=NOW)
        await cadences.record_answer(session, occurrence=day, person_id=ana.id or 0,
                                     partner=northwind, status=AnswerStatus.ANSWERED,
                                     answers=["green", "", "3", "no"], now=NOW)
    async with database.session() as session:
        [exported] = await exporters["cadences"].rows(session, None)
        [answer] = await exporters["answers"].rows(session, None)
    assert exported["participants"] == ["Ana"]  # the people, not a count of them
    assert exported["partners"] == ["Northwind", "Contoso"] and exported["kind"] == "checkin"
    assert exported["days"] == ["mon", "tue", "wed", "thu", "fri"]
    assert exported["schedule"] == "weekly"
    assert answer == {"workspace": "T0001", "cadence": "Partners", "date": "2026-11-23",
                      "person": "Ana", "partner": "Northwind", "status": "answered",
                      "answers": [
                          {"question": "Health?", "type": "health", "value": "green"},
                          {"question": "Next step?", "type": "text", "value": None},
                          {"question": "Demos?", "type": "number", "value": 3},
                          {"question": "Blocked?", "type": "yes_no", "value": False}],
                      "answered_at": NOW.isoformat()}
    flat_cadence = exporters["cadences"].flatten(exported)
    assert flat_cadence["partners"] == "Northwind\nContoso"
    # One item per line: a question's own | stays readable.
    assert flat_cadence["questions"].splitlines()[0] == "Health? [green|amber|red]"
    assert set(flat_cadence) == set(exporters["cadences"].columns)
    assert exporters["answers"].flatten(answer)["answers"] == \
        "Health? green\nDemos? 3\nBlocked? no"
