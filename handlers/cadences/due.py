"""The cadences' timed messages: prompts, reminders and close updates, for run-due.

The database decides what is due; each message goes through the run's ledger, so running
it twice, or in two processes, sends nothing twice. A prompt or reminder is sent late only
while its person's window is still open; a close update always, once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.cards import Card
from bot.core.conversation import ConversationKind, ConversationRef, MessageRef, Platform
from bot.core.dates import day_label
from handlers.cadences.calendar import (
    Rules,
    candidate_days,
    is_cadence_day,
    local_date,
    local_instant,
)
from handlers.cadences.cards import prompt_card, reminder_card, report_card
from handlers.cadences.ids import FEATURE_NAME, CadenceMessage, delivery, person_message_key
from handlers.cadences.parent import (
    attendance,
    ensure_parent,
    parent_message,
    report_channel,
    scope_of,
)
from handlers.cadences.parsing import questions_of
from handlers.cadences.participants import participants_of, zone_of
from handlers.cadences.status import DayAnswers, standing_of
from handlers.cadences.subjects import Asked, Subject, asked_by, asked_on, remember_asked
from handlers.cadences.wakeup import LOOKBACK, next_wakeup
from handlers.common.context import Services
from handlers.common.due import CatchUp, DueKind, DueMessage, DueRun
from handlers.common.ledger import Pending
from storage.cadences import absences
from storage.cadences import repository as cadences
from storage.cadences.models import Cadence, CadenceKind, Occurrence
from storage.common import workspaces
from storage.common.models import Workspace
from storage.common.people import Member
from storage.ledger import repository as ledger
from storage.ledger.models import Delivery, DeliveryStatus
from storage.partners import objectives

log = logging.getLogger(__name__)

# Sends in flight at once for one cadence: Slack allows ~1 message a second per channel,
# but DMs are separate channels, and the client waits out 429s.
FAN_OUT = 16
AGENDA_MAX = 10  # open objectives listed in an objective review's prompt

PROMPT = DueKind(delivery(CadenceMessage.PROMPT), CatchUp.WHILE_OPEN)
# The report channel's message of the day, posted when the day's first window opens.
PARENT = DueKind(delivery(CadenceMessage.PARENT), CatchUp.WHILE_OPEN)
REMINDER = DueKind(delivery(CadenceMessage.REMINDER), CatchUp.WHILE_OPEN)
CLOSE = DueKind(delivery(CadenceMessage.CLOSE), CatchUp.ALWAYS)


@dataclass(frozen=True)
class Window:
    """One person's part of one occurrence: prompted at `opens`, answers until `closes`."""

    member: Member
    opens: datetime
    closes: datetime


def message_key(kind: CadenceMessage, occurrence: Occurrence, window: Window) -> str:
    return person_message_key(kind, occurrence.id or 0, window.member.person.id or 0)


