"""A send that fails in a way nobody expected (a bug of ours, not the platform saying no) is
recorded as failed with its reason, never left claimed, so the message is not sent again
and again by every later run."""

from __future__ import annotations

from enum import StrEnum

from bot.core.conversation import ConversationKind, ConversationRef, MessageRef, Platform
from bot.core.errors import DeliveryError
from handlers.common.ledger import (
    DeliveryKind,
    Outcome,
    Pending,
    deliver_many,
    deliver_once,
    run_lease,
)
from storage.ledger import repository as ledger
from storage.ledger.models import DeliveryStatus
from tests.handlers.cadence_team import Team


class Kind(StrEnum):
    PROBE = "probe"


async def test_an_unexpected_error_in_a_send_is_a_failure_not_a_claim_forever(team: Team):
    to = ConversationRef(Platform.CONSOLE, "dm-ana", ConversationKind.DIRECT)
    workspace = await team.workspace()
    attempts = []

    async def broken() -> MessageRef:
        attempts.append(1)
        raise ValueError("a chart that could not be drawn")

    pending = Pending("probe:1", DeliveryKind("tests", Kind.PROBE), workspace.id or 0, to,
                      broken, "probe")
    outcome = Outcome()
    assert await deliver_once(team.application.services, pending, outcome=outcome) is None
    assert [failure.error for failure in outcome.failures] == ["unexpected ValueError"]
    async with team.application.database.session() as session:
        [row] = (await ledger.of_scope(session, "probe", ("probe",))).values()
    assert row.status is DeliveryStatus.FAILED and attempts == [1]


async def test_a_retry_whose_lookup_cannot_tell_fails_alone_and_the_batch_goes_on(team: Team):
    """A message whose first send failed is looked for before it is sent again; when the
    platform cannot tell just now, that message waits for the next run (not sent: it may
    have arrived) and every other message of the batch is still sent and recorded."""
    workspace = await team.workspace()
    services = team.application.services
    targets = [ConversationRef(Platform.CONSOLE, f"dm-{name}", ConversationKind.DIRECT)
               for name in ("ana", "bob")]
    healthy = {"ana": False, "bob": False}

    def pending(name: str, to: ConversationRef) -> Pending:
        async def send() -> MessageRef:
            if not healthy[name]:
                raise DeliveryError("timed out")
            return await team.outbox.post(to, f"hello {name}", key=f"probe:{name}")
        return Pending(f"probe:{name}", DeliveryKind("tests", Kind.PROBE), workspace.id or 0,
                       to, send, "probe")

    items = [pending(name, to) for name, to in zip(("ana", "bob"), targets, strict=True)]
    async with run_lease(services) as lease:
        first = await deliver_many(services, items, lease_id=lease, concurrency=2)
    assert sorted(failure.error for failure in first.failures) == ["timed out", "timed out"]

    healthy.update(ana=True, bob=True)
    team.outbox.cannot_look.add("dm-ana")
    async with run_lease(services) as lease:
        second = await deliver_many(services, items, lease_id=lease, concurrency=2)
    assert [sent.to.id for sent in team.outbox.posts] == ["dm-bob"]
    assert [failure.error for failure in second.failures] == [
        "cannot tell whether it arrived: history unavailable"]
    async with team.application.database.session() as session:
        rows = await ledger.of_scope(session, "probe", ("probe",))
    assert sorted(row.status for row in rows.values()) == [DeliveryStatus.FAILED,
                                                           DeliveryStatus.SENT]
