"""Send a message exactly once: claim its key in the ledger, send, then confirm.

Claims carry the wall-clock time they were taken (how recovery tells an abandoned claim
from one still in flight); confirmations carry the instant the send counts for (run-due's
`now`), from which reminders are timed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.core.conversation import ConversationKind, ConversationRef, MessageRef, Platform
from bot.core.errors import DeliveryError
from handlers.common.context import Services
from storage.ledger import repository as deliveries
from storage.ledger.repository import ClaimRequest, Won

log = logging.getLogger(__name__)

# Claims are written per batch, outcomes every few sends: a crash leaves at most
# SETTLE_EVERY sends in flight unconfirmed (recovery then asks the platform about them).
BATCH = 500
SETTLE_EVERY = 50
# How far back to look for an earlier attempt that may have arrived after all.
RETRY_LOOKBACK = timedelta(days=2)
DIRECT_KINDS = frozenset({"prompt", "reminder"})


def wall_clock() -> datetime:
    return datetime.now(UTC)


def target_of(claim: ClaimRequest) -> ConversationRef | None:
    """Where a claimed message goes, as recorded in its claim."""
    if not claim.platform or not claim.conversation_id:
        return None
    kind = ConversationKind.DIRECT if claim.kind in DIRECT_KINDS else ConversationKind.CHANNEL
    return ConversationRef(Platform(claim.platform), claim.conversation_id, kind)


@dataclass(frozen=True)
class Pending:
    """One message: its ledger claim and how to send it."""

    claim: ClaimRequest
    send: Callable[[], Awaitable[MessageRef]]


async def _attempt(services: Services, item: Pending, won: Won, gate: asyncio.Semaphore,
                   now: datetime) -> tuple[Pending, MessageRef | DeliveryError]:
    async with gate:
        to = target_of(item.claim)
        if won.retried and to is not None:
            # The earlier attempt failed, perhaps only its answer was lost (a timeout):
            # where the platform can tell, a message that did arrive is not sent again.
            found = await services.outbox.find_delivery(to, item.claim.key,
                                                        since=now - RETRY_LOOKBACK)
            if found is not None:
                return item, found
        try:
            return item, await item.send()
        except DeliveryError as error:
            return item, error


async def _send_and_settle(services: Services, items: Sequence[Pending], won: dict[str, Won],
                           concurrency: int, now: datetime) -> int:
    gate = asyncio.Semaphore(concurrency)
    sent: list[tuple[int, str, str]] = []
    failed: list[tuple[int, str]] = []
    total_sent = 0

    async def settle() -> None:
        async with services.db.session() as session:
            await deliveries.settle_many(session, sent=sent, failed=failed, now=now)
        sent.clear()
        failed.clear()

    attempts = [_attempt(services, item, won[item.claim.key], gate, now) for item in items]
    for done in asyncio.as_completed(attempts):
        item, outcome = await done
        ident = won[item.claim.key].id
        if isinstance(outcome, MessageRef):
            sent.append((ident, outcome.conversation.id, outcome.id))
            total_sent += 1
        else:
            log.warning("a %s send failed (a later run retries it): %s", item.claim.kind,
                        outcome)
            failed.append((ident, str(outcome)))
        if len(sent) + len(failed) >= SETTLE_EVERY:
            await settle()
    await settle()
    return total_sent


async def deliver_many(services: Services, pending: Sequence[Pending], *,
                       concurrency: int, now: datetime | None = None) -> int:
    """Send each message whose key nobody claimed yet; how many were sent by this call."""
    sent_count = 0
    now = now or services.clock.now()
    for start in range(0, len(pending), BATCH):
        batch = pending[start:start + BATCH]
        async with services.db.session() as session:
            won = await deliveries.claim_many(session, [item.claim for item in batch],
                                              now=wall_clock())
        mine = [item for item in batch if item.claim.key in won]
        sent_count += await _send_and_settle(services, mine, won, concurrency, now)
    return sent_count


async def deliver_once(services: Services, key: str, kind: str,
                       send: Callable[[], Awaitable[MessageRef]], *,
                       occurrence_id: int | None = None, person_id: int | None = None,
                       to: ConversationRef | None = None,
                       now: datetime | None = None) -> MessageRef | None:
    """The message `send` posted, or None if `key` was sent before (or is being sent now).

    The claim commits before the send, so a second process or a repeated run-due finds it
    and stays away; a failed send releases the key for a later run to try again.
    """
    claim = ClaimRequest(key, kind, occurrence_id, person_id,
                         to.platform.value if to else None, to.id if to else None)
    posted: list[MessageRef] = []

    async def send_and_keep() -> MessageRef:
        posted.append(await send())
        return posted[-1]

    sent = await deliver_many(services, [Pending(claim, send_and_keep)], concurrency=1,
                              now=now)
    if posted or not sent or to is None:
        return posted[0] if posted else None
    # Not sent now: an earlier attempt was found to have arrived; it is in the ledger.
    async with services.db.session() as session:
        row = await deliveries.find(session, key)
    if row is None or row.message_id is None:
        return None
    return MessageRef(ConversationRef(to.platform, row.conversation_id or to.id, to.kind,
                                      to.name), row.message_id)
