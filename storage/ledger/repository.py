"""The delivery ledger: claim a key before sending, confirm it after. One send per key, ever."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, case, null
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, delete, or_, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.common import driver_sql
from storage.common.driver_sql import DriverStatement, Flavour, Statements
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


async def claim_many(target: AsyncSession | Statements, requests: Sequence[ClaimRequest], *,
                     now: datetime, lease_id: int | None) -> dict[str, Won]:
    """Claim every free key at once; key -> claim for the ones this call won.

    One INSERT .. ON CONFLICT DO NOTHING RETURNING for new keys (per CLAIM_ROWS_MAX), one
    conditional UPDATE for keys whose earlier send failed: a fan-out of thousands costs a
    few statements. `target`: a session, or a fan-out's statements (fan_out_writes.py).
    """
    if not requests:
        return {}
    feature = requests[0].feature
    if any(request.feature != feature for request in requests):
        raise ValueError("one batch of claims is one feature's")
    statements = driver_sql.statements_of(target)
    dialect = statements.dialect
    shared = {"batch_feature": feature, "batch_lease": lease_id,
              "batch_status": driver_sql.as_stored(DELIVERY.c.status, DeliveryStatus.CLAIMED,
                                                   dialect),
              "batch_now": driver_sql.as_stored(DELIVERY.c.claimed_at, now, dialect)}
    runs = []
    for start in range(0, len(requests), CLAIM_ROWS_MAX):
        batch = requests[start:start + CLAIM_ROWS_MAX]
        statement = _claim_statement(Flavour.of(dialect), len(batch))
        own = {f"{name}_{n}": getattr(request, name)
               for n, request in enumerate(batch) for name in _CLAIM_OWN}
        runs.append((statement, statement.bind(shared, own)))
    won = {key: Won(ident, False) for rows in await statements.rows(runs) for key, ident in rows}
    retry = [r.key for r in requests if r.key not in won]
    if retry:
        shared["batch_failed"] = driver_sql.as_stored(DELIVERY.c.status, DeliveryStatus.FAILED,
                                                      dialect)
        runs = [(statement, statement.bind(shared, own))
                for statement, own in _padded(lambda size: _retake_statement(
                    Flavour.of(dialect), size), [{"key": key} for key in retry])]
        won.update({key: Won(ident, True)
                    for rows in await statements.rows(runs) for key, ident in rows})
    return won


# Rows per UPDATE, padded up to one of these sizes by repeating the last (an update that
# changes nothing more), so that a process compiles a handful of statements.
PADDED_SIZES = (1, 2, 4, 8, 16, 32, 64, 128)


def _padded(statement_of: Callable[[int], DriverStatement], rows: Sequence[dict[str, Any]]
            ) -> list[tuple[DriverStatement, dict[str, Any]]]:
    """`rows` in statements of PADDED_SIZES rows, each with its rows' own parameters
    (`name_n` for the n-th row's `name`)."""
    done = []
    for start in range(0, len(rows), PADDED_SIZES[-1]):
        batch = rows[start:start + PADDED_SIZES[-1]]
        size = next(size for size in PADDED_SIZES if size >= len(batch))
        padded = [*batch, *[batch[-1]] * (size - len(batch))]
        done.append((statement_of(size), {f"{name}_{n}": value for n, row in enumerate(padded)
                                          for name, value in row.items()}))
    return done


@lru_cache(maxsize=32)
def _retake_statement(flavour: Flavour, rows: int) -> DriverStatement:
    """UPDATE back to claimed the failed claims of `rows` keys .. RETURNING keys and ids."""
    keys = [bindparam(f"key_{n}") for n in range(rows)]
    statement = update(DELIVERY).where(
        DELIVERY.c.feature == bindparam("batch_feature"), DELIVERY.c.key.in_(keys),
        DELIVERY.c.status == bindparam("batch_failed", type_=DELIVERY.c.status.type)) \
        .values(status=bindparam("batch_status"), claimed_at=bindparam("batch_now"),
                error=null(), lease_id=bindparam("batch_lease")) \
        .returning(DELIVERY.c.key, DELIVERY.c.id)
    return driver_sql.compiled(statement, flavour.dialect)


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


async def settle_many(target: AsyncSession | Statements, *,
                      sent: Sequence[tuple[int, str, str]], failed: Sequence[tuple[int, str]],
                      now: datetime, undeliverable: Sequence[tuple[int, str]] = ()) -> None:
    """Record the outcome of a batch, as one transaction: (id, conversation, message) sent,
    (id, error) failed (retried by a later run while due), (id, why) undeliverable (never
    retried). `target`: a session, or a fan-out's statements (fan_out_writes.py)."""
    statements = driver_sql.statements_of(target)
    dialect = statements.dialect
    flavour = Flavour.of(dialect)
    runs = []
    if sent:
        shared = {"batch_now": driver_sql.as_stored(DELIVERY.c.sent_at, now, dialect),
                  "batch_status": driver_sql.as_stored(DELIVERY.c.status, DeliveryStatus.SENT,
                                                       dialect)}
        runs += [(statement, statement.bind(shared, own)) for statement, own in _padded(
            lambda size: _settle_statement(flavour, True, size),
            [{"ident": ident, "conversation": conversation_id, "message": message_id}
             for ident, conversation_id, message_id in sent])]
    for status, settled in ((DeliveryStatus.FAILED, failed),
                            (DeliveryStatus.UNDELIVERABLE, undeliverable)):
        if settled:
            shared = {"batch_status": driver_sql.as_stored(DELIVERY.c.status, status, dialect)}
            runs += [(statement, statement.bind(shared, own)) for statement, own in _padded(
                lambda size: _settle_statement(flavour, False, size),
                [{"ident": ident, "why": error[:ERROR_MAX]} for ident, error in settled])]
    if runs:
        await statements.rows(runs)


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
