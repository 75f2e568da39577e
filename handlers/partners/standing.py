"""Where every partner stands, as the dashboard's partners page shows it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from handlers.common.context import Services
from handlers.partners.scorecard import (
    HEALTH_SHOWN,
    Facts,
    PartnerClass,
    classify,
    health_of,
    quarters_back,
)
from storage.cadences import history
from storage.common.models import Partner
from storage.partners import objectives
from storage.partners import repository as partners


@dataclass(frozen=True)
class Standing:
    """A partner's class on the page and the facts it shows with it."""

    kind: PartnerClass
    why: str
    health: list[str]  # the latest check-ins' health, oldest first
    met: int
    judged: int


async def standings_of(services: Services, workspace_id: int, every: Sequence[Partner],
                       today: date, now: datetime) -> dict[int, Standing]:
    """Partner id -> its standing, by the scorecard's rule on what the page shows."""
    # The same class, health and counts as `evidence_of` and `scored` (tested), without
    # what only a partner's own card shows (elephants, campaigns, lead details), and each
    # fact counted for every partner in one query.
    ids = [partner.id or 0 for partner in every]
    periods = quarters_back(today)
    async with services.db.session() as session:
        counted = await objectives.judged_and_met(session, workspace_id, periods[0].first,
                                                  periods[-1].last, today)
        answered = await history.latest_answer_lists(session, workspace_id, ids,
                                                     HEALTH_SHOWN)
        won = await partners.won_leads_of(session, ids)
    places: dict[tuple[str, ...], tuple[int, ...]] = {}
    found = {}
    for partner in every:
        ident = partner.id or 0
        health = [value for value in (health_of(questions, answers, places)
                                      for questions, answers in answered.get(ident, []))
                  if value is not None]
        judged, met = counted.get(ident, (0, 0))
        kind, why = classify(Facts(age=now - partner.created_at, health=health, met=met,
                                   judged=judged, won_leads=won.get(ident, 0)))
        found[ident] = Standing(kind, why, health, met, judged)
    return found
