"""Send a message exactly once: claim its key in the ledger, send, then confirm.

Every claim names the lease of the run (or process) that holds it: a lease dies with its
process, so the next run settles a crashed run's claims at once and never touches a live
one's. Claims carry wall-clock time; confirmations carry the instant the send counts for
(run-due's `now`), from which reminders are timed. Many messages go out as a pipeline
(fan_out.py), which bounds what a crash can leave unconfirmed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import datetime
from itertools import chain

from bot.core.conversation import ConversationRef, MessageRef
from handlers.common.context import Services
from handlers.common.deliveries import DeliveryKind, Failure, Outcome, Pending, target_of
from handlers.common.fan_out import fan_out
from storage.ledger import repository as ledger

__all__ = ["DeliveryKind", "Failure", "Outcome", "Pending", "deliver_many", "deliver_once",
           "run_lease", "target_of"]


async def deliver_many(services: Services, pending: Iterable[Pending], *, lease_id: int,
                       concurrency: int, now: datetime | None = None,
                       outcome: Outcome | None = None) -> Outcome:
    """Send each message whose key nobody claimed yet, under `lease_id`.

    `pending` is taken as the sends go, so it may render each message when it is taken."""
    outcome = outcome if outcome is not None else Outcome()
    items = iter(pending)
    first = next(items, None)
    if first is None:
        return outcome
    await fan_out(services, chain((first,), items), lease_id=lease_id,
                  concurrency=concurrency, now=now or services.clock.now(), outcome=outcome)
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
