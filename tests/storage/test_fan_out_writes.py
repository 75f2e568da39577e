"""A fan-out's own writes (storage/common/fan_out_writes.py), on each backend: on a SQLite
file one autocommit connection held for the fan-out, elsewhere a session a write. Each
write is one transaction, committed when it ends, whatever the path."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from datetime import timedelta

import pytest
from sqlalchemy.exc import DBAPIError

from storage.common import workspaces
from storage.common.driver_sql import DriverStatement, Flavour, as_stored
from storage.common.fan_out_writes import fan_out_writes
from storage.engine import Database
from storage.ledger import repository as ledger
from storage.ledger.models import DeliveryStatus
from storage.ledger.repository import CLAIM_ROWS_MAX, PADDED_SIZES, ClaimRequest
from tests.storage.test_ledger_writes import NOW, _request, _rows

PEOPLE = CLAIM_ROWS_MAX + PADDED_SIZES[-1]  # claims in two statements
FAILED = PADDED_SIZES[-1] + 3  # failures (then retaken) in two statements


async def _requests(database: Database) -> list[ClaimRequest]:
    async with database.session() as session:
        workspace = await workspaces.for_external_id(session, "slack", "T1", now=NOW)
    assert workspace.id is not None
    return [_request(workspace.id, n) for n in range(PEOPLE)]


async def test_claims_outcomes_and_retakes_are_committed_write_by_write(database: Database):
    requests = await _requests(database)
    async with fan_out_writes(database, held=True) as writes:
        async with writes.write() as statements:
            won = await ledger.claim_many(statements, requests, now=NOW, lease_id=7)
        assert sorted(won) == sorted(request.key for request in requests)
        # Committed while the fan-out still holds its connection: another session sees it.
        assert {row.status for row in (await _rows(database)).values()} == {
            DeliveryStatus.CLAIMED}

        ids = [won[request.key].id for request in requests]
        async with writes.write() as statements:
            await ledger.settle_many(
                statements, now=NOW,
                sent=[(ids[n], f"D{n:04d}", f"1.{n}") for n in range(FAILED, PEOPLE)],
                failed=[(ids[n], f"error {n}") for n in range(FAILED)])
        rows = await _rows(database)
        assert [(rows[r.key].status, rows[r.key].message_id, rows[r.key].error)
                for r in requests] == \
            [(DeliveryStatus.FAILED, None, f"error {n}") for n in range(FAILED)] + \
            [(DeliveryStatus.SENT, f"1.{n}", None) for n in range(FAILED, PEOPLE)]

        # Claimed again by a later run: only the failed keys, as retries of the same rows.
        later = NOW + timedelta(hours=1)
        async with writes.write() as statements:
            again = await ledger.claim_many(statements, requests, now=later, lease_id=8)
    assert sorted(again) == sorted(r.key for r in requests[:FAILED])
    assert all(claim.retried and claim.id == won[key].id for key, claim in again.items())
    rows = await _rows(database)
    assert {(row.status, row.lease_id, row.claimed_at, row.error)
            for row in (rows[r.key] for r in requests[:FAILED])} == {
        (DeliveryStatus.CLAIMED, 8, later, None)}
    assert {rows[r.key].lease_id for r in requests[FAILED:]} == {7}


async def test_a_write_that_fails_partway_leaves_nothing_and_says_why(database: Database):
    requests = await _requests(database)
    statement = ledger._claim_statement(Flavour.of(database.engine.dialect), 1)
    own = {f"{name}_0": getattr(requests[0], name) for name in ledger._CLAIM_OWN}
    dialect, columns = database.engine.dialect, ledger.DELIVERY.c
    shared = {"batch_feature": "cadences", "batch_lease": 1,
              "batch_status": as_stored(columns.status, DeliveryStatus.CLAIMED, dialect),
              "batch_now": as_stored(columns.claimed_at, NOW, dialect)}
    wrong = DriverStatement("UPDATE no_such_table SET x = 1", ())
    async with fan_out_writes(database, held=True) as writes:
        with pytest.raises(DBAPIError, match="no_such_table"):  # as SQLAlchemy raises it
            async with writes.write() as statements:
                await statements.rows([(statement, statement.bind(shared, own)), (wrong, ())])
        assert await _rows(database) == {}
        # The connection goes on writing after the failure.
        async with writes.write() as statements:
            won = await ledger.claim_many(statements, requests[:1], now=NOW, lease_id=1)
    assert list(await _rows(database)) == list(won) == [requests[0].key]


async def test_on_sqlite_a_write_meeting_another_writer_waits_off_the_event_loop(
        sqlite_database: Database):
    """A fan-out's write never waits for SQLite's lock on the event loop: while another
    connection holds it, the write waits in the driver's thread (the loop goes on) and
    lands once the lock is let go."""
    requests = await _requests(sqlite_database)
    blocker = sqlite3.connect(str(sqlite_database.sqlite_file), isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")  # another process's write, say
        async with fan_out_writes(sqlite_database, held=True) as writes:
            async def claim() -> dict[str, ledger.Won]:
                async with writes.write() as statements:
                    return await ledger.claim_many(statements, requests, now=NOW, lease_id=1)

            claiming = asyncio.ensure_future(claim())
            started = time.monotonic()
            await asyncio.sleep(0.2)
            assert time.monotonic() - started < 1.0  # the loop was not held
            assert not claiming.done()
            blocker.execute("COMMIT")
            won = await claiming
    finally:
        blocker.close()
    assert sorted(won) == sorted(await _rows(sqlite_database)) == \
        sorted(request.key for request in requests)


async def test_an_atomic_write_cut_off_leaves_nothing_and_the_next_write_lands(
        database: Database):
    """A chunk's claims are one transaction: a write that fails after its claims, or is
    cancelled while it waits, leaves none of them (a claim that landed and was never
    queued would wait for recovery), and the fan-out's connection writes on."""
    requests = await _requests(database)
    waiting = asyncio.Event()
    async with fan_out_writes(database, held=True) as writes:
        with pytest.raises(RuntimeError, match="a bug after the claims"):
            async with writes.write(atomic=True) as statements:
                await ledger.claim_many(statements, requests[:3], now=NOW, lease_id=1)
                raise RuntimeError("a bug after the claims")

        async def claim_then_wait() -> None:
            async with writes.write(atomic=True) as statements:
                await ledger.claim_many(statements, requests[3:6], now=NOW, lease_id=1)
                waiting.set()
                await asyncio.Event().wait()  # until cancelled

        cut_off = asyncio.ensure_future(claim_then_wait())
        await waiting.wait()
        cut_off.cancel()
        with pytest.raises(asyncio.CancelledError):
            await cut_off
        assert await _rows(database) == {}

        async with writes.write(atomic=True) as statements:
            won = await ledger.claim_many(statements, requests[:6], now=NOW, lease_id=2)
    assert sorted(won) == sorted(await _rows(database)) == sorted(r.key for r in requests[:6])