class CadenceDay:
    """What one cadence owes its people at `run.now`."""

    def __init__(self, run: DueRun, cadence: Cadence, workspace: Workspace) -> None:
        self.run, self.services, self.now = run, run.services, run.now
        self.cadence, self.workspace = cadence, workspace
        self.rules = Rules.of(cadence)
        self.questions = questions_of(cadence)
        self.asked = Asked(about_partners=False)
        # Every participant, once run_all has loaded them (the day's report lists them).
        self.members: list[Member] | None = None
        # A fan-out of thousands asks the same few things of each person: asked once.
        self._zones: dict[int, str] = {}
        self._clocks: dict[tuple[datetime, str], str] = {}
        self._cards: dict[tuple[object, ...], Card] = {}

    async def _asked_members(self, members: list[Member]) -> list[Member]:
        """The members the cadence has something to ask now (a check-in listing no partners
        asks only people who own some)."""
        asked = await asked_by(self.services, self.cadence,
                               [member.person.id or 0 for member in members])
        return [member for member in members if asked.current(member.person.id or 0)]

    async def run_all(self) -> None:
        # Everyone: someone prompted today may own nothing now, and is still reminded.
        members = await participants_of(self.services, self.cadence)
        if not members:
            return
        self.members = members
        zones = {self._zone(member) for member in members}
        for day in candidate_days(self.now, zones, LOOKBACK):
            if is_cadence_day(self.rules, day):
                await self._day(day, self._windows(members, day))

    async def send_now(self, members: list[Member]) -> tuple[int, int]:
        """Each person's today, open from now until its close (`/standup run`): prompts to
        whoever was not asked today yet. (people whose today was open, people past close)."""
        members = await self._asked_members(members)
        open_days: dict[date, list[Window]] = {}
        past_close = 0
        for member in members:
            zone = self._zone(member)
            day = local_date(self.now, zone)
            closes = local_instant(day, self.rules.close_time, zone)
            if closes <= self.now:
                past_close += 1
                continue
            open_days.setdefault(day, []).append(Window(member, self.now, closes))
        for day, windows in open_days.items():
            await self._day(day, windows)
        return sum(len(windows) for windows in open_days.values()), past_close

    def _zone(self, member: Member) -> str:
        # Asked several times per person and day; a zone is checked against the tz database.
        key = member.person.id or 0
        if (zone := self._zones.get(key)) is None:
            zone = self._zones[key] = zone_of(member.person, self.services, self.cadence)
        return zone

    def _windows(self, members: list[Member], day: date) -> list[Window]:
        """Each person's window that day; none from before the cadence existed, or before
        they joined it (moving a clock back never makes history)."""
        hours: dict[str, tuple[datetime, datetime]] = {}  # zone -> (opens, closes): few zones

        def hours_in(zone: str) -> tuple[datetime, datetime]:
            if (found := hours.get(zone)) is None:
                found = hours[zone] = (local_instant(day, self.rules.local_time, zone),
                                       local_instant(day, self.rules.close_time, zone))
            return found

        windows = [Window(member, *hours_in(self._zone(member))) for member in members]
        return [window for window in windows
                if window.closes > max(self.cadence.created_at,
                                       window.member.joined_at or self.cadence.created_at)]

    def _local_clock(self, instant: datetime, member: Member) -> str:
        key = (instant, self._zone(member))
        if (clock := self._clocks.get(key)) is None:
            clock = self._clocks[key] = f"{instant.astimezone(ZoneInfo(key[1])):%H:%M}"
        return clock

    async def _day(self, day: date, windows: list[Window]) -> None:
        # Only open windows get prompts: a window that passed unseen (the bot was down)
        # is skipped, never sent late in a pile.
        open_now = [w for w in windows if w.opens <= self.now < w.closes]
        if not open_now:
            return
        last_close = max(w.closes for w in windows)
        ids = [w.member.person.id or 0 for w in open_now]
        async with self.services.db.session() as session:
            occurrence = await cadences.ensure_occurrence(
                session, self.cadence.id or 0, day, close_at=last_close, now=self.now,
                questions=self.questions)
            if occurrence.closed_at is not None:
                return
            if last_close > occurrence.close_at:
                # Someone joined (or moved) to a later zone since the day began: stay open
                # until their close too.
                occurrence.close_at = last_close
                session.add(occurrence)
            away = await absences.absent_on(session, ids, day, self.cadence.id or 0)
            given = DayAnswers(await cadences.answers(session, occurrence.id or 0))
        self.asked = await asked_on(self.services, self.cadence, occurrence, ids)
        # Reminded until every partner of the day is answered or skipped.
        responded = {w.member.person.id or 0 for w in open_now
                     if standing_of(given, w.member.person.id or 0,
                                    self._subjects(w)).status is not None}
        async with self.services.db.session() as session:
            sent = await ledger.of_scope(session, scope_of(occurrence),
                                         (CadenceMessage.PROMPT, CadenceMessage.REMINDER))
        await ensure_parent(self.services, self.cadence, self.workspace, occurrence,
                            send_once=lambda pending: self.run.send_once(
                                DueMessage(PARENT, pending, self.now, last_close)),
                            members=self.members)
        # Out of office, or nothing to ask (a check-in whose partners they do not own).
        present = [w for w in open_now if w.member.person.id not in away
                   and self._subjects(w)]
        await self._prompts_and_reminders(occurrence, present, responded, sent)

    async def _prompts_and_reminders(self, occurrence: Occurrence, present: list[Window],
                                     responded: set[int], sent: dict[str, Delivery]) -> None:

        def untouched(kind: CadenceMessage, window: Window) -> bool:
            """No row yet, or a failed one to retry: a claimed or sent row is someone's."""
            row = sent.get(message_key(kind, occurrence, window))
            return row is None or row.status is DeliveryStatus.FAILED

        asked = [w for w in present if untouched(CadenceMessage.PROMPT, w)]
        # What each prompt asks about is kept with the day before it goes out.
        await remember_asked(self.services, occurrence, self.asked,
                             [w.member.person.id or 0 for w in asked])
        agendas = await self._agendas(asked)
        # A generator: each prompt is rendered as its turn to be claimed comes.
        await self.run.send((self._prompt(occurrence, w, agendas.get(w.member.person.id or 0))
                             for w in asked), concurrency=FAN_OUT)
        delay = timedelta(minutes=self.cadence.reminder_minutes)
        if not delay:
            return

        def reminder_from(window: Window) -> datetime | None:
            # Counted from the prompt as sent: a prompt caught up late is not chased at once.
            prompt = sent.get(message_key(CadenceMessage.PROMPT, occurrence, window))
            if prompt is None or prompt.status is not DeliveryStatus.SENT \
                    or prompt.sent_at is None:
                return None
            return prompt.sent_at + delay

        await self.run.send([self._reminder(occurrence, w, opens)
                             for w in present if w.member.person.id not in responded
                             and untouched(CadenceMessage.REMINDER, w)
                             and (opens := reminder_from(w)) is not None],
                            concurrency=FAN_OUT)

    def _direct_message(self, kind: DueKind, message: CadenceMessage, occurrence: Occurrence,
                        window: Window, card: Card, opens: datetime) -> DueMessage:
        key = message_key(message, occurrence, window)
        to = ConversationRef(Platform(self.cadence.platform), window.member.user_id,
                             ConversationKind.DIRECT, workspace=self.workspace.external_id or "")
        pending = Pending(key, kind.delivery, self.cadence.workspace_id, to,
                          lambda: self.services.outbox.post(to, card, key=key),
                          scope_of(occurrence))
        return DueMessage(kind, pending, opens, window.closes)

    async def _agendas(self, windows: list[Window]) -> dict[int, tuple[str, ...]]:
        """An objective review's agenda per person: their partners' open objectives."""
        if self.cadence.kind is not CadenceKind.OBJECTIVE_REVIEW or not windows:
            return {}
        found: dict[int, tuple[str, ...]] = {}
        async with self.services.db.session() as session:
            for window in windows:
                person = window.member.person
                mine = await objectives.open_for(session, self.cadence.workspace_id,
                                                 person.id or 0, person.partner_id)
                found[person.id or 0] = tuple(
                    f"{item.short_id} {partner}: {item.text}"
                    + (f" (due {day_label(item.due_on)})" if item.due_on else "")
                    for item, partner in mine[:AGENDA_MAX])
        return found

    def _subjects(self, window: Window) -> tuple[Subject, ...]:
        return self.asked.of(window.member.person.id or 0)

    def _prompt(self, occurrence: Occurrence, window: Window,
                agenda: tuple[str, ...] | None = None) -> DueMessage:
        subjects, clock = self._subjects(window), self._local_clock(window.closes, window.member)
        # A standup's prompts differ only in their close time: one card per kind of prompt,
        # which the platform renders once too.
        key = (occurrence.id, tuple(subject.partner_id for subject in subjects), clock, agenda)
        if (card := self._cards.get(key)) is None:
            card = self._cards[key] = prompt_card(
                self.cadence, occurrence, subjects, self.questions, clock,
                self.services.style(Platform(self.cadence.platform)), agenda)
        return self._direct_message(PROMPT, CadenceMessage.PROMPT, occurrence, window, card,
                                    window.opens)

    def _reminder(self, occurrence: Occurrence, window: Window, opens: datetime) -> DueMessage:
        card = reminder_card(self.cadence, occurrence, self._subjects(window),
                             self._local_clock(window.closes, window.member))
        return self._direct_message(REMINDER, CadenceMessage.REMINDER, occurrence, window,
                                    card, opens)


