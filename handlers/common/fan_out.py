"""The ledger's fan-out as a pipeline: claiming, rendering, sending and confirming overlap.

A claimer takes the messages from their iterable in chunks (a feature may render each one
as it is taken) and claims each chunk in one statement, at most CLAIM_AHEAD claims ahead
of the sends; a dispatcher starts each claimed send as soon as the concurrency bound and
the bound on unconfirmed sends (confirmations.py) allow; outcomes are written in batches
by a task of their own. So the first message goes out after one small chunk rather than
after everything is claimed, and the sends do not wait for the database unless writing
outcomes is slower than sending (confirmations.py bounds the unconfirmed).

At any moment a crash leaves at most UNCONFIRMED_MAX claims whose send may have happened
(recovery asks the platform) and at most CLAIM_AHEAD + CHUNK_MAX claimed but not yet sent
(recovery finds nothing, so they are failed and a later run sends them while due).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from itertools import islice

from bot.core.conversation import MessageRef
from bot.core.errors import DeliveryError
from handlers.common.confirmations import Confirmations
from handlers.common.context import Services
from handlers.common.deliveries import Outcome, Pending
from storage.common.fan_out_writes import FanOutWrites, fan_out_writes
from storage.ledger import repository as ledger
from storage.ledger.repository import Won

log = logging.getLogger(__name__)

# The first chunk is small, so the first send goes out soon; chunks then double up to
# CHUNK_MAX, so a big fan-out costs few statements.
FIRST_CHUNK = 16
CHUNK_MAX = 250
# Claims waiting for a send slot, at most: enough that the sends never wait for a claim.
CLAIM_AHEAD = 250
# How far back to look for an earlier attempt that may have arrived after all.
RETRY_LOOKBACK = timedelta(days=2)

Claimed = tuple[Pending, Won]


async def _attempt(services: Services, item: Pending, won: Won, gate: asyncio.Semaphore,
                   now: datetime) -> tuple[Pending, MessageRef | DeliveryError]:
    """One send, in the slot of `gate` the dispatcher took for it (released here)."""
    try:
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
    finally:
        gate.release()


async def _claim(services: Services, writes: FanOutWrites, items: Iterator[Pending],
                 lease_id: int, queue: asyncio.Queue[Claimed | None]) -> None:
    """Claim the items chunk by chunk and queue the ones won; None once done (or failed:
    what was claimed still goes out and is confirmed before the error is raised)."""
    try:
        size = FIRST_CHUNK
        while chunk := list(islice(items, size)):
            # One transaction: claims and retakes land together or not at all (a claim that
            # landed and was never queued would wait for recovery to find it).
            async with writes.write(atomic=True) as statements:
                won = await ledger.claim_many(statements, [item.claim() for item in chunk],
                                              now=services.wall_clock.now(), lease_id=lease_id)
            for item in chunk:
                if (claim := won.pop(item.key, None)) is not None:  # a key twice: sent once
                    await queue.put((item, claim))
            size = min(2 * size, CHUNK_MAX)
    except Exception:
        await queue.put(None)
        raise
    await queue.put(None)


async def _dispatch(services: Services, queue: asyncio.Queue[Claimed | None],
                    confirmations: Confirmations, attempts: set[asyncio.Future[object]],
                    concurrency: int, now: datetime, crashed: asyncio.Future[None]) -> None:
    """Start each claimed send once a ticket and a slot are free; close the confirmations
    once every send has ended. A send that raised past _attempt (the process is going
    down) sets `crashed`."""
    gate = asyncio.Semaphore(concurrency)
    while (claimed := await queue.get()) is not None:
        item, won = claimed
        await confirmations.ticket()
        await gate.acquire()  # taken here: a claim waits in the queue, not in a task
        attempt = asyncio.ensure_future(_attempt(services, item, won, gate, now))
        attempts.add(attempt)

        def finished(done: asyncio.Future[tuple[Pending, MessageRef | DeliveryError]],
                     ident: int = won.id) -> None:
            attempts.discard(done)
            if done.cancelled():  # cut off: stays claimed, for recovery to ask about
                return
            if (error := done.exception()) is not None:
                if not crashed.done():
                    crashed.set_exception(error)
                return
            sent, result = done.result()
            confirmations.record(sent, ident, result)

        attempt.add_done_callback(finished)
    while attempts:
        await asyncio.wait(set(attempts))
    confirmations.close()


async def fan_out(services: Services, items: Iterable[Pending], *, lease_id: int,
                  concurrency: int, now: datetime, outcome: Outcome) -> None:
    """Claim, send and confirm `items` as a pipeline, `concurrency` sends at once."""
    # A fan-out of one at a time (deliver_once) writes in sessions: see fan_out_writes.
    async with fan_out_writes(services.db, held=concurrency > 1) as writes:
        await _pipeline(services, writes, items, lease_id=lease_id, concurrency=concurrency,
                        now=now, outcome=outcome)


async def _pipeline(services: Services, writes: FanOutWrites, items: Iterable[Pending], *,
                    lease_id: int, concurrency: int, now: datetime, outcome: Outcome) -> None:
    confirmations = Confirmations(services, writes, now, outcome)
    queue: asyncio.Queue[Claimed | None] = asyncio.Queue(maxsize=CLAIM_AHEAD)
    attempts: set[asyncio.Future[object]] = set()
    crashed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    claimer = asyncio.ensure_future(_claim(services, writes, iter(items), lease_id, queue))
    dispatcher = asyncio.ensure_future(_dispatch(services, queue, confirmations, attempts,
                                                 concurrency, now, crashed))
    settler = asyncio.ensure_future(confirmations.run())
    try:
        # The settler ends last, once everything claimed is confirmed; if it fails (the
        # database went away) or a send crashed, nothing more may be sent.
        watching: set[asyncio.Future[None]] = {dispatcher, settler, crashed}
        while not settler.done():
            done, watching = await asyncio.wait(watching, return_when=asyncio.FIRST_COMPLETED)
            for stage in done:
                stage.result()
        await claimer  # a claim that failed is raised once what was claimed is settled
    finally:
        # Settling failed or the run was stopped: send nothing more that could not be
        # confirmed, and leave nothing sending after the run has ended and its lease with
        # it (the next run would take those claims for abandoned while still in flight).
        # Sends cut off stay claimed: recovery asks the platform about them.
        stages = [claimer, dispatcher, settler, crashed, *attempts]
        for stage in stages:
            stage.cancel()
        await asyncio.gather(*stages, return_exceptions=True)
