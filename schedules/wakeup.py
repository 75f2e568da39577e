"""When run-due next has something to do, over every feature; and living through time.

Each feature's due-work source answers for itself from the database, so the in-memory job
never holds state of its own: a restart or an edit only needs a fresh call.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from handlers.common.context import Services
from handlers.common.due import DueReport
from schedules.run_due import run_due

log = logging.getLogger(__name__)

# Wake-ups run_due_between steps through at most (a year of a weekday cadence is ~800).
MAX_STEPS = 2000
# A simulated clock moved further than this is not lived through step by step: a pile of
# months of prompts helps nobody; what is due at the new instant still goes.
LIVE_THROUGH = timedelta(days=7)


async def next_wakeup(services: Services, now: datetime) -> datetime | None:
    """The earliest instant after `now` at which any feature has something to send.

    It may be early (then run-due finds nothing) but never late: one broken source is
    logged and left out, never allowed to leave the others unplanned.
    """
    candidates: list[datetime] = []
    for source in services.due_work:
        try:
            wakeup = await source.next_wakeup(services, now)
        except Exception:
            log.exception("could not plan the next wake-up of %s", source.feature)
            continue
        if wakeup is not None:
            candidates.append(wakeup)
    return min(candidates, default=None)


async def run_due_between(services: Services, since: datetime, until: datetime, *,
                          max_steps: int = MAX_STEPS) -> DueReport:
    """What a scheduler running from `since` to `until` would have done, step by step.

    run-due at every wake-up in between, then at `until`: a simulated clock moved a day on
    shows that day's prompts, reminders and close updates, each at its own instant.
    """
    total = DueReport()
    instant = since
    for _ in range(max_steps):
        wakeup = await next_wakeup(services, instant)
        if wakeup is None or wakeup >= until:
            break
        total.merge(await run_due(services, wakeup))
        instant = wakeup
    else:
        log.warning("more than %d wake-ups before %s: jumping there", max_steps, until)
    total.merge(await run_due(services, until))
    return total


class FollowTime:
    """A simulated clock's hook (the console): live through the time that passed, up to a
    week of it; says so when it did not."""

    def __init__(self, services: Services, start: datetime) -> None:
        self._services, self._last = services, start

    async def __call__(self, instant: datetime) -> str | None:
        since, self._last = self._last, instant
        if since < instant <= since + LIVE_THROUGH:
            await run_due_between(self._services, since, instant)
            return None
        await run_due(self._services, instant)  # back in time, or a long jump forward
        if instant > since:
            return ("That is more than a week on: only what is due now was sent, not every "
                    "day in between.")
        return None
