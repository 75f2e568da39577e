"""The weekly herd digest: new and resolved elephants, the oldest open ones, the biggest
herds, the hours lost per week across open ones, and the trend against the last four weeks.

Posted to the elephants channel once a week at the day and time an admin sets
(`elephant digest schedule <day> <HH:MM>`, in the admin's time zone), through the due-work
engine: exactly once per week's slot, late (until the next slot) if the bot was down.
`elephant digest` shows it now, privately.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from itertools import accumulate

from bot.core.cards import Card, Context, Fields, Picture, Text
from bot.core.charts import Chart, ChartKind, Series, Tone
from bot.core.conversation import ConversationRef, MessageRef
from bot.core.errors import UserError
from bot.core.responses import Reply, Response
from handlers.common.channels import chosen_channel
from handlers.common.context import CommandContext, Services
from handlers.common.due import CatchUp, DueKind, DueMessage, DueRun
from handlers.common.identity import zone_of
from handlers.common.ledger import DeliveryKind, Pending
from handlers.common.weekly import WEEK, WeeklySlot, read_weekly_slot
from handlers.elephants.cards import CLOSED
from handlers.elephants.filing import ELEPHANTS_CHANNEL
from storage.common import settings, workspaces
from storage.common.models import Role, Workspace
from storage.elephants import repository as elephants
from storage.elephants.herd import HerdLine, herd_lines

FEATURE = "elephants"
SETTING = "elephant-digest"
SHOWN = 3


class ElephantMessage(StrEnum):
    """What the elephant feature sends on a schedule, as its ledger rows name it."""

    DIGEST = "digest"


DIGEST = DueKind(DeliveryKind(FEATURE, ElephantMessage.DIGEST), CatchUp.WHILE_OPEN)
EXAMPLE = "elephant digest schedule monday 09:00"


def _filed(item: HerdLine) -> datetime:
    """When it was filed, as far as it is known (an anonymous report: the end of its day,
    so it is never older than it is)."""
    return item.created_at + timedelta(days=1) - timedelta(microseconds=1) \
        if item.anonymous else item.created_at


def filed_in_week(item: HerdLine, week_start: datetime) -> bool:
    """Filed since `week_start`; an anonymous report's time is its day only: it counts by
    that day."""
    return _filed(item) >= week_start or (item.anonymous
                                          and item.created_at.date() >= week_start.date())


def _hours(found: list[HerdLine]) -> str:
    total = sum((item.hours_lost_per_week for item in found
                 if item.hours_lost_per_week is not None), Decimal(0))
    return f"{total.normalize():f}"


CHART_WEEKS = 8


def _open_span(item: HerdLine) -> tuple[datetime, datetime | None]:
    """When it counts as open from, and until (None: still open), as far as its row tells
    (a reopening is not kept). A close before the (day-rounded) filing of an anonymous report
    counts at the filing: never open at all."""
    filed = _filed(item)
    closed = item.status_changed_at if item.status in CLOSED else None
    return filed, (max(closed, filed) if closed is not None else None)


class _Timeline:
    """Open elephants and their hours at any instant, from sorted opening and closing
    times: open at m = opened by m - closed by m (the herd is counted once, not per week)."""

    def __init__(self, found: list[HerdLine]) -> None:
        spans = [(*_open_span(item), item.hours_lost_per_week or Decimal(0)) for item in found]
        self._opened = sorted((start, hours) for start, _, hours in spans)
        self._closed = sorted((end, hours) for _, end, hours in spans if end is not None)
        self._opened_at = [moment for moment, _ in self._opened]
        self._closed_at = [moment for moment, _ in self._closed]
        self._opened_hours = list(accumulate((hours for _, hours in self._opened),
                                             initial=Decimal(0)))
        self._closed_hours = list(accumulate((hours for _, hours in self._closed),
                                             initial=Decimal(0)))

    def at(self, moment: datetime) -> tuple[int, Decimal]:
        opened = bisect_right(self._opened_at, moment)
        closed = bisect_right(self._closed_at, moment)
        return opened - closed, self._opened_hours[opened] - self._closed_hours[closed]


def trend_chart(found: list[HerdLine], now: datetime) -> Chart:
    """Open elephants and the hours they cost per week, at the end of each of 8 weeks."""
    ends = [now - week * WEEK for week in range(CHART_WEEKS - 1, -1, -1)]
    timeline = _Timeline(found)
    counted = [timeline.at(end) for end in ends]
    return Chart(ChartKind.LINE, "Open elephants and hours lost per week, 8 weeks",
                 tuple(f"{end:%d %b}" for end in ends),
                 (Series("open", tuple(float(count) for count, _ in counted), Tone.BAD),
                  Series("hours lost per week", tuple(float(hours) for _, hours in counted),
                         Tone.WARN)))


def herd_chart(biggest: list[HerdLine], herds: dict[int, int]) -> Chart:
    return Chart(ChartKind.BARS, "Biggest herds", tuple(item.short_id for item in biggest),
                 (Series("see it too", tuple(float(herds[item.id or 0]) for item in biggest)),))


def digest_card(found: list[HerdLine], herds: dict[int, int], now: datetime) -> Card:
    """The herd as it stands at `now`, the week before it, and the four weeks before that."""
    week_start = now - WEEK
    still = [item for item in found if item.status not in CLOSED]
    new = [item for item in found if filed_in_week(item, week_start)]
    closed = [item for item in found if item.status in CLOSED and item.status_changed_at
              and item.status_changed_at >= week_start]
    oldest = sorted(still, key=lambda item: item.number)[:SHOWN]  # numbers follow filing
    biggest = sorted((item for item in still if herds.get(item.id or 0)),
                     key=lambda item: (-herds[item.id or 0], item.number))[:SHOWN]

    def ids(items: list[HerdLine]) -> str:
        return ", ".join(f"{item.short_id} {item.title}" for item in items) or "none"

    def per_week(dated: list[datetime]) -> str:
        counts = [sum(now - (week + 1) * WEEK <= moment < now - week * WEEK
                      for moment in dated) for week in range(4, 0, -1)]
        return " → ".join(str(count) for count in counts)

    closed_at = [item.status_changed_at for item in found
                 if item.status in CLOSED and item.status_changed_at]
    trend = (f"New per week, the four weeks before: "
             f"{per_week([_filed(item) for item in found])} → this week {len(new)}. "
             f"Resolved or closed: {per_week(closed_at)} → this week {len(closed)}.")
    rows = (("New this week", ids(new)),
            ("Resolved or closed this week", ids(closed)),
            ("Oldest open", ids(oldest)),
            ("Biggest herds", ", ".join(f"{item.short_id} ({herds[item.id or 0]})"
                                        for item in biggest) or "no votes yet"),
            ("Hours lost per week, open elephants", _hours(still)),
            ("Open", str(len(still))))
    charts = (Picture(trend_chart(found, now)),) + \
        ((Picture(herd_chart(biggest, herds)),) if biggest else ())
    return Card(summary=f"Herd digest: {len(still)} open, {len(new)} new this week",
                title="🐘 Herd digest", blocks=(Fields(rows), Text(trend), *charts,
                                               Context("`elephant list` shows every open one")))


async def _digest_of(services: Services, workspace_id: int, now: datetime) -> Card:
    async with services.db.session() as session:
        found = await herd_lines(session, workspace_id)
        herds = await elephants.herds_in(session, workspace_id)
    return digest_card(found, herds, now)


async def digest(ctx: CommandContext) -> Response:
    """`digest` now (privately), or `digest schedule <day> <HH:MM>|off` (admins)."""
    words = ctx.args.split()
    if not words:
        return Reply(await _digest_of(ctx.services, ctx.workspace.id or 0,
                                      ctx.services.clock.now()))
    if words[0].lower() != "schedule":
        raise UserError("`elephant digest` shows the digest now; `elephant digest schedule "
                        "<day> <HH:MM>` sets when it is posted each week.", example=EXAMPLE)
    if ctx.person.role is not Role.ADMIN:
        raise UserError("Only admins set when the herd digest is posted.",
                        example="partnerops whoami")
    return await _schedule(ctx, words[1:])


async def _schedule(ctx: CommandContext, words: list[str]) -> Response:
    now = ctx.services.clock.now()
    if words and words[0].lower() == "off":
        async with ctx.services.db.session() as session:
            await settings.put(session, ctx.workspace.id or 0, SETTING, {}, now=now)
        ctx.services.schedule_changed()
        return Reply("The weekly herd digest is off. `elephant digest` still shows it.")
    if len(words) != 2:
        raise UserError("Say the day and the time: schedule <day> <HH:MM>.", example=EXAMPLE)
    weekday, at = read_weekly_slot(words, EXAMPLE)
    if await chosen_channel(ctx.services, ctx.workspace, ELEPHANTS_CHANNEL) is None:
        raise UserError("Choose the elephants channel first: the digest is posted there.",
                        example="partnerops settings elephants-channel #elephants")
    schedule = WeeklySlot(weekday, at, zone_of(ctx.person, ctx.services), now)
    async with ctx.services.db.session() as session:
        await settings.put(session, ctx.workspace.id or 0, SETTING, schedule.stored(), now=now)
    ctx.services.schedule_changed()
    return Reply(f"The herd digest goes to the elephants channel {schedule.text()}, first "
                 f"on {schedule.next_slot(now):%a %d %b %Y}.")


class DigestDueWork:
    """Each workspace's weekly digest, once per slot."""

    feature = FEATURE

    async def _scheduled(self, services: Services) -> list[tuple[Workspace, WeeklySlot]]:
        async with services.db.session() as session:
            found = await settings.with_key(session, SETTING)
            owners = await workspaces.by_ids(session, [workspace_id for workspace_id, _ in found])
        return [(owners[workspace_id], schedule) for workspace_id, value in found
                if (schedule := WeeklySlot.read(value)) is not None]

    async def run(self, run: DueRun) -> None:
        for workspace, schedule in await self._scheduled(run.services):
            slot = schedule.last_slot(run.now)
            channel = await chosen_channel(run.services, workspace, ELEPHANTS_CHANNEL)
            if slot is None or channel is None:
                continue
            key = f"digest:{workspace.id}:{slot.isoformat()}"

            async def send(channel: ConversationRef = channel, slot: datetime = slot,
                           workspace_id: int = workspace.id or 0, key: str = key
                           ) -> MessageRef:
                # Built only once the ledger gave this run the key: an idle run builds none.
                card = await _digest_of(run.services, workspace_id, slot)
                return await run.services.outbox.post(channel, card, key=key)

            pending = Pending(key, DIGEST.delivery, workspace.id or 0, channel, send,
                              f"digest:{workspace.id}")
            # Late only until the next week's slot: then that one is owed instead.
            await run.send_once(DueMessage(DIGEST, pending, slot, slot + WEEK))

    async def next_wakeup(self, services: Services, now: datetime) -> datetime | None:
        return min((schedule.next_slot(now) for _, schedule in await self._scheduled(services)),
                   default=None)
