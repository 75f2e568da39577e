"""Rows that concurrent requests may both create are created once, and neither request fails:
Teams sends conversationUpdate and the first message at the same moment; two people first
use a new install at once; a form is submitted twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from sqlmodel import func, select

from storage.cadences import repository as cadences
from storage.cadences.models import AnswerStatus, Cadence, CadenceKind
from storage.common import conversations, people, workspaces
from storage.common.models import ConversationReference, Person, PersonIdentity, Workspace
from storage.elephants import repository as elephants
from storage.elephants.models import ElephantStatus
from storage.engine import Database

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
AT_ONCE = 6


async def _count(database: Database, table: type) -> int:
    async with database.session() as session:
        return (await session.exec(select(func.count()).select_from(table))).one()


async def test_a_conversation_reference_saved_at_once_twice_is_one_row(database: Database):
    async with database.session() as session:
        teams = await workspaces.for_external_id(session, "teams", "tenant-1", now=AT)

    async def remember(n: int) -> None:
        async with database.session() as session:
            await conversations.save(session, workspace_id=teams.id or 0, platform="teams",
                                     conversation_id="a:ana", reference=f'{{"n": {n}}}', now=AT,
                                     conversation_type="personal", tenant_id="tenant-1")

    await asyncio.gather(*(remember(n) for n in range(AT_ONCE)))

    assert await _count(database, ConversationReference) == 1
    async with database.session() as session:
        row = await conversations.find(session, "teams", "a:ana")
    assert row is not None and row.reference in {f'{{"n": {n}}}' for n in range(AT_ONCE)}


async def test_a_workspace_and_a_person_first_seen_at_once_are_created_once(database: Database):
    async def first_contact() -> tuple[int, int]:
        async with database.session() as session:
            workspace = await workspaces.for_external_id(session, "slack", "T1", now=AT)
            person, _ = await people.get_or_create(session, workspace.id or 0, "slack", "U1",
                                                   now=AT)
            return workspace.id or 0, person.id or 0

    seen = await asyncio.gather(*(first_contact() for _ in range(AT_ONCE)))

    assert len(set(seen)) == 1
    assert (await _count(database, Workspace), await _count(database, Person),
            await _count(database, PersonIdentity)) == (1, 1, 1)


async def test_the_first_admin_of_a_workspace_is_one_person(database: Database):
    async with database.session() as session:
        workspace = await workspaces.for_external_id(session, "slack", "T1", now=AT)
        ids = [(await people.get_or_create(session, workspace.id or 0, "slack", f"U{n}",
                                           now=AT))[0].id or 0 for n in range(AT_ONCE)]

    async def claim(person_id: int) -> bool:
        async with database.session() as session:
            return await workspaces.claim_first_admin(session, workspace.id or 0, person_id)

    won = await asyncio.gather(*(claim(person_id) for person_id in ids))
    assert won.count(True) == 1


async def test_an_answer_submitted_twice_at_once_is_one_answer(database: Database):
    async with database.session() as session:
        workspace = await workspaces.for_external_id(session, "console", "", now=AT)
        ana, _ = await people.get_or_create(session, workspace.id or 0, "console", "ana",
                                            now=AT)
        cadence = await cadences.save(session, Cadence(
            workspace_id=workspace.id or 0, name="Daily", kind=CadenceKind.STANDUP,
            platform="console", report_channel_id="standups", questions=["Today?"],
            created_at=AT, updated_at=AT))
        day = await cadences.ensure_occurrence(session, cadence.id or 0, date(2026, 11, 23),
                                               close_at=AT, now=AT)

    async def answer(text: str) -> None:
        async with database.session() as session:
            await cadences.record_answer(session, occurrence=day, person_id=ana.id or 0,
                                         status=AnswerStatus.ANSWERED,
                                         answers=[text], now=AT)

    await asyncio.gather(*(answer(f"take {n}") for n in range(AT_ONCE)))

    async with database.session() as session:
        given = await cadences.answers(session, day.id or 0)
    assert len(given) == 1 and given[0].answers[0].startswith("take ")


async def test_two_status_changes_from_the_same_status_one_wins(database: Database):
    """An ack and a resolve read the elephant as reported at the same moment: the ack writes
    first, still uncommitted when the resolve tries; the resolve waits, then finds the
    elephant no longer reported and changes nothing."""
    async with database.session() as session:
        workspace = await workspaces.for_external_id(session, "slack", "T1", now=AT)
        elephant = await elephants.create(session, workspace_id=workspace.id or 0,
                                          title="Reps hide the forecast", description="",
                                          platform="slack", reporter_id=None, now=AT)
    elephant_id = elephant.id or 0

    async def resolve() -> bool:
        async with database.session() as session:
            return await elephants.change_status(
                session, elephant_id, expected=ElephantStatus.REPORTED,
                status=ElephantStatus.RESOLVED, now=AT, note="Fixed")

    async with database.session() as first:
        assert await elephants.change_status(first, elephant_id,
                                             expected=ElephantStatus.REPORTED,
                                             status=ElephantStatus.ACKNOWLEDGED, now=AT)
        second = asyncio.ensure_future(resolve())
        await asyncio.sleep(0.05)  # the resolve is now waiting on the ack's row lock
        assert not second.done()
    assert await second is False
    async with database.session() as session:
        stored = await elephants.get_in(session, workspace.id or 0, elephant_id)
    assert stored is not None and (stored.status, stored.note) == \
        (ElephantStatus.ACKNOWLEDGED, "")


async def test_a_fan_outs_writes_take_turns_on_sqlite_and_run_together_on_postgresql(
        database: Database):
    """On SQLite a second write session begins only once the first has committed (in this
    process, not in SQLite's sleeping busy handler); PostgreSQL takes both at once."""
    inside: list[str] = []
    first_in, second_in, release = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with database.write_session() as session:
            await workspaces.for_external_id(session, "slack", "T1", now=AT)
            inside.append("first")
            first_in.set()
            await release.wait()
        inside.append("first committed")

    async def second() -> None:
        await first_in.wait()
        async with database.write_session() as session:
            inside.append("second")
            second_in.set()
            await workspaces.for_external_id(session, "slack", "T2", now=AT)

    writes = asyncio.gather(first(), second())
    await first_in.wait()
    if database.dialect == "sqlite":
        for _ in range(20):  # every chance to begin
            await asyncio.sleep(0)
        assert not second_in.is_set()
    else:
        async with asyncio.timeout(5):
            await second_in.wait()  # while the first is still open
    release.set()
    await writes
    assert await _count(database, Workspace) == 2
    assert inside == (["first", "first committed", "second"] if database.dialect == "sqlite"
                      else ["first", "second", "first committed"])
