"""run-due sends what is due once: weekends, holidays, absences, reminders, close, restarts."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bot.app import Application, build_application
from bot.core.clock import SimulatedClock
from bot.core.conversation import Platform
from bot.settings import Settings
from handlers.cadences.parent import scope_of
from handlers.common.due import DueReport
from schedules.run_due import run_due
from storage.cadences import absences
from storage.cadences import repository as cadences
from storage.cadences.models import AnswerStatus, Cadence
from storage.common import people
from storage.engine import Database
from storage.ledger import repository as ledger
from storage.ledger.leases import holding_lease
from storage.ledger.models import Delivery, DeliveryStatus, RunLease
from storage.ledger.repository import ClaimRequest
from tests.fakes.recording_outbox import CrashDuringSend, RecordingOutbox
from tests.schedules.conftest import make_cadence

BERLIN = {"ana": "Europe/Berlin", "bob": "Europe/Berlin", "cem": "Europe/Berlin"}
MONDAY_0900_BERLIN = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
MONDAY_1700_BERLIN = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)


def dms(outbox: RecordingOutbox, text: str = "") -> list[str]:
    return [sent.to.id for sent in outbox.posts if sent.to.kind.value == "direct"
            and text in sent.text]


async def at(application: Application, clock: SimulatedClock, instant: datetime) -> DueReport:
    clock.set(instant)
    return await run_due(application.services, instant)


async def test_prompts_once_however_often_it_runs(application: Application,
                                                  clock: SimulatedClock,
                                                  outbox: RecordingOutbox):
    await make_cadence(application, zones=BERLIN, now=clock.now())
    for _ in range(3):
        await at(application, clock, MONDAY_0900_BERLIN)
    assert sorted(dms(outbox, "Time for your standup")) == ["ana", "bob", "cem"]
    [parent] = outbox.to("standups")
    assert "Waiting for: Ana, Bob, Cem" in parent.text


async def test_nothing_before_nine_and_nothing_on_weekends_or_holidays(
        application: Application, clock: SimulatedClock, outbox: RecordingOutbox):
    await make_cadence(application, zones=BERLIN, now=clock.now(),
                       days="mon,tue,wed,thu,fri,sat,sun", holiday_country="DE")
    await at(application, clock, MONDAY_0900_BERLIN - timedelta(minutes=1))
    saturday, christmas = datetime(2026, 11, 28, 8, 30, tzinfo=UTC), \
        datetime(2026, 12, 25, 8, 30, tzinfo=UTC)
    await at(application, clock, saturday)
    await at(application, clock, christmas)
    assert outbox.posts == []
    # The same cadence does prompt on an ordinary weekday at nine: the silence above is
    # the calendar's, not a cadence that never sends.
    await at(application, clock, MONDAY_0900_BERLIN)
    assert sorted(dms(outbox, "Time for your")) == sorted(BERLIN)


async def test_away_people_are_not_prompted_and_show_as_out_at_close(
        application: Application, clock: SimulatedClock, outbox: RecordingOutbox):
    cadence = await make_cadence(application, zones=BERLIN, now=clock.now(),
                                 reminder_minutes=60)
    async with application.database.session() as session:
        cem = await people.by_identity(session, cadence.workspace_id, "console", "cem")
        assert cem is not None
        await absences.add_absence(session, person=cem, starts_on=date(2026, 11, 20),
                                   ends_on=date(2026, 11, 24), now=clock.now())
    await at(application, clock, MONDAY_0900_BERLIN)
    assert sorted(dms(outbox, "Time for your")) == ["ana", "bob"]

    async with application.database.session() as session:
        occurrence = await cadences.occurrence(session, cadence.id or 0, date(2026, 11, 23))
        assert occurrence is not None
        ana = await people.by_identity(session, cadence.workspace_id, "console", "ana")
        assert ana is not None
        await cadences.record_answer(session, occurrence=occurrence, person_id=ana.id or 0,
                                     status=AnswerStatus.SKIPPED, answers=[],
                                     now=clock.now())
    await at(application, clock, MONDAY_0900_BERLIN + timedelta(minutes=59))
    assert dms(outbox, "Reminder") == []
    await at(application, clock, MONDAY_0900_BERLIN + timedelta(minutes=60))
    await at(application, clock, MONDAY_0900_BERLIN + timedelta(minutes=90))
    assert dms(outbox, "Reminder") == ["bob"]  # once, and only to the silent one

    await at(application, clock, datetime(2026, 11, 23, 16, 0, tzinfo=UTC))  # 17:00 Berlin
    [closing] = outbox.updates[-1:]
    assert "Skipped: Ana" in closing.text and "Out of office: Cem" in closing.text
    assert "Did not answer: Bob" in closing.text and "closed" in closing.text
    updates = len(outbox.updates)
    await at(application, clock, datetime(2026, 11, 23, 16, 30, tzinfo=UTC))
    assert len(outbox.updates) == updates  # closed once


async def test_catch_up_sends_an_open_occurrence_once_and_skips_a_passed_one(
        application: Application, clock: SimulatedClock, outbox: RecordingOutbox):
    await make_cadence(application, zones=BERLIN, now=clock.now())
    # Down all Monday; back on Tuesday at 11:00 Berlin, while Tuesday's is still open.
    await at(application, clock, datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    await at(application, clock, datetime(2026, 11, 24, 10, 5, tzinfo=UTC))
    prompts = [sent for sent in outbox.posts if sent.to.kind.value == "direct"]
    assert len(prompts) == 3 and all("Tue 24 Nov" in sent.text for sent in prompts)


@pytest.mark.parametrize("arrived", [False, True], ids=["lost-in-flight", "arrived"])
async def test_a_run_killed_mid_fan_out_resumes_without_doubles(
        application: Application, clock: SimulatedClock, outbox: RecordingOutbox,
        arrived: bool):
    team = {f"p{n:02d}": "Europe/Berlin" for n in range(12)}
    await make_cadence(application, zones=team, now=clock.now())
    outbox.fail_after = 5  # the process dies while sending the sixth message,
    outbox.crash_after_delivering = arrived  # before it left, or after it arrived
    clock.set(MONDAY_0900_BERLIN)
    with pytest.raises(CrashDuringSend):
        await run_due(application.services, MONDAY_0900_BERLIN)
    delivered_before = dms(outbox)
    # Lost in flight: some never left. Arrived: all did, but the crash came before their
    # confirmations (the first few may have been confirmed, on the settler's timer).
    assert len(delivered_before) == (len(team) if arrived else 4)
    async with application.database.session() as session:
        rows = (await session.exec(select(Delivery).where(
            Delivery.kind == "prompt"))).all()
    unconfirmed = sum(1 for row in rows if row.status is DeliveryStatus.CLAIMED)
    assert len(rows) == len(team) and unconfirmed >= len(team) - 4
    assert {row.status for row in rows} <= {DeliveryStatus.CLAIMED, DeliveryStatus.SENT}

    # The killed run's lease died with it: the very next run (a minute later; claims carry
    # wall-clock time, so they are young) settles its claims at once, asking the platform.
    outbox.fail_after = None
    report = await at(application, clock, MONDAY_0900_BERLIN + timedelta(minutes=1))
    assert report.recovered == unconfirmed

    delivered = dms(outbox, "Time for your")
    assert sorted(delivered) == sorted(team)  # everyone, each exactly once
    assert delivered[: len(delivered_before)] == delivered_before


@pytest.fixture
async def two_processes(database: Database, tmp_path, clock: SimulatedClock
                        ) -> AsyncIterator[tuple[Application, Application, RecordingOutbox]]:
    """Two applications on one database (SQLite file or PostgreSQL), one shared outbox."""
    settings = Settings(_env_file=None, database_url="sqlite+aiosqlite:///:memory:")
    first = build_application(settings, clock=clock, database=database)
    second = build_application(settings, clock=clock, database=database)
    outbox = RecordingOutbox(clock)
    for application in (first, second):
        application.add_platform(Platform.CONSOLE, outbox)
    yield first, second, outbox


async def test_two_processes_at_once_send_each_prompt_once(two_processes, clock):
    first, second, outbox = two_processes
    await make_cadence(first, zones={f"p{n}": "Asia/Kolkata" for n in range(8)},
                       now=clock.now())
    kolkata_0900 = datetime(2026, 11, 23, 3, 30, tzinfo=UTC)
    clock.set(kolkata_0900)
    await asyncio.gather(run_due(first.services, kolkata_0900),
                         run_due(second.services, kolkata_0900))
    prompts = dms(outbox, "Time for your")
    assert sorted(prompts) == sorted(f"p{n}" for n in range(8))
    assert len(outbox.to("standups")) == 1  # one parent message


async def _claim_prompts(application: Application, cadence: Cadence, names: Sequence[str], *,
                         lease_id: int, claimed_at: datetime) -> list[int]:
    """What a run-due that claimed these people's Monday prompts left in the ledger."""
    async with application.database.session() as session:
        occurrence = await cadences.ensure_occurrence(
            session, cadence.id or 0, MONDAY_0900_BERLIN.date(), close_at=MONDAY_1700_BERLIN,
            now=MONDAY_0900_BERLIN)
        requests = []
        for name in names:
            person = await people.by_identity(session, cadence.workspace_id, "console", name)
            assert person is not None
            requests.append(ClaimRequest(
                f"prompt:{occurrence.id}:{person.id}", "cadences", "prompt",
                cadence.workspace_id, "console", name, "direct", scope_of(occurrence)))
        won = await ledger.claim_many(session, requests, now=claimed_at, lease_id=lease_id)
    assert len(won) == len(names)
    return [claim.id for claim in won.values()]


