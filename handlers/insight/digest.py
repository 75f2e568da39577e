"""The observers' weekly digest: every feature's digest sections in one card, sent to each
observer once a week at their slot, through the due-work engine (exactly once per slot;
late, until the next slot, if the bot was down)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.core.cards import Block, Card, Context
from bot.core.commands import DigestSection
from bot.core.conversation import ConversationKind, ConversationRef, MessageRef, Platform
from handlers.common.context import Services
from handlers.common.digest import DigestContext
from handlers.common.due import CatchUp, DueKind, DueMessage, DueRun
from handlers.common.ledger import DeliveryKind, Pending
from handlers.common.weekly import WEEK, WeeklySlot, parse_clock
from storage.common import people, workspaces
from storage.common.models import Person, Role, Workspace
from storage.insight import repository as insight
from storage.insight.models import DigestSlot

FEATURE = "insight"
SectionsOf = Callable[[], tuple[DigestSection, ...]]


class InsightMessage(StrEnum):
    """What the insight feature sends on a schedule, as its ledger rows name it."""

    DIGEST = "observer-digest"


DIGEST = DueKind(DeliveryKind(FEATURE, InsightMessage.DIGEST), CatchUp.WHILE_OPEN)
QUIET = "A quiet week: nothing to report."


def weekly_slot(slot: DigestSlot) -> WeeklySlot:
    return WeeklySlot(slot.weekday, parse_clock(slot.at), slot.zone, slot.since)


@dataclass(frozen=True)
class Watcher:
    """One observer in one workspace: what they observe, and when their digest comes."""

    workspace: Workspace
    person: Person
    cadence_ids: tuple[int, ...] | None  # None: the whole install
    slot: WeeklySlot

    def context(self, services: Services, now: datetime) -> DigestContext:
        return DigestContext(services, self.workspace, self.person, self.cadence_ids, now,
                             self.slot.zone)


async def watchers(services: Services, workspace_id: int | None = None) -> list[Watcher]:
    """Every observer (of one workspace, or of all), their observations merged."""
    async with services.db.session() as session:
        found = await insight.observers(session, workspace_id)
        slots = await insight.slots(session, list({person.id or 0 for _, person, _ in found}))
        owners = await workspaces.by_ids(session, list({row.workspace_id for row, _, _ in found}))
    people_of: dict[tuple[int, int], Person] = {}
    observed: dict[tuple[int, int], set[int] | None] = {}  # None: the whole install
    for row, person, _ in found:
        if person.role is Role.PARTNER_CONTACT or person.is_external:
            continue  # became a partner's contact since: the digest is internal
        key = (row.workspace_id, person.id or 0)
        people_of[key] = person
        cadence_ids = observed.setdefault(key, set())
        if row.cadence_id is None:
            observed[key] = None
        elif cadence_ids is not None:
            cadence_ids.add(row.cadence_id)
    return [Watcher(owners[key[0]], people_of[key],
                    None if cadence_ids is None else tuple(sorted(cadence_ids)),
                    weekly_slot(slots[key[1]]))
            for key, cadence_ids in observed.items() if key[1] in slots]


async def digest_card(sections: tuple[DigestSection, ...], ctx: DigestContext) -> Card:
    blocks: list[Block] = []
    for section in sections:
        blocks.extend(await section(ctx))
    if not blocks:
        blocks.append(Context(QUIET))
    what = "the whole install" if ctx.whole_install else "your cadences"
    title = f"Your weekly digest: {what}"
    local = ctx.now.astimezone(ZoneInfo(ctx.zone))
    return Card(summary=f"{title}, week to {local:%a %d %b %Y}", title=title,
                blocks=(*blocks, Context(f"The week to {local:%a %d %b %Y %H:%M} ({ctx.zone}). "
                                         "`partnerops digest <day> <HH:MM>` moves it.")))


class ObserverDigestDueWork:
    """Each observer's digest, once per weekly slot."""

    feature = FEATURE

    def __init__(self, sections_of: SectionsOf) -> None:
        self._sections_of = sections_of

    async def run(self, run: DueRun) -> None:
        messages = []
        for watcher in await watchers(run.services):
            slot = watcher.slot.last_slot(run.now)
            if slot is None:
                continue
            async with run.services.db.session() as session:
                reach = await people.members(session, [watcher.person.id or 0],
                                             watcher.workspace.platform)
            if not reach:
                continue
            to = ConversationRef(Platform(watcher.workspace.platform), reach[0].user_id,
                                 ConversationKind.DIRECT,
                                 workspace=watcher.workspace.external_id or "")
            key = f"observer-digest:{watcher.workspace.id}:{watcher.person.id}:" \
                  f"{slot.isoformat()}"
            pending = Pending(key, DIGEST.delivery, watcher.workspace.id or 0, to,
                              self._sender(run.services, watcher, slot, to, key),
                              f"observer:{watcher.person.id}")
            # Late only until the next week's slot: then that one is owed instead.
            messages.append(DueMessage(DIGEST, pending, slot, slot + WEEK))
        await run.send(messages, concurrency=4)

    def _sender(self, services: Services, watcher: Watcher, slot: datetime,
                to: ConversationRef, key: str) -> Callable[[], Awaitable[MessageRef]]:
        async def send() -> MessageRef:
            # Built only once the ledger gave this run the key: an idle run builds nothing.
            card = await digest_card(self._sections_of(), watcher.context(services, slot))
            return await services.outbox.post(to, card, key=key)
        return send

    async def next_wakeup(self, services: Services, now: datetime) -> datetime | None:
        return min((watcher.slot.next_slot(now) for watcher in await watchers(services)),
                   default=None)
