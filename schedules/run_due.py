"""run-due: everything the cadences owe people up to an instant, each exactly once.

The database decides what is due; this runs from the scheduler, from `partnerops jobs
run-due`, from the console's clock and from tests alike. Every send goes through the
delivery ledger, so running it twice, or in two processes, sends nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.cards import Card
from bot.core.conversation import ConversationKind, ConversationRef, MessageRef, Platform
from handlers.cadences.calendar import Rules, candidate_days, is_cadence_day, local_instant
from handlers.cadences.cards import prompt_card, reminder_card, report_card
from handlers.cadences.parent import attendance, ensure_parent, parent_message
from handlers.cadences.parsing import questions_of, subjects_of
from handlers.cadences.participants import participants_of, platform_user_id, zone_of
from handlers.common.context import Services
from handlers.common.ledger import Pending, deliver_many, deliver_once
from schedules.recovery import release_stale_claims
from storage.cadences import repository as cadences
from storage.cadences.models import Cadence, Occurrence
from storage.common.models import Person
from storage.ledger import repository as deliveries
from storage.ledger.models import DeliveryStatus
from storage.ledger.repository import ClaimRequest

log = logging.getLogger(__name__)

# How far back an occurrence can still be caught up (its close time decides if it may).
LOOKBACK = timedelta(days=2)
# Sends in flight at once for one cadence: Slack allows ~1 message a second per channel,
# but DMs are separate channels, and the client waits out 429s.
FAN_OUT = 16


@dataclass
class DueReport:
    prompts: int = 0
    reminders: int = 0
    closed: int = 0

    def __str__(self) -> str:
        return f"{self.prompts} prompts, {self.reminders} reminders, {self.closed} closed"


@dataclass(frozen=True)
class Window:
    """One person's part of one occurrence: prompted at `opens`, answers until `closes`."""

    person: Person
    opens: datetime
    closes: datetime


def _direct(cadence: Cadence, person: Person) -> ConversationRef:
    platform = Platform(cadence.platform)
    return ConversationRef(platform, platform_user_id(person, platform) or "",
                           ConversationKind.DIRECT)


