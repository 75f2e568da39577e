"""Reports on big histories: the herd digest, the objective review, a partner's scorecard, a
feedback report and the dashboard's partners page, each on 10,000 and 100,000 rows of its
main table, on SQLite and PostgreSQL. Prints each one's time without its chart, the growth
from 10k to 100k (10.0 is linear), and chart drawing apart. Each time is the median of
TIMED_RUNS runs after a warm one.

The feedback report is timed as its summary card (the campaign's replies counted, the card
built); the CSV of every answer that `feedback report` also sends grows with the answers by
nature, and is printed apart on its own line ("feedback CSV (every answer)": read, written,
kept for its link and sent), like chart drawing, not held to the goal.

`python -m bench.reports [sqlite|postgresql]` (PostgreSQL at PARTNEROPS_TEST_POSTGRES_URL or
127.0.0.1:5432/test, in a schema of its own). Goal: each under 200 ms, growth <= 10.
"""

from __future__ import annotations

import asyncio
import io
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from bot.app import Application, build_application
from bot.charting.png import render_png
from bot.core.cards import Card, as_card
from bot.core.charts import Chart
from bot.core.clock import SimulatedClock
from bot.core.conversation import Actor, ConversationKind, ConversationRef, Platform
from bot.core.pages import Viewer, ViewerKind
from bot.core.requests import Invocation
from bot.platforms.console import ConsoleOutbox
from bot.settings import Settings
from handlers.feedback.manage import report_summary, send_report_csv
from handlers.insight.dashboard import Dashboard
from storage.cadences.models import Answer, Cadence, CadenceKind, Occurrence
from storage.common import people, workspaces
from storage.common.models import Partner, Person, Workspace
from storage.elephants.models import Elephant, ElephantVote
from storage.engine import Database, create_engine
from storage.feedback import repository as campaigns
from storage.feedback.models import Campaign, CampaignPartner, FeedbackReply, ReplySource
from storage.migrate import upgrade
from storage.partners.models import Objective

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SIZES = tuple(int(size) for size in os.environ.get("BENCH_SIZES", "10000,100000").split(","))
CHUNK = 5_000
TIMED_RUNS = 5  # each report's figure is the median of these, after a warm run
HERE = ConversationRef(Platform.CONSOLE, "#bench", ConversationKind.CHANNEL)
Timed = Callable[[], Awaitable[Any]]
APART = ("feedback CSV (every answer)",)


