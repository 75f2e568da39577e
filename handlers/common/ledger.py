"""Send a message exactly once: claim its key in the ledger, send, then confirm.

Every claim names the lease of the run (or process) that holds it: a lease dies with its
process, so the next run settles a crashed run's claims at once and never touches a live
one's. Claims carry wall-clock time; confirmations carry the instant the send counts for
(run-due's `now`), from which reminders are timed.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from bot.core.conversation import ConversationKind, ConversationRef, MessageRef, Platform
from bot.core.errors import DeliveryError, Undeliverable
from handlers.common.context import Services
from storage.ledger import repository as ledger
from storage.ledger.models import DeliveryStatus
from storage.ledger.repository import ClaimRequest, Won

log = logging.getLogger(__name__)

# Claims are written per batch, outcomes every few sends: a crash leaves at most
# SETTLE_EVERY sends in flight unconfirmed (recovery then asks the platform about them).
BATCH = 500
SETTLE_EVERY = 50
# How far back to look for an earlier attempt that may have arrived after all.
RETRY_LOOKBACK = timedelta(days=2)


@dataclass(frozen=True)
class DeliveryKind:
    """What a ledger row is: a feature's kind of message (its enum's value)."""

    feature: str
    kind: StrEnum


def target_of(delivery_platform: str, conversation_id: str, conversation_kind: str,
              workspace: str) -> ConversationRef:
    """Where a claimed message goes, as recorded with its claim."""
    return ConversationRef(Platform(delivery_platform), conversation_id,
                           ConversationKind(conversation_kind), workspace=workspace)


@dataclass(frozen=True)
class Pending:
    """One message: its key, what it is, where it goes, how to send it."""

    key: str
    kind: DeliveryKind
    workspace_id: int
    to: ConversationRef
    send: Callable[[], Awaitable[MessageRef]]
    scope: str = ""

    def claim(self) -> ClaimRequest:
        return ClaimRequest(self.key, self.kind.feature, self.kind.kind.value, self.workspace_id,
                            self.to.platform.value, self.to.id, self.to.kind.value, self.scope)


@dataclass(frozen=True)
class Failure:
    kind: DeliveryKind
    key: str
    error: str


@dataclass
class Outcome:
    """What a batch of sends did: how many went out, and which failed and why."""

    sent: dict[DeliveryKind, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)

    def count(self, kind: DeliveryKind) -> None:
        self.sent[kind] = self.sent.get(kind, 0) + 1


async def _attempt(services: Services, item: Pending, won: Won, gate: asyncio.Semaphore,
                   now: datetime) -> tuple[Pending, MessageRef | DeliveryError]:
    async with gate:
        try:
            if won.retried:
                # The earlier attempt failed, perhaps only its answer was lost (a timeout):
                # where the platform can tell, a message that did arrive is not sent again.
                # A lookup that cannot tell now fails this item alone (the next run looks
                # again), never the batch.
                found = await services.outbox.find_delivery(item.to, item.key,
                                                            since=now - RETRY_LOOKBACK)
                if found is not None:
                    return item, found
            return item, await item.send()
        except DeliveryError as error:
            return item, error
        except Exception as error:  # a bug of ours: failed (and retried), never left claimed
            log.exception("a %s/%s send failed unexpectedly", item.kind.feature,
                          item.kind.kind.value)
            return item, DeliveryError(f"unexpected {type(error).__name__}")


async def _send_and_settle(services: Services, items: Sequence[Pending], won: dict[str, Won],
                           concurrency: int, now: datetime, outcome: Outcome) -> None:
    gate = asyncio.Semaphore(concurrency)
    sent: list[tuple[int, str, str]] = []
    failed: list[tuple[int, str]] = []
    never: list[tuple[int, str]] = []  # undeliverable: recorded with why, never retried
    tally: Counter[tuple[str, str, str]] = Counter()  # (feature, kind, status) -> rows

    async def settle() -> None:
        async with services.db.session() as session:
            await ledger.settle_many(session, sent=sent, failed=failed, undeliverable=never,
                                     now=now)
        for (feature, kind, status), count in tally.items():  # counted once recorded
            services.telemetry.settled(feature, kind, status, count)
        tally.clear()
        sent.clear()
        failed.clear()
        never.clear()

    attempts = [asyncio.ensure_future(_attempt(services, item, won[item.key], gate, now))
                for item in items]
    try:
        for done in asyncio.as_completed(attempts):
            item, result = await done
            ident = won[item.key].id
            if isinstance(result, MessageRef):
                sent.append((ident, result.conversation.id, result.id))
                outcome.count(item.kind)
                status = DeliveryStatus.SENT
            elif isinstance(result, Undeliverable):
                log.warning("a %s/%s send can never be delivered (not retried): %s",
                            item.kind.feature, item.kind.kind.value, result)
                never.append((ident, str(result)))
                outcome.failures.append(Failure(item.kind, item.key, str(result)))
                status = DeliveryStatus.UNDELIVERABLE
            else:
                log.warning("a %s/%s send failed (a later run retries it): %s",
                            item.kind.feature, item.kind.kind.value, result)
                failed.append((ident, str(result)))
                outcome.failures.append(Failure(item.kind, item.key, str(result)))
                status = DeliveryStatus.FAILED
            tally[item.kind.feature, item.kind.kind.value, status.value] += 1
            if len(sent) + len(failed) + len(never) >= SETTLE_EVERY:
                await settle()
        await settle()
    finally:
        # Settling failed (the database went away) or the run was stopped: send nothing
        # more that could not be confirmed, and leave nothing sending after the run has
        # ended and its lease with it (the next run would take those claims for abandoned
        # while they are still in flight). Sends cut off stay claimed: recovery asks the
        # platform about them.
        for attempt in attempts:
            attempt.cancel()
        await asyncio.gather(*attempts, return_exceptions=True)


async def deliver_many(services: Services, pending: Sequence[Pending], *, lease_id: int,
                       concurrency: int, now: datetime | None = None,
                       outcome: Outcome | None = None) -> Outcome:
    """Send each message whose key nobody claimed yet, under `lease_id`."""
    outcome = outcome if outcome is not None else Outcome()
    now = now or services.clock.now()
    for start in range(0, len(pending), BATCH):
        batch = pending[start:start + BATCH]
        async with services.db.session() as session:
            won = await ledger.claim_many(session, [item.claim() for item in batch],
                                          now=services.wall_clock.now(), lease_id=lease_id)
        mine = [item for item in batch if item.key in won]
        await _send_and_settle(services, mine, won, concurrency, now, outcome)
    return outcome


async def deliver_once(services: Services, item: Pending, *, lease_id: int | None = None,
                       now: datetime | None = None,
                       outcome: Outcome | None = None) -> MessageRef | None:
    """The message `item` posted, or None if its key was sent before (or is being sent).

    The claim commits before the send, so a second process or a repeated run-due finds it
    and stays away; a failed send releases the key for a later run to try again. Without a
    run's lease, the claim is held under this process's own.
    """
    posted: list[MessageRef] = []

    async def send_and_keep() -> MessageRef:
        posted.append(await item.send())
        return posted[-1]

    held = lease_id if lease_id is not None else await services.leases.process_lease()
    mine = Pending(item.key, item.kind, item.workspace_id, item.to, send_and_keep, item.scope)
    before = sum(outcome.sent.values()) if outcome is not None else 0
    outcome = await deliver_many(services, [mine], lease_id=held, concurrency=1, now=now,
                                 outcome=outcome)
    if posted or sum(outcome.sent.values()) == before:
        return posted[0] if posted else None
    # Not sent now: an earlier attempt was found to have arrived; it is in the ledger.
    async with services.db.session() as session:
        row = await ledger.find(session, item.kind.feature, item.key)
    if row is None or row.message_id is None:
        return None
    return MessageRef(ConversationRef(item.to.platform, row.conversation_id or item.to.id,
                                      item.to.kind, item.to.name, item.to.workspace),
                      row.message_id)


@asynccontextmanager
async def run_lease(services: Services) -> AsyncIterator[int]:
    """A lease for one run of sends, held until the block ends or the process dies."""
    async with services.leases.run_lease() as lease:
        yield lease.id