async def _rows(application: Application, ids: Sequence[int]) -> list[Delivery]:
    async with application.database.session() as session:
        found = [await session.get(Delivery, ident) for ident in ids]
    assert None not in found, "a claim vanished from the ledger"
    return [row for row in found if row is not None]


async def test_the_claims_of_a_live_run_are_never_touched(two_processes, other_process: Database,
                                                          clock: SimulatedClock):
    first, _, outbox = two_processes
    cadence = await make_cadence(first, zones=BERLIN, now=clock.now())
    # Another process's run claimed ana's and bob's prompts a day ago by the wall clock, and
    # is still going: however old its claims, they are its own to settle.
    async with holding_lease(other_process, now=datetime.now(UTC)) as lease:
        claimed = await _claim_prompts(first, cadence, ["ana", "bob"], lease_id=lease.id,
                                       claimed_at=datetime.now(UTC) - timedelta(days=1))
        for minutes in (0, 1, 30):
            report = await at(first, clock, MONDAY_0900_BERLIN + timedelta(minutes=minutes))
            assert report.recovered == 0
        assert dms(outbox) == ["cem"]
        rows = await _rows(first, claimed)
        assert [(row.status, row.lease_id) for row in rows] == \
            [(DeliveryStatus.CLAIMED, lease.id)] * 2

    # That run stopped without settling them: its lease is dead, and the next run settles
    # its claims at once (nothing arrived, so they fail and are sent while still due).
    report = await at(first, clock, MONDAY_0900_BERLIN + timedelta(minutes=31))
    assert report.recovered == 2
    assert sorted(dms(outbox, "Time for your")) == ["ana", "bob", "cem"]  # each once
    assert len(outbox.to("standups")) == 1
    assert {row.status for row in await _rows(first, claimed)} == {DeliveryStatus.SENT}


