"""Send a message exactly once: claim its key in the ledger, send, then confirm."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.conversation import ConversationRef, MessageRef
from bot.core.errors import DeliveryError
from handlers.context import Services
from storage import deliveries
from storage.deliveries import ClaimRequest

log = logging.getLogger(__name__)


async def deliver_once(services: Services, key: str, kind: str,
                       send: Callable[[], Awaitable[MessageRef]], *,
                       occurrence_id: int | None = None, person_id: int | None = None,
                       to: ConversationRef | None = None,
                       now: datetime | None = None) -> MessageRef | None:
    """The message `send` posted, or None if `key` was sent before (or is being sent now).

    The claim commits before the send, so a second process or a repeated run-due finds it
    and stays away; a failed send releases the key for a later run to try again.
    """
    now = now or services.clock.now()
    async with services.db.session() as session:
        claim = await deliveries.claim(session, key=key, kind=kind, now=now,
                                       occurrence_id=occurrence_id, person_id=person_id,
                                       platform=to.platform.value if to else None,
                                       conversation_id=to.id if to else None)
    if claim is None or claim.id is None:
        return None
    try:
        sent = await send()
    except DeliveryError as error:
        log.warning("delivery %s failed: %s", kind, error)
        async with services.db.session() as session:
            await deliveries.fail(session, claim.id, str(error))
        return None
    async with services.db.session() as session:
        await deliveries.confirm(session, claim.id, conversation_id=sent.conversation.id,
                                 message_id=sent.id, now=now)
    return sent


async def _attempt(item: Pending, gate: asyncio.Semaphore
                   ) -> tuple[Pending, MessageRef | DeliveryError]:
    async with gate:
        try:
            return item, await item.send()
        except DeliveryError as error:
            return item, error


@dataclass(frozen=True)
class Pending:
    """One message of a fan-out: its ledger key and how to send it."""

    claim: ClaimRequest
    send: Callable[[], Awaitable[MessageRef]]


# Claims are written per batch, outcomes every few sends: a crash leaves at most
# SETTLE_EVERY sends in flight unconfirmed (recovery then asks the platform about them).
BATCH = 500
SETTLE_EVERY = 25


async def deliver_many(services: Services, pending: Sequence[Pending], *,
                       concurrency: int, now: datetime | None = None) -> int:
    """deliver_once for many messages, with a few statements per batch; how many were sent."""
    sent_count = 0
    now = now or services.clock.now()
    for start in range(0, len(pending), BATCH):
        batch = pending[start:start + BATCH]
        async with services.db.session() as session:
            won = await deliveries.claim_many(session, [item.claim for item in batch], now=now)
        mine = [item for item in batch if item.claim.key in won]
        sent_count += await _send_and_settle(services, mine, won, concurrency, now)
    return sent_count


async def _send_and_settle(services: Services, items: Sequence[Pending], won: dict[str, int],
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

    for done in asyncio.as_completed([_attempt(item, gate) for item in items]):
        item, outcome = await done
        if isinstance(outcome, MessageRef):
            sent.append((won[item.claim.key], outcome.conversation.id, outcome.id))
            total_sent += 1
        else:
            log.warning("a %s send failed (a later run retries it): %s", item.claim.kind,
                        outcome)
            failed.append((won[item.claim.key], str(outcome)))
        if len(sent) + len(failed) >= SETTLE_EVERY:
            await settle()
    await settle()
    return total_sent