async def _bulk(database: Database, model: type, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        async with database.session() as session:
            await session.exec(insert(model), params=rows[start:start + CHUNK])  # type: ignore[call-overload]


async def _fill(application: Application, rows: int) -> None:
    """`rows` elephants, objectives, check-in answers and feedback replies; rows / 100
    partners; one admin (ana, who asks for every report); rows / 10 people answering the
    campaign's form for a partner."""
    database = application.database
    await application.dispatcher.command(Invocation(
        Actor(Platform.CONSOLE, "ana", "Ana"), HERE, "partnerops", "whoami"))
    async with database.session() as session:
        workspace = (await session.exec(text("SELECT id FROM workspace"))).one()[0]  # type: ignore[call-overload]
        ana = (await session.exec(text("SELECT id FROM person"))).one()[0]  # type: ignore[call-overload]
    partners = max(rows // 100, 10)
    await _bulk(database, Partner, [
        {"workspace_id": workspace, "name": f"P{n:06d}", "name_key": f"p{n:06d}",
         "tier": ("Gold", "Silver", "Bronze")[n % 3], "owner_id": ana, "created_at": NOW}
        for n in range(partners)])
    async with database.session() as session:
        ids = [row[0] for row in (await session.exec(text(  # type: ignore[call-overload]
            "SELECT id FROM partner ORDER BY id"))).all()]
    await _bulk(database, Elephant, [
        {"workspace_id": workspace, "number": n + 1, "title": f"Friction {n}",
         "description": "", "status": ("reported", "acknowledged", "resolved")[n % 3],
         "sides": [], "hours_lost_per_week": n % 7, "anonymous": False, "reporter_id": ana,
         "note": "", "platform": "console", "status_changed_at": NOW - timedelta(hours=n % 900),
         "created_at": NOW - timedelta(hours=n % 2000)} for n in range(rows)])
    async with database.session() as session:
        elephant_ids = [row[0] for row in (await session.exec(text(  # type: ignore[call-overload]
            "SELECT id FROM elephant ORDER BY id LIMIT 1000"))).all()]
    await _bulk(database, ElephantVote, [
        {"elephant_id": elephant_ids[n % len(elephant_ids)], "voter_key": uuid.uuid4().hex}
        for n in range(rows // 10)])
    await _bulk(database, Objective, [
        {"workspace_id": workspace, "number": n + 1, "partner_id": ids[n % len(ids)],
         "text": f"Objective {n}", "due_on": date(2026, 1, 1) + timedelta(days=n % 365),
         "status": ("open", "met", "missed")[n % 3], "created_at": NOW, "updated_at": NOW}
        for n in range(rows)])
    cadences = max(rows // 1000, 1)
    await _bulk(database, Cadence, [
        {"workspace_id": workspace, "name": f"Check-in {n}", "name_key": f"check-in {n}",
         "kind": CadenceKind.CHECKIN.value, "report_channel_id": "#bench",
         "report_channel_name": "bench", "schedule": "weekly",
         "platform": "console", "questions": ["Health? [green|amber|red]"], "days": "mon",
         "local_time": "09:00", "close_time": "17:00", "reminder_minutes": 0,
         "skip_weekends": True, "paused": False, "created_at": NOW, "updated_at": NOW}
        for n in range(cadences)])
    async with database.session() as session:
        cadence_ids = [row[0] for row in (await session.exec(text(  # type: ignore[call-overload]
            "SELECT id FROM cadence ORDER BY id"))).all()]
    await _bulk(database, Occurrence, [
        {"workspace_id": workspace, "cadence_id": cadence, "local_date":
         date(2020, 1, 6) + timedelta(weeks=day), "close_at": NOW, "questions": [],
         "created_at": NOW} for cadence in cadence_ids for day in range(1000)])
    async with database.session() as session:
        occurrence_ids = [row[0] for row in (await session.exec(text(  # type: ignore[call-overload]
            "SELECT id FROM occurrence ORDER BY id"))).all()]
    await _bulk(database, Answer, [
        {"workspace_id": workspace, "occurrence_id": occurrence_ids[n], "person_id": ana,
         "local_date": date(2020, 1, 6) + timedelta(weeks=n % 1000),  # its occurrence's
         "partner_id": ids[n % len(ids)], "subject": "", "status": "answered",
         "answers": [("green", "amber", "red")[n % 3]], "created_at": NOW, "updated_at": NOW}
        for n in range(min(rows, len(occurrence_ids)))])
    await _fill_feedback(database, workspace, ana, ids, rows)


async def _fill_feedback(database: Database, workspace: int, ana: int, partners: list[int],
                         rows: int) -> None:
    """One campaign of two questions (one in their own words, one with options) asking every
    partner, and `rows` replies: rows / 10 people each answer both by form for a partner,
    the rest are their thread replies (one in 50 from Ana, kept apart as our own)."""
    async with database.session() as session:
        session.add(Campaign(workspace_id=workspace, number=1, title="Summit", questions=[
            "Topics?", "Format? [labs|keynotes|webinars]"], channel={},
            closes_at=NOW + timedelta(days=7), created_at=NOW, owner_id=ana))
    async with database.session() as session:
        campaign = (await session.exec(text("SELECT id FROM campaign"))).one()[0]  # type: ignore[call-overload]
    await _bulk(database, CampaignPartner, [{"campaign_id": campaign, "partner_id": partner}
                                            for partner in partners])
    # People only: as partner contacts they would change the other reports' data.
    await _bulk(database, Person, [
        {"workspace_id": workspace, "display_name": f"Contact {n}", "role": "member",
         "is_external": False, "created_at": NOW} for n in range(rows // 10)])
    async with database.session() as session:
        people = [row[0] for row in (await session.exec(text(  # type: ignore[call-overload]
            "SELECT id FROM person WHERE id <> :ana ORDER BY id"), params={"ana": ana})).all()]
    contacts = [(person, partners[n % len(partners)]) for n, person in enumerate(people)]
    common = {"campaign_id": campaign, "workspace_id": workspace, "platform": "console",
              "created_at": NOW}
    forms = [{**common, "question_index": index, "question": question, "person_id": person,
              "partner_id": partner, "internal": False, "source": ReplySource.FORM.value,
              "text": said, "message_id": None}
             for n, (person, partner) in enumerate(contacts)
             for index, question, said in (
                 (0, "Topics?", f"More hands-on labs and partner pricing {n % 40}"),
                 (1, "Format? [labs|keynotes|webinars]", ("labs", "keynotes", "webinars")[n % 3]))]
    threads = []
    for n in range(rows - len(forms)):
        person, partner = contacts[n % len(contacts)]
        ours = n % 50 == 0
        threads.append({**common, "question_index": None, "question": "",
                        "person_id": ana if ours else person,
                        "partner_id": None if ours else partner, "internal": ours,
                        "source": ReplySource.THREAD.value,
                        "text": f"hands-on labs and pricing {n % 50}", "message_id": f"m{n}"})
    await _bulk(database, FeedbackReply, forms + threads)


async def _timed(run: Timed) -> tuple[float, Any]:
    """The median of TIMED_RUNS runs after a warm one: one run alone is at the mercy of a
    collector pause or a neighbour on a 2-core machine (seen: 150 to 290 ms for one report)."""
    await run()  # warm: the first call pays for imports and caches
    times, result = [], None
    for _ in range(TIMED_RUNS):
        started = time.perf_counter()
        result = await run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def _reports(application: Application) -> dict[str, Timed]:
    def asked(command: str, words: str) -> Timed:
        return lambda: application.dispatcher.command(Invocation(
            Actor(Platform.CONSOLE, "ana", "Ana"), HERE, command, words))

    async def feedback_summary() -> Card:
        _, _, campaign = await _feedback_report(application)
        return await report_summary(application.services, campaign)

    dashboard = Dashboard(application.services, lambda: application.registry.pages)
    viewer = Viewer(1, 1, "Ana", ViewerKind.ADMIN)
    return {"herd digest": asked("elephant", "digest"),
            "objective review": asked("objective", "review 2026"),
            "partner scorecard": asked("partner", "show P000001"),
            "feedback report": feedback_summary,
            "dashboard partners": lambda: dashboard.page(viewer, "partners", "")}


def _apart(application: Application) -> dict[str, Timed]:
    """What a report sends besides its card, timed apart (not held to the goal): the
    feedback report's CSV of every answer (read, written, kept for its link, sent)."""

    async def feedback_csv() -> str:
        workspace, ana, campaign = await _feedback_report(application)
        return await send_report_csv(application.services, workspace, Invocation(
            Actor(Platform.CONSOLE, "ana", "Ana"), HERE, "feedback", "report F-1"), ana,
            campaign)

    return {"feedback CSV (every answer)": feedback_csv}


async def _feedback_report(application: Application) -> tuple[Workspace, Person, Campaign]:
    """What `feedback report F-1` looks up first: the workspace, who asks, the campaign."""
    async with application.database.session() as session:
        workspace = await workspaces.by_external_id(session, Platform.CONSOLE.value, "")
        assert workspace is not None
        ana = await people.by_identity(session, workspace.id or 0, Platform.CONSOLE.value,
                                       "ana")
        campaign = await campaigns.by_number(session, workspace.id or 0, 1)
    assert ana is not None and campaign is not None
    return workspace, ana, campaign


def _charts(result: Any) -> tuple[Chart, ...]:
    if isinstance(result, Card):
        return result.charts
    content = getattr(result, "content", None)
    return as_card(content).charts if content is not None else \
        tuple(part.chart for part in getattr(result, "parts", ()) if hasattr(part, "chart"))


async def _measure(url: str, rows: int) -> dict[str, tuple[float, float]]:
    """Report -> (seconds without its chart, seconds drawing its charts); what is timed
    apart -> (seconds, 0)."""
    settings = Settings(_env_file=None, database_url=url)
    database = Database(create_engine(url, _search_path()))
    application = build_application(settings, clock=SimulatedClock(NOW), database=database)
    application.add_platform(Platform.CONSOLE, ConsoleOutbox(io.StringIO()))
    await upgrade(database)
    await _fill(application, rows)
    if database.dialect == "postgresql":
        # Statistics, as autovacuum keeps them on a live server (the test server runs
        # without it): planned blind, a bulk-loaded table reads far more than it needs.
        async with database.engine.begin() as connection:
            await connection.exec_driver_sql("ANALYZE")
    found = {}
    for name, run in _reports(application).items():
        seconds, result = await _timed(run)
        started = time.perf_counter()
        for chart in _charts(result):
            render_png(chart)
        found[name] = (seconds, time.perf_counter() - started)
    for name, run in _apart(application).items():
        found[name] = ((await _timed(run))[0], 0.0)
    await application.close()
    return found


def _search_path() -> dict[str, Any] | None:
    schema = os.environ.get("BENCH_SCHEMA")
    return {"server_settings": {"search_path": schema}} if schema else None


async def _postgres_url() -> str:
    base = os.environ.get("PARTNEROPS_TEST_POSTGRES_URL",
                          "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = Database(create_engine(base))
    async with admin.engine.begin() as connection:
        await connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    await admin.dispose()
    os.environ["BENCH_SCHEMA"] = schema
    return base


async def _drop_schema(url: str) -> None:
    """The bench's PostgreSQL schema, gone again (SQLite's file goes with its folder)."""
    schema = os.environ.pop("BENCH_SCHEMA", None)
    if schema and url.startswith("postgresql"):
        admin = Database(create_engine(url))
        async with admin.engine.begin() as connection:
            await connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.dispose()


async def main(backend: str) -> int:
    print(f"{backend}: each report's time without its chart, at {SIZES[0]:,} and "
          f"{SIZES[1]:,} rows")
    results: dict[int, dict[str, tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for rows in SIZES:
            url = await _postgres_url() if backend == "postgresql" else \
                f"sqlite+aiosqlite:///{Path(folder) / f'r{rows}.db'}"
            started = time.perf_counter()
            try:
                results[rows] = await _measure(url, rows)
            finally:
                await _drop_schema(url)
            print(f"  ({rows:,} rows filled and measured in {time.perf_counter() - started:.0f} s)")
    small, big = results[SIZES[0]], results[SIZES[1]]
    growth = SIZES[1] / SIZES[0]
    for name in small:
        (s, _), (b, chart) = small[name], big[name]
        times = (f"{name:>27}: {s * 1000:8.1f} ms at {SIZES[0]:,}  {b * 1000:8.1f} ms at "
                 f"{SIZES[1]:,}  growth {b / max(s, 1e-6):5.1f} (rows x{growth:.0f})")
        if name in APART:
            print(f"{times}  [apart: not the report's card]")
            continue
        verdict = "ok" if b < 0.2 and b / max(s, 1e-6) <= growth else "NOT MET"
        print(f"{times}  charts {chart * 1000:6.1f} ms  [{verdict}]")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "sqlite")))
