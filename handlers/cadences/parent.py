"""The report-channel parent message of an occurrence: created once, updated as answers come."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Sequence

from bot.core.conversation import ConversationKind, ConversationRef, MessageRef, Platform
from bot.core.errors import DeliveryError
from handlers.cadences.cards import Attendance, report_card
from handlers.cadences.ids import FEATURE_NAME, CadenceMessage, delivery
from handlers.cadences.participants import people_of_day
from handlers.cadences.status import DayAnswers, standing_of
from handlers.cadences.subjects import asked_on
from handlers.common.context import Services
from handlers.common.ledger import Pending, deliver_once
from storage.cadences import absences
from storage.cadences import repository as cadences
from storage.cadences.models import AnswerStatus, Cadence, Occurrence
from storage.common.models import Workspace
from storage.common.people import Member
from storage.ledger import repository as ledger
from storage.ledger.models import DeliveryStatus

SendOnce = Callable[[Pending], Awaitable[MessageRef | None]]


def report_channel(cadence: Cadence, workspace: Workspace) -> ConversationRef:
    return ConversationRef(Platform(cadence.platform), cadence.report_channel_id,
                           ConversationKind.CHANNEL, cadence.report_channel_name,
                           workspace.external_id or "")


def scope_of(occurrence: Occurrence) -> str:
    """What the ledger rows of an occurrence's messages belong to."""
    return f"occurrence:{occurrence.id}"


def parent_message(cadence: Cadence, workspace: Workspace,
                   occurrence: Occurrence) -> MessageRef | None:
    if not occurrence.report_message_id:
        return None
    return MessageRef(report_channel(cadence, workspace), occurrence.report_message_id)


async def attendance(services: Services, cadence: Cadence, occurrence: Occurrence,
                     members: Sequence[Member] | None = None) -> Attendance:
    """Who answered, skipped, is away or is awaited; `members` are the cadence's
    participants when the caller has them already (a fan-out's thousands: not twice)."""
    async with services.db.session() as session:
        given = await cadences.answers(session, occurrence.id or 0)
    everyone = await people_of_day(services, cadence, occurrence, given, members)
    async with services.db.session() as session:
        away = await absences.absent_on(session, [p.id or 0 for p in everyone],
                                        occurrence.local_date, cadence.id or 0)
    result = Attendance()
    asked = await asked_on(services, cadence, occurrence, [person.id or 0 for person in everyone])
    answering = {answer.person_id for answer in given}
    by_person = DayAnswers(given)
    for person in everyone:
        subjects = asked.of(person.id or 0)
        if not subjects and person.id not in answering:
            continue  # a check-in had nothing to ask them (they own no partner)
        standing = standing_of(by_person, person.id or 0, subjects)
        name, status = person.display_name + standing.progress, standing.status
        if status is AnswerStatus.ANSWERED:
            result.answered.append(name)
        elif status is AnswerStatus.SKIPPED:
            result.skipped.append(name)
        elif person.id in away:
            result.away.append(name)
        else:
            result.waiting.append(name)
    return result


async def ensure_parent(services: Services, cadence: Cadence, workspace: Workspace,
                        occurrence: Occurrence, *,
                        send_once: SendOnce | None = None,
                        members: Sequence[Member] | None = None) -> MessageRef | None:
    """The parent message, posted once per occurrence however often this is called.

    `send_once` is run-due's (counted in its report, under its lease); by default the
    message is sent under this process's own lease. `members`: as for attendance.
    """
    existing = parent_message(cadence, workspace, occurrence)
    if existing is not None:
        return existing
    card = report_card(cadence, occurrence,
                       await attendance(services, cadence, occurrence, members), closed=False)
    key, channel = f"parent:{occurrence.id}", report_channel(cadence, workspace)
    pending = Pending(key, delivery(CadenceMessage.PARENT), cadence.workspace_id, channel,
                      lambda: services.outbox.post(channel, card, key=key),
                      scope_of(occurrence))
    posted = await (send_once(pending) if send_once is not None
                    else deliver_once(services, pending))
    if posted is None:
        # Another run posted it, or a crash left it recorded only in the ledger.
        async with services.db.session() as session:
            fresh = await cadences.get_occurrence(session, occurrence.id or 0)
            recorded = await ledger.find(session, FEATURE_NAME, key)
            if fresh is not None and not fresh.report_message_id and recorded is not None \
                    and recorded.status is DeliveryStatus.SENT and recorded.message_id:
                fresh.report_message_id = recorded.message_id
                session.add(fresh)
        if fresh is not None and fresh.report_message_id:
            occurrence.report_message_id = fresh.report_message_id
        return parent_message(cadence, workspace, fresh) if fresh else None
    async with services.db.session() as session:
        stored = await cadences.get_occurrence(session, occurrence.id or 0)
        if stored is not None:
            stored.report_message_id = posted.id
            session.add(stored)
    occurrence.report_message_id = posted.id
    return posted


async def refresh_parent(services: Services, cadence: Cadence, workspace: Workspace,
                         occurrence: Occurrence, *, closed: bool = False) -> None:
    """Show current attendance on the parent message (best effort: answers are safe)."""
    parent = parent_message(cadence, workspace, occurrence)
    if parent is None:
        return
    card = report_card(cadence, occurrence, await attendance(services, cadence, occurrence),
                       closed=closed)
    with contextlib.suppress(DeliveryError):  # the next answer or the close updates it again
        await services.outbox.update(parent, card)
