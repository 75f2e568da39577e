"""A big Slack team in one standup, written straight into a migrated database (the benches'
set-up: 10,000 people through the chat commands would take longer than what is measured)."""

from __future__ import annotations

from datetime import datetime

from storage.cadences import repository as cadences
from storage.cadences.models import Cadence, CadenceKind
from storage.common import workspaces
from storage.common.models import Person, PersonIdentity
from storage.engine import Database

TEAM_ID = "T0001"  # the fake Slack's workspace
REPORT = "C0REPORT"


def user_id(n: int) -> str:
    return f"U{n:06d}"


async def slack_standup(database: Database, people: int, *, now: datetime,
                        **cadence: object) -> None:
    """`people` Slack users U000000... in Europe/Berlin, all in one standup ("All hands",
    reporting to C0REPORT, no reminder) created at `now`; `cadence` sets other columns."""
    async with database.session() as session:
        workspace = await workspaces.for_external_id(session, "slack", TEAM_ID, now=now)
        workspace_id = workspace.id or 0
        team = [Person(workspace_id=workspace_id, display_name=f"Rep {n}",
                       timezone="Europe/Berlin", created_at=now) for n in range(people)]
        session.add_all(team)
        await session.flush()
        session.add_all([PersonIdentity(person_id=person.id or 0, workspace_id=workspace_id,
                                        platform="slack", user_id=user_id(n), created_at=now)
                         for n, person in enumerate(team)])
        saved = await cadences.save(session, Cadence(**{
            "workspace_id": workspace_id, "name": "All hands", "kind": CadenceKind.STANDUP,
            "platform": "slack", "report_channel_id": REPORT, "questions": ["Today?"],
            "reminder_minutes": 0, "created_at": now, "updated_at": now,
            **cadence}))  # type: ignore[arg-type]
        await session.flush()
        await cadences.set_participants(session, saved.id or 0, [p.id or 0 for p in team],
                                        now=saved.created_at)
