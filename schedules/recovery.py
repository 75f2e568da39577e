"""Claims left behind by a process that died between claiming a send and confirming it."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from bot.core.conversation import MessageRef
from handlers.common.context import Services
from handlers.common.ledger import target_of, wall_clock
from storage.ledger import repository as deliveries
from storage.ledger.models import Delivery
from storage.ledger.repository import ClaimRequest

log = logging.getLogger(__name__)

# Longer than any send with its retries takes: a younger claim may still be in flight.
# Claims carry wall-clock time, so a run at a simulated instant never looks stale.
STALE_AFTER = timedelta(minutes=5)
LOOKUPS_AT_ONCE = 8


async def _arrived(services: Services, claim: Delivery) -> MessageRef | None:
    """Ask the platform whether the abandoned send reached its conversation after all."""
    to = target_of(ClaimRequest(claim.key, claim.kind, platform=claim.platform,
                                conversation_id=claim.conversation_id))
    if to is None:
        return None
    return await services.outbox.find_delivery(to, claim.key,
                                               since=claim.claimed_at - timedelta(minutes=1))


async def release_stale_claims(services: Services, now: datetime) -> int:
    """Settle abandoned claims: confirmed if the platform shows the message, else retryable.

    Where the platform can tell (Slack's message metadata) nothing is sent twice; where it
    cannot (Teams, console) the next run sends again: at most one duplicate, never a loss.
    """
    async with services.db.session() as session:
        stale = list(await deliveries.unconfirmed(session, wall_clock() - STALE_AFTER))
    if not stale:
        return 0
    gate = asyncio.Semaphore(LOOKUPS_AT_ONCE)

    async def look(claim: Delivery) -> MessageRef | None:
        async with gate:
            return await _arrived(services, claim)

    found = await asyncio.gather(*(look(claim) for claim in stale))
    async with services.db.session() as session:
        await deliveries.settle_many(
            session,
            sent=[(claim.id or 0, ref.conversation.id, ref.id)
                  for claim, ref in zip(stale, found, strict=True) if ref is not None],
            failed=[(claim.id or 0, "claim abandoned by a stopped process")
                    for claim, ref in zip(stale, found, strict=True) if ref is None],
            now=now)
    log.warning("settled %d abandoned delivery claims (%d had arrived)", len(stale),
                sum(ref is not None for ref in found))
    return len(stale)