async def _close(run: DueRun, occurrence: Occurrence,
                 workspace_of: dict[int, Workspace]) -> bool:
    """Show the final attendance on the parent message, once; True if it closed now."""
    services, now = run.services, run.now
    async with services.db.session() as session:
        cadence = await cadences.get(session, occurrence.cadence_id)
    workspace = workspace_of.get(cadence.workspace_id) if cadence is not None else None
    parent = parent_message(cadence, workspace, occurrence) \
        if cadence is not None and workspace is not None else None
    if cadence is not None and workspace is not None and parent is not None:
        card = report_card(cadence, occurrence,
                           await attendance(services, cadence, occurrence), closed=True)

        async def update_parent() -> MessageRef:
            await services.outbox.update(parent, card)
            return parent

        key = f"close:{occurrence.id}"
        await run.send_once(DueMessage(CLOSE, Pending(
            key, CLOSE.delivery, cadence.workspace_id, report_channel(cadence, workspace),
            update_parent, scope_of(occurrence)), opens=occurrence.close_at))
        async with services.db.session() as session:
            outcome = await ledger.find(session, FEATURE_NAME, key)
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


class CadenceDueWork:
    """Every active cadence's prompts and reminders, then the close of every finished day."""

    feature = FEATURE_NAME

    async def run(self, run: DueRun) -> None:
        async with run.services.db.session() as session:
            active = list(await cadences.active_cadences(session))
            closing = list(await cadences.due_to_close(session, run.now))
            owners = await workspaces.by_ids(session, [c.workspace_id for c in active]
                                             + [o.workspace_id for o in closing])
        for cadence in active:
            try:
                await CadenceDay(run, cadence, owners[cadence.workspace_id]).run_all()
            except Exception:  # one broken cadence must not starve the others
                log.exception("run-due failed for cadence %s", cadence.id)
        for occurrence in closing:
            await _close(run, occurrence, owners)

    async def next_wakeup(self, services: Services, now: datetime) -> datetime | None:
        return await next_wakeup(services, now)
