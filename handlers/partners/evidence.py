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
    classify,
    health_values,
    objective_rows,
)
from storage.cadences import history
from storage.common.models import Partner
from storage.elephants import repository as elephants
from storage.elephants.models import Elephant
from storage.feedback import repository as campaigns
from storage.partners import objectives
from storage.partners import repository as partners
from storage.partners.objectives import ObjectiveLine


@dataclass(frozen=True)
class Evidence:
    objectives: list[ObjectiveLine]
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
    objectives: list[ObjectiveLine]
    involved: Sequence[Elephant]
    campaigns: tuple[int, int]  # asked in, answered


async def evidence_of(services: Services, workspace_id: int,
                      partner_ids: Sequence[int]) -> dict[int, Evidence]:
    ids = list(partner_ids)
    async with services.db.session() as session:
        found = await objectives.review_lines(session, workspace_id,
                                              ids[0] if len(ids) == 1 else None)
        involved = await elephants.involving_any(session, ids)
        answered = await history.latest_answers_about(session, workspace_id, ids,
                                                      HEALTH_SHOWN)
        asked = await campaigns.participation_of(session, ids)
        leads = await partners.leads_of(session, ids)
    by_partner: dict[int, list[ObjectiveLine]] = {}
    for item in found:
        by_partner.setdefault(item.partner_id, []).append(item)  # others' are never asked
    return {ident: Evidence(by_partner.get(ident, []), involved.get(ident, []),
                            answered.get(ident, []), asked.get(ident, (0, 0)),
                            LeadStats.of(leads.get(ident, [])))
            for ident in ids}


def scored(partner: Partner, evidence: Evidence, today: date, now: datetime) -> Scored:
    quarters, met, judged = objective_rows(evidence.objectives, today)
    health = health_values(evidence.answered)
    kind, why = classify(Facts(age=now - partner.created_at, health=health, met=met,
                               judged=judged, won_leads=evidence.leads.won))
    return Scored(kind, why, health, met, judged, quarters, evidence.objectives,
                  evidence.involved, evidence.campaigns)
