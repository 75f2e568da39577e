"""Claims left behind by a process that died between claiming a send and confirming it."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from handlers.context import Services
from storage import deliveries

log = logging.getLogger(__name__)

# Longer than any send with its retries takes: a younger claim may still be in flight.
STALE_AFTER = timedelta(minutes=5)


async def release_stale_claims(services: Services, now: datetime) -> int:
    """Make abandoned claims retryable; returns how many.

    The send may or may not have reached the person before the crash. Releasing the claim
    lets the next run send it (if it is still due): at most one duplicate after a crash,
    never a loss.
    """
    async with services.db.session() as session:
        stale = list(await deliveries.unconfirmed(session, now - STALE_AFTER))
        for claim in stale:
            await deliveries.fail(session, claim.id or 0, "claim abandoned by a stopped process")
    if stale:
        log.warning("released %d abandoned delivery claims", len(stale))
    return len(stale)
