"""The delivery ledger: claim a key before sending, confirm it after. One send per key, ever."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.cadence_models import Delivery, DeliveryStatus

ERROR_MAX = 500


async def find(session: AsyncSession, key: str) -> Delivery | None:
    return (await session.exec(select(Delivery).where(Delivery.key == key))).first()


async def claim(session: AsyncSession, *, key: str, kind: str, now: datetime,
                occurrence_id: int | None = None, person_id: int | None = None
                ) -> Delivery | None:
    """The new claim on `key`, or None when it is already claimed or sent.

    A key whose earlier send failed can be claimed again; the conditional update makes
    sure only one of several racing processes gets it.
    """
    try:
        async with session.begin_nested():
            delivery = Delivery(key=key, kind=kind, occurrence_id=occurrence_id,
                                person_id=person_id, claimed_at=now)
            session.add(delivery)
            await session.flush()
            return delivery
    except IntegrityError:
        pass
    retaken = await session.exec(
        update(Delivery)
        .where(col(Delivery.key) == key, col(Delivery.status) == DeliveryStatus.FAILED)
        .values(status=DeliveryStatus.CLAIMED, claimed_at=now, error=None)
    )
    if retaken.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return await find(session, key)


async def confirm(session: AsyncSession, delivery_id: int, *, conversation_id: str,
                  message_id: str, now: datetime) -> None:
    delivery = await session.get(Delivery, delivery_id)
    if delivery is None:
        return
    delivery.status, delivery.sent_at = DeliveryStatus.SENT, now
    delivery.conversation_id, delivery.message_id = conversation_id, message_id
    session.add(delivery)
    await session.flush()


async def fail(session: AsyncSession, delivery_id: int, error: str) -> None:
    delivery = await session.get(Delivery, delivery_id)
    if delivery is None:
        return
    delivery.status, delivery.error = DeliveryStatus.FAILED, error[:ERROR_MAX]
    session.add(delivery)
    await session.flush()


async def unconfirmed(session: AsyncSession, claimed_before: datetime) -> Sequence[Delivery]:
    """Claims nobody confirmed: their process died between the claim and the send's answer."""
    statement = select(Delivery).where(Delivery.status == DeliveryStatus.CLAIMED,
                                       Delivery.claimed_at < claimed_before)
    return (await session.exec(statement)).all()


async def statuses(session: AsyncSession, prefix: str) -> dict[str, DeliveryStatus]:
    """Key -> status of every ledger row whose key starts with `prefix`."""
    statement = select(Delivery.key, Delivery.status).where(col(Delivery.key).startswith(prefix))
    return dict((await session.exec(statement)).all())