class CadenceRun:
    """What one cadence owes at `now`."""

    def __init__(self, services: Services, cadence: Cadence, now: datetime,
                 report: DueReport) -> None:
        self.services, self.cadence, self.now, self.report = services, cadence, now, report
        self.rules = Rules.of(cadence)
        self.subjects = subjects_of(cadence)
        self.questions = questions_of(cadence)

    async def run(self) -> None:
        people = await participants_of(self.services, self.cadence)
        if not people:
            return
        zones = {self._zone(person) for person in people}
        for day in candidate_days(self.now, zones, LOOKBACK):
            if is_cadence_day(self.rules, day):
                await self._day(day, self._windows(people, day))

    def _zone(self, person: Person) -> str:
        return zone_of(person, self.services, self.cadence)

    def _windows(self, people: list[Person], day: date) -> list[Window]:
        return [Window(person, local_instant(day, self.rules.local_time, self._zone(person)),
                       local_instant(day, self.rules.close_time, self._zone(person)))
                for person in people]

    def _local_clock(self, instant: datetime, person: Person) -> str:
        return f"{instant.astimezone(ZoneInfo(self._zone(person))):%H:%M}"

    async def _day(self, day: date, windows: list[Window]) -> None:
        # Only open windows get prompts: a window that passed unseen (the bot was down)
        # is skipped, never sent late in a pile.
        open_now = [w for w in windows if w.opens <= self.now < w.closes]
        if not open_now:
            return
        last_close = max(w.closes for w in windows)
        async with self.services.db.session() as session:
            occurrence = await cadences.ensure_occurrence(
                session, self.cadence.id or 0, day, close_at=last_close, now=self.now)
            if occurrence.closed_at is not None:
                return
            if last_close > occurrence.close_at:
                # Someone joined (or moved) to a later zone since the day began: stay open
                # until their close too.
                occurrence.close_at = last_close
                session.add(occurrence)
        await ensure_parent(self.services, self.cadence, occurrence)
        await self._prompts_and_reminders(occurrence, open_now)

    async def _prompts_and_reminders(self, occurrence: Occurrence, open_now: list[Window]
                                     ) -> None:
        ids = [w.person.id or 0 for w in open_now]
        async with self.services.db.session() as session:
            away = await cadences.absent_on(session, ids, occurrence.local_date,
                                            self.cadence.id or 0)
            responded = {a.person_id for a in await cadences.answers(session, occurrence.id or 0)}
            ledger = await deliveries.of_occurrence(session, occurrence.id or 0,
                                                    ("prompt", "reminder"))
        present = [w for w in open_now if w.person.id not in away]

        def open_to_send(kind: str, window: Window) -> bool:
            """No row yet, or a failed one to retry: a claimed or sent row is someone's."""
            row = ledger.get(self._key(kind, occurrence, window))
            return row is None or row.status is DeliveryStatus.FAILED

        unprompted = [w for w in present if open_to_send("prompt", w)]
        self.report.prompts += await deliver_many(
            self.services, [self._prompt(occurrence, w) for w in unprompted],
            concurrency=FAN_OUT, now=self.now)
        delay = timedelta(minutes=self.cadence.reminder_minutes)
        if not delay:
            return

        def reminder_due(window: Window) -> bool:
            # Counted from the prompt as sent: a prompt caught up late is not chased at once.
            prompt = ledger.get(self._key("prompt", occurrence, window))
            return prompt is not None and prompt.status is DeliveryStatus.SENT \
                and prompt.sent_at is not None and self.now >= prompt.sent_at + delay

        due_reminders = [w for w in present if w.person.id not in responded
                         and open_to_send("reminder", w) and reminder_due(w)]
        self.report.reminders += await deliver_many(
            self.services, [self._reminder(occurrence, w) for w in due_reminders],
            concurrency=FAN_OUT, now=self.now)

    @staticmethod
    def _key(kind: str, occurrence: Occurrence, window: Window) -> str:
        return f"{kind}:{occurrence.id}:{window.person.id}"

    def _direct_message(self, kind: str, occurrence: Occurrence, window: Window,
                        card: Card) -> Pending:
        key = self._key(kind, occurrence, window)
        to = _direct(self.cadence, window.person)
        claim = ClaimRequest(key, kind, occurrence.id, window.person.id, to.platform.value, to.id)
        return Pending(claim, lambda: self.services.outbox.post(to, card, key=key))

    def _prompt(self, occurrence: Occurrence, window: Window) -> Pending:
        card = prompt_card(self.cadence, occurrence, self.subjects, self.questions,
                           self._local_clock(window.closes, window.person))
        return self._direct_message("prompt", occurrence, window, card)

    def _reminder(self, occurrence: Occurrence, window: Window) -> Pending:
        card = reminder_card(self.cadence, occurrence, self.subjects,
                             self._local_clock(window.closes, window.person))
        return self._direct_message("reminder", occurrence, window, card)


async def _close(services: Services, occurrence: Occurrence, now: datetime) -> bool:
    """Show the final attendance on the parent message, once; True if it closed now."""
    async with services.db.session() as session:
        cadence = await cadences.get(session, occurrence.cadence_id)
    parent = parent_message(cadence, occurrence) if cadence is not None else None
    if cadence is not None and parent is not None:
        card = report_card(cadence, occurrence,
                           await attendance(services, cadence, occurrence), closed=True)

        async def update_parent() -> MessageRef:
            await services.outbox.update(parent, card)
            return parent

        await deliver_once(services, f"close:{occurrence.id}", "close", update_parent,
                           occurrence_id=occurrence.id, now=now)
        async with services.db.session() as session:
            outcome = await deliveries.find(session, f"close:{occurrence.id}")
        # A platform that is down keeps the occurrence open for retries, but not forever.
        if outcome is not None and outcome.status is not DeliveryStatus.SENT \
                and now - occurrence.close_at < LOOKBACK:
            return False
    async with services.db.session() as session:
        stored = await cadences.get_occurrence(session, occurrence.id or 0)
        if stored is None or stored.closed_at is not None:
            return False
        stored.closed_at = now
        session.add(stored)
    return True


async def run_due(services: Services, now: datetime) -> DueReport:
    """Send every prompt, reminder and close update due up to `now`, exactly once each."""
    report = DueReport()
    await release_stale_claims(services, now)
    async with services.db.session() as session:
        active = list(await cadences.active_cadences(session))
    for cadence in active:
        try:
            await CadenceRun(services, cadence, now, report).run()
        except Exception:  # one broken cadence must not starve the others
            log.exception("run-due failed for cadence %s", cadence.id)
    async with services.db.session() as session:
        closing = list(await cadences.due_to_close(session, now))
    for occurrence in closing:
        report.closed += await _close(services, occurrence, now)
    return report