async def test_young_claims_whose_holder_is_gone_are_settled_at_once(two_processes,
                                                                     clock: SimulatedClock):
    first, _, outbox = two_processes
    cadence = await make_cadence(first, zones=BERLIN, now=clock.now())
    # A process took a lease, claimed two prompts and died a moment ago: its lock died with
    # it, though its lease is still on record.
    async with first.database.session() as session:
        gone = RunLease(token=secrets.randbits(62), holder="gone:1", started_at=datetime.now(UTC))
        session.add(gone)
        await session.flush()
        gone_id = gone.id or 0
    claimed = await _claim_prompts(first, cadence, ["ana", "bob"], lease_id=gone_id,
                                   claimed_at=datetime.now(UTC))

    report = await at(first, clock, MONDAY_0900_BERLIN)
    assert report.recovered == 2
    assert sorted(dms(outbox, "Time for your")) == ["ana", "bob", "cem"]  # each once
    assert {row.status for row in await _rows(first, claimed)} == {DeliveryStatus.SENT}
    async with first.database.session() as session:
        assert await session.get(RunLease, gone_id) is None  # settled, so forgotten

    again = await at(first, clock, MONDAY_0900_BERLIN + timedelta(minutes=1))
    assert again.recovered == 0 and len(dms(outbox)) == 3
