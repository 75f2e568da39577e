"""Timed messages: what a feature implements so that one engine (schedules/) sends them all.

A feature's due-work source says what is due up to `now` and hands it to `DueRun.send`,
which applies the kind's catch-up rule and sends through the ledger, exactly once; and it
says when it next has something to do, so the scheduler can sleep until then.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from bot.core.conversation import MessageRef
from handlers.common.context import Services
from handlers.common.ledger import (
    DeliveryKind,
    Failure,
    Outcome,
    Pending,
    deliver_many,
    deliver_once,
)


class CatchUp(StrEnum):
    """What happens to a message whose moment passed while nothing ran (the bot was down)."""

    # Sent late, once, while its window is still open; skipped once the window has closed.
    WHILE_OPEN = "while_open"
    # Sent once, however late: nobody else will ever send it (a close summary).
    ALWAYS = "always"


@dataclass(frozen=True)
class DueKind:
    """A kind of timed message, and its catch-up rule."""

    delivery: DeliveryKind
    catch_up: CatchUp

    @property
    def feature(self) -> str:
        return self.delivery.feature


@dataclass(frozen=True)
class DueMessage:
    """One timed message: due from `opens`, and (WHILE_OPEN) no longer after `closes`."""

    kind: DueKind
    pending: Pending
    opens: datetime
    closes: datetime | None = None

    def due_at(self, now: datetime) -> bool:
        if now < self.opens:
            return False
        if self.kind.catch_up is CatchUp.WHILE_OPEN and self.closes is not None:
            return now < self.closes
        return True


@dataclass
class DueReport:
    """What a run-due did, by feature and kind; and what failed, and why."""

    sent: dict[tuple[str, str], int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    # Sources whose run raised (the others still ran): feature -> error.
    broken: dict[str, str] = field(default_factory=dict)
    # Claims of dead runs settled first (asked the platform whether they had arrived).
    recovered: int = 0

    def add(self, outcome: Outcome) -> None:
        for kind, count in outcome.sent.items():
            key = (kind.feature, kind.kind.value)
            self.sent[key] = self.sent.get(key, 0) + count
        self.failures.extend(outcome.failures)

    def count(self, feature: str, kind: str) -> int:
        return self.sent.get((feature, kind), 0)

    def merge(self, other: DueReport) -> None:
        for key, count in other.sent.items():
            self.sent[key] = self.sent.get(key, 0) + count
        self.failures.extend(other.failures)
        self.broken.update(other.broken)
        self.recovered += other.recovered

    @property
    def total(self) -> int:
        return sum(self.sent.values())

    def __str__(self) -> str:
        if not self.sent:
            return "nothing was sent" if self.failures else "nothing was due"
        features: dict[str, list[str]] = {}
        for (feature, kind), count in sorted(self.sent.items()):
            features.setdefault(feature, []).append(f"{count} {kind}{'' if count == 1 else 's'}")
        return "; ".join(f"{feature}: {', '.join(kinds)}" for feature, kinds in features.items())


@dataclass
class DueRun:
    """One pass of run-due: its instant, the lease its claims are made under, its report."""

    services: Services
    now: datetime
    lease_id: int
    report: DueReport = field(default_factory=DueReport)

    async def send(self, messages: Iterable[DueMessage], *, concurrency: int) -> int:
        """Send every message that is due now and nobody sent; how many went out.

        `messages` is taken as the sends go: a generator renders each one when its turn
        comes, so the first goes out before the last is rendered."""
        due = (message.pending for message in messages if message.due_at(self.now))
        outcome = await deliver_many(self.services, due, lease_id=self.lease_id,
                                     concurrency=concurrency, now=self.now)
        self.report.add(outcome)
        return sum(outcome.sent.values())

    async def send_once(self, message: DueMessage) -> MessageRef | None:
        """One message (a parent post, a close update) exactly once, counted; None when it
        is not due (its catch-up rule says so), was sent before, or failed."""
        if not message.due_at(self.now):
            return None
        outcome = Outcome()
        sent = await deliver_once(self.services, message.pending, lease_id=self.lease_id,
                                  now=self.now, outcome=outcome)
        self.report.add(outcome)
        return sent


class DueWork(Protocol):
    """A feature's timed messages: registered through its Feature's `due`."""

    feature: str

    async def run(self, run: DueRun) -> None:
        """Send everything due up to `run.now`, through `run.send` / `run.send_once`."""
        ...

    async def next_wakeup(self, services: Services, now: datetime) -> datetime | None:
        """The next instant after `now` at which `run` would have something to do.

        May be early (then run finds nothing), never late."""
        ...
