"""Claims left behind by a run that died between claiming a send and confirming it.

Every claim names its run's lease, which dies with the run's process: so a run settles a
dead run's claims at once, and never touches the claims of a run that is still going.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from bot.core.conversation import MessageRef
from bot.core.errors import DeliveryError
from handlers.common.context import Services
from handlers.common.ledger import target_of
from storage.ledger import leases
from storage.ledger import repository as ledger
from storage.ledger.models import DeliveryStatus
from storage.ledger.repository import Abandoned

log = logging.getLogger(__name__)

LOOKUPS_AT_ONCE = 8
# Slack's timestamps and ours may differ a little: look a bit further back than the claim.
CLOCK_SLACK = timedelta(minutes=1)


async def _arrived(services: Services, claim: Abandoned) -> MessageRef | None:
    """Ask the platform whether the abandoned send reached its conversation after all."""
    row = claim.delivery
    to = target_of(row.platform, row.conversation_id, row.conversation_kind,
                   claim.workspace_external_id)
    return await services.outbox.find_delivery(to, row.key, since=row.claimed_at - CLOCK_SLACK)


async def _dead_leases(services: Services, own_lease: int) -> list[int | None]:
    async with services.db.session() as session:
        holding = await ledger.claiming_leases(session)
    return [lease for lease in holding if lease is None or (
        lease != own_lease and not await leases.alive(services.db, lease))]


async def settle_abandoned_claims(services: Services, now: datetime, *, own_lease: int) -> int:
    """Settle the claims of dead runs: sent if the platform shows the message, else failed
    (and so retried while still due). How many were settled.

    Where the platform can tell (Slack's message metadata) nothing is sent twice; where it
    cannot (Teams, console) the next run sends again: at most one duplicate, never a loss.
    """
    dead = await _dead_leases(services, own_lease)
    if not dead:
        return 0
    async with services.db.session() as session:
        claims = await ledger.adopt(session, dead, own_lease)
    gate = asyncio.Semaphore(LOOKUPS_AT_ONCE)

    async def look(claim: Abandoned) -> MessageRef | None:
        async with gate:
            try:
                return await _arrived(services, claim)
            except DeliveryError as problem:  # unknown: failed, so the retry looks again
                log.warning("could not tell whether an abandoned send arrived: %s", problem)
                return None

    found = await asyncio.gather(*(look(claim) for claim in claims))
    pairs = list(zip(claims, found, strict=True))
    async with services.db.session() as session:
        await ledger.settle_many(
            session,
            sent=[(claim.delivery.id or 0, ref.conversation.id, ref.id)
                  for claim, ref in pairs if ref is not None],
            failed=[(claim.delivery.id or 0, "claim abandoned by a run that stopped")
                    for claim, ref in pairs if ref is None],
            now=now)
    for claim, ref in pairs:
        status = DeliveryStatus.SENT if ref is not None else DeliveryStatus.FAILED
        services.telemetry.settled(claim.delivery.feature, claim.delivery.kind, status.value)
    for lease in dead:
        if lease is not None:
            await leases.end(services.db, lease)
    if claims:
        log.warning("settled %d claims of runs that stopped (%d had arrived)", len(claims),
                    sum(ref is not None for ref in found))
    return len(claims)
