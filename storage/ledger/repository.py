"""The delivery ledger: claim a key before sending, confirm it after. One send per key, ever."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, case
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, delete, or_, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.common import driver_sql
from storage.common.driver_sql import DriverStatement, Flavour
from storage.common.models import Workspace
from storage.ledger.models import Delivery, DeliveryStatus

ERROR_MAX = 500
# The ledger's table, for the statements of a fan-out's claims and outcomes.
DELIVERY = Delivery.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ClaimRequest:
    """What a claim records: the key, what the message is, and where it goes."""

    key: str
    feature: str
    kind: str
    workspace_id: int
    platform: str
    conversation_id: str
    conversation_kind: str
    scope: str = ""


@dataclass(frozen=True)
class Won:
    """A claim this run holds; `retried` when an earlier send of the key failed."""

    id: int
    retried: bool


@dataclass(frozen=True)
class Abandoned:
    """A claim whose run is gone, with its workspace's own id to address the platform."""

    delivery: Delivery
    workspace_external_id: str


async def find(session: AsyncSession, feature: str, key: str) -> Delivery | None:
    statement = select(Delivery).where(Delivery.feature == feature, Delivery.key == key)
    return (await session.exec(statement)).first()


async def of_scope(session: AsyncSession, scope: str, kinds: Sequence[str]) -> dict[str, Delivery]:
    """Key -> ledger row of these kinds for one scope (an indexed lookup)."""
    statement = select(Delivery).where(Delivery.scope == scope, col(Delivery.kind).in_(kinds))
    return {row.key: row for row in (await session.exec(statement)).all()}


def _insert_ignoring_conflicts(dialect: str) -> Callable[..., Any]:
    """The dialect's INSERT, which has on_conflict_do_nothing (the generic one does not)."""
    return postgresql_insert if dialect == "postgresql" else sqlite_insert


# A claim statement's rows at most: 11 parameters a row stay far below SQLite's 32,766.
CLAIM_ROWS_MAX = 250
# What each claim binds of its own; the batch shares its feature, status, lease and time.
_CLAIM_OWN = ("key", "kind", "scope", "workspace_id", "platform", "conversation_id",
              "conversation_kind")


@lru_cache(maxsize=32)
def _claim_statement(flavour: Flavour, rows: int) -> DriverStatement:
    """INSERT of `rows` claims .. ON CONFLICT DO NOTHING RETURNING the keys won and ids."""
    shared = {"feature": bindparam("batch_feature"), "status": bindparam("batch_status"),
              "lease_id": bindparam("batch_lease"), "claimed_at": bindparam("batch_now")}
    values = [{**shared, **{name: bindparam(f"{name}_{n}") for name in _CLAIM_OWN}}
              for n in range(rows)]
    dialect = flavour.dialect
    statement = _insert_ignoring_conflicts(dialect.name)(DELIVERY).values(values) \
        .on_conflict_do_nothing(index_elements=["feature", "key"]) \
        .returning(DELIVERY.c.key, DELIVERY.c.id)
    return driver_sql.compiled(statement, dialect)


