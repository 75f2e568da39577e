"""A 10,000-person cadence through fake Slack, against a raw slack_sdk send loop.

Both send the same Block Kit prompt to the same loopback fake with the same concurrency
(run_due's FAN_OUT) and the same retrying client; the floor has no database, no ledger
and no rendering. The ratio is what exactly-once delivery costs on top of the sends.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.app import build_application
from bot.core.clock import SimulatedClock
from bot.platforms.slack.client import build_web_client
from bot.settings import Settings
from bot.web import create_web_app
from handlers.cadences.due import FAN_OUT
from schedules.run_due import run_due
from storage.cadences import repository as cadences
from storage.cadences.models import Cadence, CadenceKind
from storage.common import workspaces
from storage.common.models import Person, PersonIdentity
from storage.migrate import upgrade
from tests.fakes import FakeSlackApi

PEOPLE = 10_000
BERLIN_0900 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
TEAM_ID = "T0001"  # the fake Slack's workspace


async def _floor(slack: FakeSlackApi, blocks: list[dict]) -> float:
    client = build_web_client("xoxb-bench", slack.url)
    gate = asyncio.Semaphore(FAN_OUT)

    async def send(n: int) -> None:
        async with gate:
            await client.chat_postMessage(channel=f"U{n:06d}", text="Time for your standup",
                                          blocks=blocks)

    started = time.perf_counter()
    await asyncio.gather(*(send(n) for n in range(PEOPLE)))
    return time.perf_counter() - started


async def _ours(slack: FakeSlackApi, folder: Path) -> tuple[float, list[dict]]:
    clock = SimulatedClock(BERLIN_0900)
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{folder / 'f.db'}",
                        slack_bot_token="xoxb-bench", slack_signing_secret="s",
                        slack_api_url=slack.url)
    application = build_application(settings, clock=clock)
    create_web_app(application)  # registers the Slack outbox, as `partnerops run` does
    await upgrade(application.database)
    now = clock.now()
    async with application.database.session() as session:
        workspace = await workspaces.for_external_id(session, "slack", TEAM_ID, now=now)
        workspace_id = workspace.id or 0
        team = [Person(workspace_id=workspace_id, display_name=f"Rep {n}",
                       timezone="Europe/Berlin", created_at=now) for n in range(PEOPLE)]
        session.add_all(team)
        await session.flush()
        session.add_all([PersonIdentity(person_id=person.id or 0, workspace_id=workspace_id,
                                        platform="slack", user_id=f"U{n:06d}", created_at=now)
                         for n, person in enumerate(team)])
        cadence = await cadences.save(session, Cadence(
            workspace_id=workspace_id, name="All hands", kind=CadenceKind.STANDUP,
            platform="slack", report_channel_id="C0REPORT", questions=["Today?"],
            reminder_minutes=0, created_at=now, updated_at=now))
        await session.flush()
        await cadences.set_participants(session, cadence.id or 0, [p.id or 0 for p in team],
                                        now=cadence.created_at)
    started = time.perf_counter()
    report = await run_due(application.services, BERLIN_0900)
    elapsed = time.perf_counter() - started
    assert report.count("cadences", "prompt") == PEOPLE and not report.failures, report
    await application.close()
    prompt = next(call for call in slack.of("chat.postMessage")
                  if call.args["channel"].startswith("U"))
    return elapsed, prompt.args["blocks"]


async def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        async with FakeSlackApi() as slack:
            ours, blocks = await _ours(slack, Path(folder))
            slack.log.clear()
            floor = await _floor(slack, blocks)
    print(f"raw slack_sdk loop: {PEOPLE} DMs in {floor:6.2f} s ({PEOPLE / floor:7.0f}/s)")
    print(f"run_due:            {PEOPLE} DMs in {ours:6.2f} s ({PEOPLE / ours:7.0f}/s)")
    print(f"run_due / raw ratio: {ours / floor:.2f} (goal <= 1.5) at concurrency {FAN_OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
