"""The clock that calls run-due: APScheduler 3 wakes us up, the features say what is due.

APScheduler holds no schedule of its own (DESIGN.md: it is only the clock). It has one
job at the next instant `next_wakeup` computes, re-planned after every run and whenever
`replan()` is called, plus a safety tick every few minutes for what the plan cannot
foresee (people joining a participant channel, a retry after a failed send, an edit made
in another process). Runs never overlap: a wake-up during a run asks for one more run
after it, however many wake-ups came.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.core.clock import Clock
from handlers.common.context import Services
from handlers.common.due import DueReport
from schedules.run_due import run_due
from schedules.wakeup import next_wakeup

log = logging.getLogger(__name__)

Runner = Callable[[Services, datetime], Awaitable[DueReport]]
Planner = Callable[[Services, datetime], Awaitable[datetime | None]]

WAKEUP_JOB = "due-wakeup"
SAFETY_JOB = "due-safety-tick"
SAFETY_INTERVAL = timedelta(minutes=5)
# How long stop() lets a run in progress finish before cancelling it (a cancelled send is
# released as an abandoned claim and retried: at most one duplicate, never a loss).
STOP_GRACE = timedelta(seconds=20)


class DueClock:
    """Runs `run_due` when something is due, from the moment `start()` is awaited.

    `now` always comes from the injected Clock. APScheduler waits in real time, so a
    wake-up planned for Clock time T is set `T - clock.now()` from now on the wall clock:
    the same instant with the system clock, and a sensible delay with a simulated one.
    """

    def __init__(self, services: Services, clock: Clock, *, runner: Runner = run_due,
                 planner: Planner = next_wakeup,
                 safety_interval: timedelta = SAFETY_INTERVAL,
                 stop_grace: timedelta = STOP_GRACE) -> None:
        self._services, self._clock = services, clock
        self._runner, self._planner = runner, planner
        self._safety_interval, self._stop_grace = safety_interval, stop_grace
        self._scheduler: AsyncIOScheduler | None = None
        self._run: asyncio.Task[None] | None = None
        self._again = False
        self._plans: set[asyncio.Task[None]] = set()
        self._plan_lock = asyncio.Lock()
        self.planned: datetime | None = None  # the next wake-up, in Clock time
        self.last_report: DueReport | None = None

    @property
    def running(self) -> bool:
        return self._scheduler is not None

    @property
    def scheduler(self) -> AsyncIOScheduler | None:
        """The APScheduler instance while started (to inspect its jobs)."""
        return self._scheduler

    async def start(self) -> None:
        """Catch up at once (in the background), then wake up whenever something is due."""
        if self._scheduler is not None:
            return
        scheduler = AsyncIOScheduler(timezone=UTC, job_defaults={
            # Late is fine (run-due skips what has closed); skipped is not.
            "misfire_grace_time": None, "coalesce": True, "max_instances": 1})
        scheduler.start()
        scheduler.add_job(self._wake, IntervalTrigger(
            seconds=self._safety_interval.total_seconds(), timezone=UTC),
            id=SAFETY_JOB, replace_existing=True)
        self._scheduler = scheduler
        log.info("scheduler started; catching up on anything due")
        self.run_soon()

    def run_soon(self) -> None:
        """Run run-due now, or right after the run in progress."""
        if self._scheduler is None:
            return
        if self._run is not None and not self._run.done():
            self._again = True
            return
        self._run = asyncio.get_running_loop().create_task(self._run_until_settled())

    def replan(self) -> None:
        """Due work changed: compute the next wake-up again (the Services hook; never raises)."""
        if self._scheduler is None:
            return
        task = asyncio.get_running_loop().create_task(self.plan())
        self._plans.add(task)
        task.add_done_callback(self._plans.discard)

    async def plan(self) -> datetime | None:
        """Set the one wake-up job at the next instant run-due has work; returns it."""
        async with self._plan_lock:
            if self._scheduler is None:
                return None
            try:
                now = self._clock.now()
                wakeup = await self._planner(self._services, now)
            except Exception:
                log.exception("could not plan the next wake-up; the safety tick stands in")
                return None
            scheduler = self._scheduler
            if scheduler is None:  # stopped while planning
                return None
            changed, self.planned = wakeup != self.planned, wakeup
            if wakeup is None:
                with contextlib.suppress(LookupError):
                    scheduler.remove_job(WAKEUP_JOB)
                if changed:
                    log.info("nothing is due soon; checking every %s", self._safety_interval)
                return None
            run_date = datetime.now(UTC) + max(wakeup - now, timedelta(0))
            scheduler.add_job(self._wake, DateTrigger(run_date=run_date, timezone=UTC),
                              id=WAKEUP_JOB, replace_existing=True)
            if changed:
                log.info("next wake-up at %s", wakeup.isoformat(timespec="seconds"))
            return wakeup

    async def idle(self) -> None:
        """Wait for the run and the plans in progress (tests, and stop)."""
        while True:
            pending = [task for task in (self._run, *self._plans)
                       if task is not None and not task.done()]
            if not pending:
                return
            await asyncio.gather(*pending, return_exceptions=True)

    async def stop(self) -> None:
        """Stop waking up; let a run in progress finish (for a while), then stop it."""
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is None:
            return
        # AsyncIOScheduler.shutdown() only queues the shutdown on the loop, and its executor
        # cancels job coroutines instead of waiting: our jobs just start our own task.
        scheduler.shutdown(wait=False)
        await asyncio.sleep(0)
        self._again = False
        try:
            await asyncio.wait_for(self.idle(), self._stop_grace.total_seconds())
        except TimeoutError:
            log.warning("stopping the scheduler in the middle of a run")
            for task in (self._run, *self._plans):
                if task is not None:
                    task.cancel()
            await asyncio.gather(*(t for t in (self._run, *self._plans) if t is not None),
                                 return_exceptions=True)
        self.planned = None
        log.info("scheduler stopped")

    async def _wake(self) -> None:
        """The one APScheduler job function (a coroutine, so it runs on our event loop)."""
        self.run_soon()

    async def _run_until_settled(self) -> None:
        while True:
            self._again = False
            await self._run_once()
            await self.plan()
            if not self._again or self._scheduler is None:
                return

    async def _run_once(self) -> None:
        now = self._clock.now()
        try:
            report = await self._runner(self._services, now)
        except Exception:  # a bad run is logged; the next wake-up tries again
            log.exception("run-due failed at %s", now.isoformat(timespec="seconds"))
            return
        self.last_report = report
        if report.sent or report.failures:
            log.info("run-due at %s: %s", now.isoformat(timespec="seconds"), report)