async def claim_many(session: AsyncSession, requests: Sequence[ClaimRequest], *,
                     now: datetime, lease_id: int | None) -> dict[str, Won]:
    """Claim every free key at once; key -> claim for the ones this call won.

    One INSERT .. ON CONFLICT DO NOTHING RETURNING for new keys (per CLAIM_ROWS_MAX), one
    conditional UPDATE for keys whose earlier send failed: a fan-out of thousands costs a
    few statements.
    """
    if not requests:
        return {}
    feature = requests[0].feature
    if any(request.feature != feature for request in requests):
        raise ValueError("one batch of claims is one feature's")
    dialect = driver_sql.dialect_of(session)
    shared = {"batch_feature": feature, "batch_lease": lease_id,
              "batch_status": driver_sql.as_stored(DELIVERY.c.status, DeliveryStatus.CLAIMED,
                                                   dialect),
              "batch_now": driver_sql.as_stored(DELIVERY.c.claimed_at, now, dialect)}
    won: dict[str, Won] = {}
    for start in range(0, len(requests), CLAIM_ROWS_MAX):
        batch = requests[start:start + CLAIM_ROWS_MAX]
        statement = _claim_statement(Flavour.of(dialect), len(batch))
        own = {f"{name}_{n}": getattr(request, name)
               for n, request in enumerate(batch) for name in _CLAIM_OWN}
        inserted = await driver_sql.execute(session, statement, statement.bind(shared, own))
        won.update({key: Won(ident, False) for key, ident in inserted.all()})
    retry = [r.key for r in requests if r.key not in won]
    if retry:
        retaken = await session.exec(
            update(Delivery)
            .where(col(Delivery.feature) == feature, col(Delivery.key).in_(retry),
                   col(Delivery.status) == DeliveryStatus.FAILED)
            .values(status=DeliveryStatus.CLAIMED, claimed_at=now, error=None,
                    lease_id=lease_id)
            .returning(Delivery.key, Delivery.id))
        won.update({key: Won(ident, True) for key, ident in retaken.all()})
    return won


# Outcomes per UPDATE, padded up to one of these sizes by repeating the last (an update
# that changes nothing more), so that a process compiles a handful of statements.
SETTLE_SIZES = (1, 2, 4, 8, 16, 32, 64, 128)


@lru_cache(maxsize=32)
def _settle_statement(flavour: Flavour, sent: bool, rows: int) -> DriverStatement:
    """One UPDATE of `rows` claims by id: to sent, each with where it landed, or to failed
    (undeliverable), each with its error. One statement rather than an executemany of one
    a row: on SQLite each row of an executemany is a step of its own, and before each the
    driver's thread waits for the GIL, which the event loop holds while it sends (the
    writes took about 0.2 ms a row during a fan-out and held the sends back)."""
    ident = DELIVERY.c.id
    ids = [bindparam(f"ident_{n}", type_=ident.type) for n in range(rows)]

    def each(name: str, column: Any) -> Any:
        """CASE WHEN id = :ident_0 THEN :name_0 ... END: each row's own value."""
        return case(*((ident == ids[n], bindparam(f"{name}_{n}", type_=column.type))
                      for n in range(rows)))

    values = ({"sent_at": bindparam("batch_now"),
               "conversation_id": each("conversation", DELIVERY.c.conversation_id),
               "message_id": each("message", DELIVERY.c.message_id)} if sent
              else {"error": each("why", DELIVERY.c.error)})
    statement = update(DELIVERY).where(ident.in_(ids)) \
        .values(status=bindparam("batch_status"), **values)
    return driver_sql.compiled(statement, flavour.dialect)


async def _settle(session: AsyncSession, sent: bool, shared: dict[str, Any],
                  rows: Sequence[dict[str, Any]]) -> None:
    """`rows` (each an `ident` and its own values) in UPDATEs of SETTLE_SIZES rows."""
    flavour = Flavour.of(driver_sql.dialect_of(session))
    for start in range(0, len(rows), SETTLE_SIZES[-1]):
        batch = rows[start:start + SETTLE_SIZES[-1]]
        size = next(size for size in SETTLE_SIZES if size >= len(batch))
        padded = [*batch, *[batch[-1]] * (size - len(batch))]
        own = {f"{name}_{n}": value for n, row in enumerate(padded) for name, value in row.items()}
        statement = _settle_statement(flavour, sent, size)
        await driver_sql.execute(session, statement, statement.bind(shared, own))


