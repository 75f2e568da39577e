"""A send that fails in a way nobody expected (a bug of ours, not the platform saying no) is
recorded as failed with its reason, never left claimed, so the message is not sent again
and again by every later run."""

from __future__ import annotations

from enum import StrEnum

from bot.core.conversation import ConversationKind, ConversationRef, MessageRef, Platform
from handlers.common.ledger import DeliveryKind, Outcome, Pending, deliver_once
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
