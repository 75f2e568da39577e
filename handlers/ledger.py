"""Send a message exactly once: claim its key in the ledger, send, then confirm."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.core.conversation import MessageRef
from bot.core.errors import DeliveryError
from handlers.context import Services
from storage import deliveries

log = logging.getLogger(__name__)


async def deliver_once(services: Services, key: str, kind: str,
                       send: Callable[[], Awaitable[MessageRef]], *,
                       occurrence_id: int | None = None,
                       person_id: int | None = None) -> MessageRef | None:
    """The message `send` posted, or None if `key` was sent before (or is being sent now).

    The claim commits before the send, so a second process or a repeated run-due finds it
    and stays away; a failed send releases the key for a later run to try again.
    """
    async with services.db.session() as session:
        claim = await deliveries.claim(session, key=key, kind=kind, now=services.clock.now(),
                                       occurrence_id=occurrence_id, person_id=person_id)
    if claim is None or claim.id is None:
        return None
    try:
        sent = await send()
    except DeliveryError as error:
        log.warning("delivery %s failed: %s", kind, error)
        async with services.db.session() as session:
            await deliveries.fail(session, claim.id, str(error))
        return None
    async with services.db.session() as session:
        await deliveries.confirm(session, claim.id, conversation_id=sent.conversation.id,
                                 message_id=sent.id, now=services.clock.now())
    return sent
