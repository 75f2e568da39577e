"""Objectives' timed messages for run-due: a nudge some days before an open objective is due,
and an overdue alert the day after, each to the partner's owner and contacts, at 09:00 in
each one's own time zone, exactly once (the ledger keys them by objective and person).

Late catch-up is bounded: a nudge still goes out until the due date, an overdue alert for a
week; an objective closed meanwhile asks nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.core.cards import Card, Context, Text
from bot.core.conversation import ConversationKind, ConversationRef, Platform
from bot.core.dates import day_label
from handlers.common.context import Services
from handlers.common.due import CatchUp, DueKind, DueMessage, DueRun
from handlers.common.identity import zone_of
from handlers.common.ledger import DeliveryKind, Pending
from storage.common import people, workspaces
from storage.common.models import Partner, Workspace
from storage.common.people import Member
from storage.partners import objectives
from storage.partners import repository as partners
from storage.partners.models import Objective

FEATURE = "partners"
AT = time(9)  # local time of the people told
OVERDUE_FOR = timedelta(days=7)  # how long an overdue alert may still go out late
FAN_OUT = 8


class ObjectiveMessage(StrEnum):
    NUDGE = "objective_nudge"
    OVERDUE = "objective_overdue"


NUDGE = DueKind(DeliveryKind(FEATURE, ObjectiveMessage.NUDGE), CatchUp.WHILE_OPEN)
OVERDUE = DueKind(DeliveryKind(FEATURE, ObjectiveMessage.OVERDUE), CatchUp.WHILE_OPEN)


def _local(day: date, zone: str, at: time = AT) -> datetime:
    return datetime.combine(day, at, ZoneInfo(zone))


@dataclass(frozen=True)
class Told:
    """One message to one person about one objective: when, and until when it may go."""

    kind: ObjectiveMessage
    objective: Objective
    member: Member
    opens: datetime
    closes: datetime


async def _people(services: Services, partner: Partner, platform: str) -> list[Member]:
    """The partner's owner and contacts, as the bot reaches them on the workspace's platform."""
    async with services.db.session() as session:
        ids = [person.id or 0 for person in await partners.contacts(session, partner.id or 0)]
        if partner.owner_id:
            ids.insert(0, partner.owner_id)
        return await people.members(session, list(dict.fromkeys(ids)), platform)


def _told(services: Services, objective: Objective, member: Member) -> Iterator[Told]:
    """What is owed to `member` about `objective`: nothing from before it was added."""
    if objective.due_on is None:
        return
    zone = zone_of(member.person, services)
    days = services.config.objective_nudge_days
    after_due = objective.due_on + timedelta(days=1)
    found = []
    if days:
        found.append(Told(ObjectiveMessage.NUDGE, objective, member,
                          _local(objective.due_on - timedelta(days=days), zone),
                          _local(after_due, zone, time(0))))
    overdue = _local(after_due, zone)
    found.append(Told(ObjectiveMessage.OVERDUE, objective, member, overdue,
                      overdue + OVERDUE_FOR))
    yield from (told for told in found if told.opens >= objective.created_at)


def _card(told: Told, partner: Partner) -> Card:
    objective = told.objective
    due = day_label(objective.due_on) if objective.due_on else ""
    if told.kind is ObjectiveMessage.NUDGE:
        head = f"{objective.short_id} for {partner.name} is due {due}"
        body = f"{objective.text}. Record where it stands, or close it."
    else:
        head = f"{objective.short_id} for {partner.name} was due {due}"
        body = f"{objective.text}. Did they meet it?"
    return Card(summary=head, title=head, blocks=(
        Text(body),
        Context(f"objective update {objective.short_id} 80% · objective done "
                f"{objective.short_id} · objective missed {objective.short_id}")))


class ObjectiveDueWork:
    """Nudges and overdue alerts for every workspace's open objectives with a due date."""

    feature = FEATURE

    async def _everything(self, services: Services) -> list[tuple[Told, Partner, Workspace]]:
        async with services.db.session() as session:
            found = await objectives.open_with_due_date(session)
            partner_of = {partner.id: partner for partner in
                          await partners.by_ids(session, {item.partner_id for item in found})}
            owners = await workspaces.by_ids(session, [p.workspace_id
                                                       for p in partner_of.values()])
        everything = []
        for objective in found:
            partner = partner_of.get(objective.partner_id)
            if partner is None or partner.archived_at is not None:
                continue
            workspace = owners[partner.workspace_id]
            for member in await _people(services, partner, workspace.platform):
                everything.extend((told, partner, workspace)
                                  for told in _told(services, objective, member))
        return everything

    async def run(self, run: DueRun) -> None:
        messages = []
        for told, partner, workspace in await self._everything(run.services):
            to = ConversationRef(Platform(workspace.platform), told.member.user_id,
                                 ConversationKind.DIRECT, workspace=workspace.external_id or "")
            key = f"{told.kind.value}:{told.objective.id}:{told.member.person.id}"
            card = _card(told, partner)
            kind = NUDGE if told.kind is ObjectiveMessage.NUDGE else OVERDUE
            pending = Pending(key, kind.delivery, partner.workspace_id, to,
                              lambda to=to, card=card, key=key:
                              run.services.outbox.post(to, card, key=key),
                              f"objective:{told.objective.id}")
            messages.append(DueMessage(kind, pending, told.opens, told.closes))
        await run.send(messages, concurrency=FAN_OUT)

    async def next_wakeup(self, services: Services, now: datetime) -> datetime | None:
        return min((told.opens for told, _, _ in await self._everything(services)
                     if told.opens > now), default=None)