async def settle_many(session: AsyncSession, *, sent: Sequence[tuple[int, str, str]],
                      failed: Sequence[tuple[int, str]], now: datetime,
                      undeliverable: Sequence[tuple[int, str]] = ()) -> None:
    """Record the outcome of a batch: (id, conversation, message) sent, (id, error) failed
    (retried by a later run while due), (id, why) undeliverable (never retried)."""
    dialect = driver_sql.dialect_of(session)
    if sent:
        await _settle(session, True, {
            "batch_now": driver_sql.as_stored(DELIVERY.c.sent_at, now, dialect),
            "batch_status": driver_sql.as_stored(DELIVERY.c.status, DeliveryStatus.SENT,
                                                 dialect)},
            [{"ident": ident, "conversation": conversation_id, "message": message_id}
             for ident, conversation_id, message_id in sent])
    for status, settled in ((DeliveryStatus.FAILED, failed),
                            (DeliveryStatus.UNDELIVERABLE, undeliverable)):
        if settled:
            await _settle(session, False, {
                "batch_status": driver_sql.as_stored(DELIVERY.c.status, status, dialect)},
                [{"ident": ident, "why": error[:ERROR_MAX]} for ident, error in settled])


async def claiming_leases(session: AsyncSession) -> set[int | None]:
    """The leases that hold claims nobody settled (None: claims from before leases)."""
    statement = select(Delivery.lease_id).where(
        Delivery.status == DeliveryStatus.CLAIMED).distinct()
    return set((await session.exec(statement)).all())


async def adopt(session: AsyncSession, lease_ids: Sequence[int | None],
                lease_id: int) -> list[Abandoned]:
    """Take over the unsettled claims of these (dead) leases under `lease_id`.

    One conditional UPDATE: of two runs recovering at once, each claim goes to one, and a
    claim a live run holds (or settled meanwhile) is never touched.
    """
    held = [lease for lease in lease_ids if lease is not None]
    conditions = [col(Delivery.lease_id).in_(held)] if held else []
    if None in lease_ids:
        conditions.append(col(Delivery.lease_id).is_(None))
    if not conditions:
        return []
    taken = (await session.exec(
        update(Delivery)
        .where(col(Delivery.status) == DeliveryStatus.CLAIMED, or_(*conditions))
        .values(lease_id=lease_id).returning(Delivery.id))).all()
    if not taken:
        return []
    statement = (select(Delivery, Workspace.external_id)
                 .join(Workspace, col(Workspace.id) == Delivery.workspace_id)
                 .where(col(Delivery.id).in_([ident for ident, in taken]))
                 .order_by(col(Delivery.id)))
    return [Abandoned(delivery, external or "")
            for delivery, external in (await session.exec(statement)).all()]


async def forget(session: AsyncSession, scopes: Sequence[str]) -> None:
    """Drop the ledger of something deleted (a cadence's days), so no id can collide later."""
    if scopes:
        await session.exec(delete(Delivery).where(  # type: ignore[call-overload]
            col(Delivery.scope).in_(scopes)))


async def undeliverable_in(session: AsyncSession, scope: str, kinds: Sequence[str]
                           ) -> dict[str, str]:
    """Key -> why, of the messages of this scope that could never be delivered."""
    statement = select(Delivery.key, Delivery.error).where(
        Delivery.scope == scope, col(Delivery.kind).in_(kinds),
        Delivery.status == DeliveryStatus.UNDELIVERABLE)
    return {key: error or "" for key, error in (await session.exec(statement)).all()}


async def sent_times(session: AsyncSession, scopes: Sequence[str], feature: str,
                     kind: str) -> list[tuple[str, datetime]]:
    """(scope, when it counted as sent) of each sent message of this kind in these scopes."""
    if not scopes:
        return []
    statement = select(Delivery.scope, Delivery.sent_at).where(
        col(Delivery.scope).in_(scopes), Delivery.feature == feature, Delivery.kind == kind,
        Delivery.status == DeliveryStatus.SENT, col(Delivery.sent_at).is_not(None))
    return [(scope, sent) for scope, sent in (await session.exec(statement)).all()
            if sent is not None]
