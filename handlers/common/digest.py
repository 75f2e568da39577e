"""An observer's weekly digest, as each feature sees it: who it is for, what they observe
(some cadences, or the whole install), and the week it covers. Each feature's
`Feature.digest` sections take this and return their blocks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.common.context import Services
from storage.common.models import Person, Workspace

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class DigestContext:
    services: Services
    workspace: Workspace
    person: Person
    # The cadences they observe; None when they observe the whole install.
    cadence_ids: tuple[int, ...] | None
    now: datetime
    zone: str

    @property
    def whole_install(self) -> bool:
        return self.cadence_ids is None

    @property
    def since(self) -> datetime:
        """The start of the week the digest covers."""
        return self.now - WEEK
