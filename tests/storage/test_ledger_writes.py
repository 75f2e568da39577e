"""The ledger's bulk claims and outcomes, written through the driver (storage/common/
driver_sql.py), read back through the ORM on each backend: every value as it was given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import col, select

from storage.common import workspaces
from storage.common.driver_sql import Flavour
from storage.engine import Database
from storage.ledger import repository as ledger
from storage.ledger.models import Delivery, DeliveryStatus
from storage.ledger.repository import CLAIM_ROWS_MAX, ClaimRequest

NOW = datetime(2026, 11, 23, 8, 0, 0, 123456, tzinfo=UTC)
PEOPLE = 2 * CLAIM_ROWS_MAX + 7  # three statements' worth


def _request(workspace_id: int, n: int) -> ClaimRequest:
    return ClaimRequest(f"prompt:1:{n}", "cadences", "prompt", workspace_id, "slack",
                        f"U{n:04d}", "direct", "occurrence:1")


async def _rows(database: Database) -> dict[str, Delivery]:
    async with database.session() as session:
        return {row.key: row for row in (await session.exec(
            select(Delivery).order_by(col(Delivery.id)))).all()}


async def _claimed(database: Database, count: int) -> tuple[list[ClaimRequest], list[int]]:
    """`count` claims of one workspace, and their ids in order."""
    async with database.session() as session:
        workspace = await workspaces.for_external_id(session, "slack", "T1", now=NOW)
        assert workspace.id is not None
        requests = [_request(workspace.id, n) for n in range(count)]
        won = await ledger.claim_many(session, requests, now=NOW, lease_id=1)
    return requests, [won[request.key].id for request in requests]


async def test_claims_beyond_one_statement_each_once_with_every_value(database: Database):
    async with database.session() as session:
        workspace = await workspaces.for_external_id(session, "slack", "T1", now=NOW)
        assert workspace.id is not None
        requests = [_request(workspace.id, n) for n in range(PEOPLE)]
        # A key asked twice in one call is claimed once.
        won = await ledger.claim_many(session, [*requests, requests[3]], now=NOW, lease_id=7)
    assert sorted(won) == sorted(request.key for request in requests)
    assert len({claim.id for claim in won.values()}) == PEOPLE
    assert not any(claim.retried for claim in won.values())

    rows = await _rows(database)
    assert len(rows) == PEOPLE
    for n, request in enumerate(requests):
        row = rows[request.key]
        assert row.id == won[request.key].id
        assert (row.feature, row.kind, row.scope, row.workspace_id, row.platform,
                row.conversation_id, row.conversation_kind) == \
            ("cadences", "prompt", "occurrence:1", workspace.id, "slack", f"U{n:04d}", "direct")
        assert (row.status, row.lease_id, row.claimed_at, row.sent_at) == \
            (DeliveryStatus.CLAIMED, 7, NOW, None)

    # Claimed again: nothing is won; a key whose send failed is won again, as a retry.
    async with database.session() as session:
        await ledger.settle_many(session, sent=[], failed=[(won[requests[0].key].id, "503")],
                                 now=NOW)
        again = await ledger.claim_many(session, requests, now=NOW + timedelta(hours=1),
                                        lease_id=8)
    assert list(again) == [requests[0].key]
    assert again[requests[0].key].retried and again[requests[0].key].id == won[requests[0].key].id


async def test_outcomes_record_where_each_landed_or_why_not(database: Database):
    requests, ids = await _claimed(database, 6)
    later = NOW + timedelta(seconds=3)
    async with database.session() as session:
        await ledger.settle_many(
            session, now=later,
            sent=[(ids[0], "D0000", "1700000000.000100"), (ids[1], "D0001", "1700000000.000200")],
            failed=[(ids[2], "timed out"), (ids[3], "x" * (ledger.ERROR_MAX + 50))],
            undeliverable=[(ids[4], "BotNotInConversationRoster")])

    rows = await _rows(database)
    got = [(row.status, row.conversation_id, row.message_id, row.sent_at, row.error)
           for row in (rows[request.key] for request in requests)]
    assert got == [
        (DeliveryStatus.SENT, "D0000", "1700000000.000100", later, None),
        (DeliveryStatus.SENT, "D0001", "1700000000.000200", later, None),
        (DeliveryStatus.FAILED, "U0002", None, None, "timed out"),
        (DeliveryStatus.FAILED, "U0003", None, None, "x" * ledger.ERROR_MAX),
        (DeliveryStatus.UNDELIVERABLE, "U0004", None, None, "BotNotInConversationRoster"),
        (DeliveryStatus.CLAIMED, "U0005", None, None, None),  # not settled: left alone
    ]


async def test_outcomes_beyond_one_statement_and_between_its_sizes(database: Database):
    """Outcomes go in UPDATEs of PADDED_SIZES rows, the last padded by repeating a row: 130
    sent (128, then 2) and 3 failed (padded to 4), each with its own values, nothing else."""
    requests, ids = await _claimed(database, 135)
    assert ledger.PADDED_SIZES[-1] < 130
    async with database.session() as session:
        await ledger.settle_many(
            session, now=NOW, sent=[(ids[n], f"D{n:04d}", f"1700000000.{n:06d}")
                                    for n in range(130)],
            failed=[(ids[n], f"error {n}") for n in range(130, 133)])

    rows = await _rows(database)
    got = [(row.status, row.conversation_id, row.message_id, row.error)
           for row in (rows[request.key] for request in requests)]
    assert got == [(DeliveryStatus.SENT, f"D{n:04d}", f"1700000000.{n:06d}", None)
                   for n in range(130)] + [
        (DeliveryStatus.FAILED, f"U{n:04d}", None, f"error {n}") for n in range(130, 133)] + [
        (DeliveryStatus.CLAIMED, f"U{n:04d}", None, None) for n in range(133, 135)]


async def test_a_second_engine_of_the_driver_reuses_the_compiled_claims(database: Database):
    """Compiled once a process, not once an engine: a new engine of the same driver gets
    the very statement the first one compiled."""
    engine = database.engine
    again = create_async_engine(engine.url)
    try:
        async with database.engine.connect(), again.connect():
            pass  # each dialect learns its server's version on its first connection
        mine = ledger._claim_statement(Flavour.of(engine.dialect), 3)
        assert ledger._claim_statement(Flavour.of(again.dialect), 3) is mine
        assert mine.names.count("key_2") == 1 and "key_3" not in mine.names
    finally:
        await again.dispose()
