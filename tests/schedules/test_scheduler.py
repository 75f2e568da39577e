"""DueClock: APScheduler as only the clock. Tests call its methods; nothing waits on time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.app import Application
from bot.core.clock import SimulatedClock
from handlers.common.context import Services
from handlers.common.due import DueReport
from schedules.scheduler import SAFETY_JOB, WAKEUP_JOB, DueClock
from storage.cadences import repository as cadences
from tests.fakes.recording_outbox import RecordingOutbox
from tests.schedules.conftest import make_cadence

MONDAY_0900_UTC = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # the `clock` fixture's START
UTC_ONLY = {"ana": "UTC", "bob": "UTC"}


class Runs:
    """A runner that records each `now` and can fail or be held."""

    def __init__(self) -> None:
        self.at: list[datetime] = []
        self.fail = False
        self.gate: asyncio.Event | None = None

    async def __call__(self, services: Services, now: datetime) -> DueReport:
        self.at.append(now)
        if self.gate is not None:
            await self.gate.wait()
        if self.fail:
            raise RuntimeError("the database went away")
        return DueReport()


async def nothing_planned(services: Services, now: datetime) -> datetime | None:
    return None


@pytest.fixture
async def due_clock(application: Application, clock: SimulatedClock,
                    outbox: RecordingOutbox) -> AsyncIterator[DueClock]:
    made = DueClock(application.services, clock)
    yield made
    await made.stop()


def _wakeup_in(made: DueClock) -> timedelta | None:
    """How far off, on the wall clock, the wake-up job is set."""
    assert made.scheduler is not None
    job = made.scheduler.get_job(WAKEUP_JOB)
    return None if job is None else job.next_run_time - datetime.now(UTC)


async def test_start_catches_up_at_once_then_plans_the_next_due_instant(
        application: Application, clock: SimulatedClock, outbox: RecordingOutbox,
        due_clock: DueClock):
    await make_cadence(application, zones=UTC_ONLY, now=clock.now(), reminder_minutes=30)
    await due_clock.start()
    await due_clock.idle()
    assert sorted(sent.to.id for sent in outbox.posts if sent.to.kind.value == "direct") \
        == ["ana", "bob"]
    assert due_clock.planned == MONDAY_0900_UTC + timedelta(minutes=30)
    delay = _wakeup_in(due_clock)
    assert delay is not None and timedelta(minutes=29) < delay <= timedelta(minutes=30)


async def test_the_jobs_are_one_wakeup_and_a_safety_tick(application: Application,
                                                         clock: SimulatedClock,
                                                         due_clock: DueClock):
    await make_cadence(application, zones=UTC_ONLY, now=clock.now())
    await due_clock.start()
    await due_clock.idle()
    assert due_clock.scheduler is not None
    wakeup = due_clock.scheduler.get_job(WAKEUP_JOB)
    safety = due_clock.scheduler.get_job(SAFETY_JOB)
    assert isinstance(wakeup.trigger, DateTrigger) and isinstance(safety.trigger, IntervalTrigger)
    assert safety.trigger.interval == timedelta(minutes=5)
    for job in (wakeup, safety):
        assert (job.misfire_grace_time, job.coalesce, job.max_instances) == (None, True, 1)
    assert len(due_clock.scheduler.get_jobs()) == 2


async def test_the_job_function_runs_run_due_and_plans_again(application: Application,
                                                              clock: SimulatedClock):
    runs = Runs()
    made = DueClock(application.services, clock, runner=runs)
    try:
        await made.start()
        await made.idle()
        assert made.scheduler is not None
        clock.advance(timedelta(hours=1))
        await made.scheduler.get_job(SAFETY_JOB).func()  # what APScheduler calls
        await made.idle()
        assert runs.at == [MONDAY_0900_UTC, MONDAY_0900_UTC + timedelta(hours=1)]
    finally:
        await made.stop()


async def test_replan_follows_a_new_cadence(application: Application, clock: SimulatedClock,
                                            due_clock: DueClock):
    await due_clock.start()
    await due_clock.idle()
    assert due_clock.planned is None and _wakeup_in(due_clock) is None
    tokyo = await make_cadence(application, zones={"ana": "Asia/Tokyo"}, now=clock.now())
    due_clock.replan()
    await due_clock.idle()
    tuesday_0900_tokyo = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    assert due_clock.planned == tuesday_0900_tokyo
    # Paused: nothing left to wake up for.
    async with application.database.session() as session:
        for cadence in await cadences.all_cadences(session, tokyo.workspace_id):
            cadence.paused = True
            session.add(cadence)
    due_clock.replan()
    await due_clock.idle()
    assert due_clock.planned is None and _wakeup_in(due_clock) is None


async def test_a_failing_run_or_plan_never_stops_the_clock(application: Application,
                                                            clock: SimulatedClock):
    runs = Runs()
    runs.fail = True

    async def broken_planner(services: Services, now: datetime) -> datetime | None:
        raise RuntimeError("no plan today")

    made = DueClock(application.services, clock, runner=runs, planner=broken_planner)
    try:
        await made.start()
        await made.idle()
        made.run_soon()
        await made.idle()
        assert made.running and len(runs.at) == 2
        assert made.scheduler is not None and made.scheduler.get_job(SAFETY_JOB) is not None
    finally:
        await made.stop()


async def test_wakeups_during_a_run_make_one_more_run(application: Application,
                                                       clock: SimulatedClock):
    runs = Runs()
    runs.gate = asyncio.Event()
    made = DueClock(application.services, clock, runner=runs, planner=nothing_planned)
    try:
        await made.start()
        await asyncio.sleep(0)  # let the catch-up run begin
        for _ in range(3):
            made.run_soon()
        runs.gate.set()
        await made.idle()
        assert len(runs.at) == 2
    finally:
        await made.stop()


async def test_stop_lets_a_run_finish_and_then_nothing_runs(application: Application,
                                                             clock: SimulatedClock):
    runs = Runs()
    runs.gate = asyncio.Event()
    made = DueClock(application.services, clock, runner=runs, planner=nothing_planned)
    await made.start()
    await asyncio.sleep(0)
    stopping = asyncio.create_task(made.stop())
    await asyncio.sleep(0)
    assert not stopping.done() and not made.running
    runs.gate.set()
    await stopping
    made.run_soon()
    made.replan()
    await made.idle()
    assert len(runs.at) == 1


async def test_stop_cancels_a_run_that_will_not_finish(application: Application,
                                                        clock: SimulatedClock):
    runs = Runs()
    runs.gate = asyncio.Event()  # never set
    made = DueClock(application.services, clock, runner=runs, planner=nothing_planned,
                        stop_grace=timedelta(milliseconds=10))
    await made.start()
    await asyncio.sleep(0)
    await made.stop()
    assert not made.running and len(runs.at) == 1


async def test_it_can_start_again_after_stopping(application: Application,
                                                 clock: SimulatedClock):
    runs = Runs()
    made = DueClock(application.services, clock, runner=runs, planner=nothing_planned)
    for _ in range(2):
        await made.start()
        await made.idle()
        await made.stop()
    assert len(runs.at) == 2 and not made.running
