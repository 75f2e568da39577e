"""The delivery ledger: claim a key before sending, confirm it after. One send per key, ever."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.ledger.models import Delivery, DeliveryStatus

ERROR_MAX = 500


@dataclass(frozen=True)
class ClaimRequest:
    key: str
    kind: str
    occurrence_id: int | None = None
    person_id: int | None = None
    platform: str | None = None
    conversation_id: str | None = None


async def find(session: AsyncSession, key: str) -> Delivery | None:
    return (await session.exec(select(Delivery).where(Delivery.key == key))).first()


async def claim(session: AsyncSession, *, key: str, kind: str, now: datetime,
                occurrence_id: int | None = None, person_id: int | None = None,
                platform: str | None = None, conversation_id: str | None = None
                ) -> Delivery | None:
    """The new claim on `key`, or None when it is already claimed or sent.

    A key whose earlier send failed can be claimed again; the conditional update makes
    sure only one of several racing processes gets it.
    """
    try:
        async with session.begin_nested():
            delivery = Delivery(key=key, kind=kind, occurrence_id=occurrence_id,
                                person_id=person_id, platform=platform,
                                conversation_id=conversation_id, claimed_at=now)
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


async def of_occurrence(session: AsyncSession, occurrence_id: int,
                        kinds: Sequence[str]) -> dict[str, Delivery]:
    """Key -> ledger row of these kinds for one occurrence (an indexed lookup)."""
    statement = select(Delivery).where(Delivery.occurrence_id == occurrence_id,
                                       col(Delivery.kind).in_(kinds))
    return {row.key: row for row in (await session.exec(statement)).all()}


def _insert_ignoring_conflicts(dialect: str) -> Callable[..., Any]:
    """The dialect's INSERT, which has on_conflict_do_nothing (the generic one does not)."""
    return postgresql_insert if dialect == "postgresql" else sqlite_insert


@dataclass(frozen=True)
class Won:
    """A claim this process holds; `retried` when an earlier send of the key failed."""

    id: int
    retried: bool


async def claim_many(session: AsyncSession, requests: Sequence[ClaimRequest], *,
                     now: datetime) -> dict[str, Won]:
    """Claim every free key at once; key -> claim for the ones this call won.

    One INSERT .. ON CONFLICT DO NOTHING RETURNING for new keys, one conditional UPDATE for
    keys whose earlier send failed: a fan-out of thousands costs two statements.
    """
    if not requests:
        return {}
    insert = _insert_ignoring_conflicts(session.bind.dialect.name)  # type: ignore[union-attr]
    rows = [{"key": r.key, "kind": r.kind, "occurrence_id": r.occurrence_id,
             "person_id": r.person_id, "platform": r.platform,
             "conversation_id": r.conversation_id, "status": DeliveryStatus.CLAIMED.value,
             "claimed_at": now} for r in requests]
    # Parameters apart from the statement: it compiles once and is sent in batches.
    statement = insert(Delivery).on_conflict_do_nothing(
        index_elements=["key"]).returning(Delivery.key, Delivery.id)
    inserted = await session.exec(statement, params=rows)  # type: ignore[call-overload]
    won = {key: Won(ident, False) for key, ident in inserted.all()}
    retry = [r.key for r in requests if r.key not in won]
    if retry:
        retaken = await session.exec(
            update(Delivery)
            .where(col(Delivery.key).in_(retry), col(Delivery.status) == DeliveryStatus.FAILED)
            .values(status=DeliveryStatus.CLAIMED, claimed_at=now, error=None)
            .returning(Delivery.key, Delivery.id))
        won.update({key: Won(ident, True) for key, ident in retaken.all()})
    return won


async def settle_many(session: AsyncSession, *, sent: Sequence[tuple[int, str, str]],
                      failed: Sequence[tuple[int, str]], now: datetime) -> None:
    """Record the outcome of a batch: (id, conversation, message) sent, (id, error) failed."""
    # ORM bulk UPDATE by primary key: one executemany per outcome.
    if sent:
        await session.exec(update(Delivery), params=[
            {"id": ident, "status": DeliveryStatus.SENT, "sent_at": now,
             "conversation_id": conversation_id, "message_id": message_id}
            for ident, conversation_id, message_id in sent])
    if failed:
        await session.exec(update(Delivery), params=[
            {"id": ident, "status": DeliveryStatus.FAILED, "error": error[:ERROR_MAX]}
            for ident, error in failed])
