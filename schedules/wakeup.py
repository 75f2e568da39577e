"""When run-due next has something to do: the instant the scheduler sleeps until.

The answer is computed from the database each time (cadences, their participants' time
zones, open occurrences), so the in-memory job never holds state of its own: a restart, an
edited cadence or a new participant only need a fresh call.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from sqlmodel import col, func, select

from handlers.cadences.calendar import Rules, is_cadence_day, local_date, local_instant
from handlers.cadences.participants import participants_of, zone_of
from handlers.common.context import Services
from schedules.run_due import DueReport, run_due
from storage.cadences import repository as cadences
from storage.cadences.models import Cadence, Occurrence
from storage.ledger.models import Delivery, DeliveryStatus

log = logging.getLogger(__name__)

# Local days looked at after today: a weekly cadence always has a day among them.
HORIZON_DAYS = 8
# Wake-ups run_due_between steps through at most (a year of a weekday cadence is ~800).
MAX_STEPS = 2000


def _days_around(now: datetime, zone: str) -> Iterator[date]:
    """Yesterday (a late prompt's reminder may fall after midnight) to HORIZON_DAYS ahead."""
    today = local_date(now, zone)
    for offset in range(-1, HORIZON_DAYS + 1):
        yield today + timedelta(days=offset)


def _instants(rules: Rules, reminder_minutes: int, zone: str, day: date) -> Iterator[datetime]:
    """The prompt and (if any) reminder of one person's window on `day`."""
    opens = local_instant(day, rules.local_time, zone)
    yield opens
    if reminder_minutes > 0:
        reminder = opens + timedelta(minutes=reminder_minutes)
        if reminder < local_instant(day, rules.close_time, zone):
            yield reminder


async def _cadence_wakeup(services: Services, cadence: Cadence, now: datetime
                          ) -> datetime | None:
    """The next prompt or reminder instant after `now` for anyone in `cadence`."""
    try:
        rules = Rules.of(cadence)
    except ValueError as error:  # a row edited by hand: run-due skips it just the same
        log.warning("cadence %s has unusable days or times (%s): not planned", cadence.id, error)
        return None
    people = await participants_of(services, cadence)
    zones = {zone_of(person, services, cadence) for person in people}
    upcoming = [instant
                for zone in zones
                for day in _days_around(now, zone) if is_cadence_day(rules, day)
                for instant in _instants(rules, cadence.reminder_minutes, zone, day)
                if instant > now]
    return min(upcoming, default=None)


async def _next_late_reminder(services: Services, now: datetime) -> datetime | None:
    """Reminders count from the prompt as sent: one caught up late is reminded later too."""
    statement = (select(Delivery.sent_at, Cadence.reminder_minutes, Occurrence.close_at)
                 .join(Occurrence, col(Occurrence.id) == Delivery.occurrence_id)
                 .join(Cadence, col(Cadence.id) == Occurrence.cadence_id)
                 .where(Delivery.kind == "prompt", Delivery.status == DeliveryStatus.SENT,
                        col(Occurrence.closed_at).is_(None), Cadence.reminder_minutes > 0,
                        col(Cadence.paused).is_(False)))
    async with services.db.session() as session:
        rows = (await session.exec(statement)).all()
    due = [sent_at + timedelta(minutes=minutes) for sent_at, minutes, close_at in rows
           if sent_at is not None and now < sent_at + timedelta(minutes=minutes) < close_at]
    return min(due, default=None)


async def _next_close(services: Services, now: datetime) -> datetime | None:
    """The earliest close time after `now` of an occurrence that is still open."""
    statement = select(func.min(Occurrence.close_at)).where(
        col(Occurrence.closed_at).is_(None), Occurrence.close_at > now)
    async with services.db.session() as session:
        return (await session.exec(statement)).one()


async def next_wakeup(services: Services, now: datetime) -> datetime | None:
    """The next instant after `now` at which `run_due` has something to do, or None.

    That is the earliest of: any participant's next prompt (the cadence's local time in
    their own zone, on cadence days), its reminder when the cadence has one, and the close
    time of every open occurrence. Paused cadences have none. It may be early (a person
    out of office, a reminder nobody needs) but never late, so waking up then and running
    run-due is always right.
    """
    async with services.db.session() as session:
        active = list(await cadences.active_cadences(session))
    candidates = [await _next_close(services, now), await _next_late_reminder(services, now)]
    for cadence in active:
        try:
            candidates.append(await _cadence_wakeup(services, cadence, now))
        except Exception:  # one broken cadence must not leave the others unplanned
            log.exception("could not plan cadence %s", cadence.id)
    return min((instant for instant in candidates if instant is not None), default=None)


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
        _add(total, await run_due(services, wakeup))
        instant = wakeup
    else:
        log.warning("more than %d wake-ups before %s: jumping there", max_steps, until)
    _add(total, await run_due(services, until))
    return total


def _add(total: DueReport, report: DueReport) -> None:
    total.prompts += report.prompts
    total.reminders += report.reminders
    total.closed += report.closed


class FollowTime:
    """A simulated clock's hook (the console): live through the time that passed."""

    def __init__(self, services: Services, start: datetime) -> None:
        self._services, self._last = services, start

    async def __call__(self, instant: datetime) -> None:
        since, self._last = self._last, instant
        if instant > since:
            await run_due_between(self._services, since, instant)
        else:  # the clock went back: only what is due at the new instant
            await run_due(self._services, instant)
