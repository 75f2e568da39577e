"""What a scorecard is worked out from, gathered for many partners at once (a query per
kind of fact, not per partner: the dashboard scores every partner on one page)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from handlers.common.context import Services
from handlers.partners.leads import LeadStats
from handlers.partners.scorecard import (
    HEALTH_SHOWN,
    Facts,
    PartnerClass,
    Quarters,
    QuarterScore,
    classify,
    health_values,
    objective_rows,
    quarters_back,
)
from storage.cadences import history
from storage.common.models import Partner
from storage.elephants import repository as elephants
from storage.elephants.models import Elephant
from storage.feedback import repository as campaigns
from storage.partners import objectives
from storage.partners import repository as partners


@dataclass(frozen=True)
class Evidence:
    quarters: Quarters  # objectives by state in each of the last four quarters
    involved: list[Elephant]
    answered: list[tuple[date, list[str], list[str]]]  # latest check-ins, oldest first
    campaigns: tuple[int, int]  # asked in, answered
    leads: LeadStats


@dataclass(frozen=True)
class Scored:
    """What a partner's scorecard says, before it is laid out."""

    kind: PartnerClass
    why: str
    health: list[str]
    met: int
    judged: int
    quarters: str
    per_quarter: Quarters
    involved: Sequence[Elephant]
    campaigns: tuple[int, int]  # asked in, answered


async def evidence_of(services: Services, workspace_id: int, partner_ids: Sequence[int],
                      today: date) -> dict[int, Evidence]:
    ids = list(partner_ids)
    periods = quarters_back(today)
    async with services.db.session() as session:
        # Counted in the database, per quarter: the workspace's, or the one partner's.
        scored = await objectives.scores(
            session, workspace_id, [(period.first, period.last) for period in periods], today,
            ids[0] if len(ids) == 1 else None)
        involved = await elephants.involving_any(session, ids)
        answered = await history.latest_answers_about(session, workspace_id, ids,
                                                      HEALTH_SHOWN)
        asked = await campaigns.participation_of(session, ids)
        leads = await partners.leads_of(session, ids)
    found = {(score.partner_id, score.period): score for score in scored}

    def quarters(ident: int) -> list[QuarterScore]:
        scores = [(period, found.get((ident, index))) for index, period in enumerate(periods)]
        return [QuarterScore(period, score.counted, score.judged, score.met) if score
                else QuarterScore(period) for period, score in scores]

    return {ident: Evidence(quarters(ident),
                            involved.get(ident, []),
                            answered.get(ident, []), asked.get(ident, (0, 0)),
                            LeadStats.of(leads.get(ident, [])))
            for ident in ids}


def scored(partner: Partner, evidence: Evidence, today: date, now: datetime) -> Scored:
    quarters, met, judged = objective_rows(evidence.quarters)
    health = health_values(evidence.answered)
    kind, why = classify(Facts(age=now - partner.created_at, health=health, met=met,
                               judged=judged, won_leads=evidence.leads.won))
    return Scored(kind, why, health, met, judged, quarters, evidence.quarters,
                  evidence.involved, evidence.campaigns)
