"""The pipelined fan-out's crash bounds: however slowly outcomes are written, no more than
UNCONFIRMED_MAX sends are ever started and unrecorded, and claims run at most
CLAIM_AHEAD + CHUNK_MAX ahead of the sends; every outcome is recorded in the end."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from enum import StrEnum

import pytest

from bot.core.conversation import ConversationKind, ConversationRef, MessageRef, Platform
from bot.core.telemetry import Telemetry
from handlers.common import confirmations
from handlers.common.confirmations import UNCONFIRMED_MAX
from handlers.common.fan_out import CHUNK_MAX, CLAIM_AHEAD
from handlers.common.ledger import DeliveryKind, Pending, deliver_many, run_lease
from storage.ledger import repository as ledger
from storage.ledger.models import DeliveryStatus
from tests.handlers.cadence_team import Team

PEOPLE = 600  # several chunks, batches and rounds of tickets


class Kind(StrEnum):
    PROBE = "probe"


class Counted(Telemetry):
    """Counts ledger rows as they are recorded (settled is told after the commit)."""

    def __init__(self) -> None:
        self.recorded = 0

    def settled(self, feature: str, kind: str, status: str, count: int = 1) -> None:
        self.recorded += count


async def test_a_slow_database_holds_the_sends_within_the_unconfirmed_bound(
        team: Team, monkeypatch: pytest.MonkeyPatch):
    counted = Counted()
    services = replace(team.application.services, telemetry=counted)
    workspace = await team.workspace()
    write = ledger.settle_many

    async def slow_settle(*args: object, **kwargs: object) -> None:
        await asyncio.sleep(0.02)  # a database far slower than the sends
        await write(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(confirmations.ledger, "settle_many", slow_settle)
    started: list[int] = []  # sends started and not recorded, as each send starts
    rendered = 0

    def pending(n: int) -> Pending:
        to = ConversationRef(Platform.CONSOLE, f"dm-{n}", ConversationKind.DIRECT)

        async def send() -> MessageRef:
            started.append(len(started) + 1 - counted.recorded)
            await asyncio.sleep(0)
            return await team.outbox.post(to, f"hello {n}", key=f"probe:{n}")
        return Pending(f"probe:{n}", DeliveryKind("tests", Kind.PROBE), workspace.id or 0,
                       to, send, "probe")

    def lazily() -> object:
        nonlocal rendered
        for n in range(PEOPLE):
            rendered += 1
            # Claimed ahead of the sends by no more than the queue and one chunk.
            assert rendered - len(started) <= CLAIM_AHEAD + CHUNK_MAX + 1
            yield pending(n)

    async with run_lease(services) as lease:
        outcome = await deliver_many(services, lazily(), lease_id=lease,  # type: ignore[arg-type]
                                     concurrency=16)
    assert sum(outcome.sent.values()) == PEOPLE and not outcome.failures
    assert max(started) <= UNCONFIRMED_MAX
    assert max(started) > UNCONFIRMED_MAX // 2  # the bound did hold the sends back
    assert counted.recorded == PEOPLE
    async with team.application.database.session() as session:
        rows = await ledger.of_scope(session, "probe", ("probe",))
    assert len(rows) == PEOPLE and {row.status for row in rows.values()} == {DeliveryStatus.SENT}
    assert len(team.outbox.posts) == PEOPLE
