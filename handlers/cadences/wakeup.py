"""When the cadences next have something to send: the instant the scheduler sleeps until.

Computed from the database each time (cadences, their participants' time zones, open days),
so nothing is held in memory: a restart, an edited cadence or a new participant only need
a fresh call.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from handlers.cadences.calendar import Rules, cadence_days, local_date, local_instant
from handlers.cadences.ids import FEATURE_NAME, CadenceMessage
from handlers.cadences.parent import scope_of
from handlers.cadences.participants import participants_of, zone_of
from handlers.common.context import Services
from storage.cadences import repository as cadences
from storage.cadences.models import Cadence
from storage.ledger import repository as ledger

log = logging.getLogger(__name__)

# How far back a day can still be caught up (its close time decides if it may).
LOOKBACK = timedelta(days=2)


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
    members = await participants_of(services, cadence)
    zones = {zone_of(member.person, services, cadence) for member in members}
    return min((instant for zone in zones
                if (instant := _first_after(rules, cadence.reminder_minutes, zone, now))),
               default=None)


def _first_after(rules: Rules, reminder_minutes: int, zone: str, now: datetime
                 ) -> datetime | None:
    """The first prompt or reminder after `now` in `zone`: from yesterday (a late prompt's
    reminder may fall after midnight), the first cadence day with one (a day's instants all
    come before the next day's)."""
    for day in cadence_days(rules, local_date(now, zone) - timedelta(days=1)):
        later = [instant for instant in _instants(rules, reminder_minutes, zone, day)
                 if instant > now]
        if later:
            return min(later)
    return None


async def _next_late_reminder(services: Services, now: datetime) -> datetime | None:
    """Reminders count from the prompt as sent: one caught up late is reminded later too."""
    async with services.db.session() as session:
        days = await cadences.open_days_that_remind(session)
        closes = {scope_of(day): (day.close_at, minutes) for day, minutes in days}
        sent = await ledger.sent_times(session, list(closes), FEATURE_NAME,
                                       CadenceMessage.PROMPT)
    due = [at + timedelta(minutes=closes[scope][1]) for scope, at in sent]
    return min((instant for instant, (scope, _) in zip(due, sent, strict=True)
                if now < instant < closes[scope][0]), default=None)


async def next_wakeup(services: Services, now: datetime) -> datetime | None:
    """The next instant after `now` at which the cadences have something to do, or None.

    That is the earliest of: any participant's next prompt (the cadence's local time in
    their own zone, on cadence days), its reminder when the cadence has one, and the close
    time of every open occurrence. Paused cadences have none. It may be early (a person
    out of office, a reminder nobody needs) but never late.
    """
    async with services.db.session() as session:
        active = list(await cadences.active_cadences(session))
        candidates = [await cadences.next_close_after(session, now)]
    candidates.append(await _next_late_reminder(services, now))
    for cadence in active:
        try:
            candidates.append(await _cadence_wakeup(services, cadence, now))
        except Exception:  # one broken cadence must not leave the others unplanned
            log.exception("could not plan cadence %s", cadence.id)
    return min((instant for instant in candidates if instant is not None), default=None)
