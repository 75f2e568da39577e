"""The weekly herd digest: new and resolved elephants, the oldest open ones, the biggest
herds, the hours lost per week across open ones, and the trend against the last four weeks.

Posted to the elephants channel once a week at the day and time an admin sets
(`elephant digest schedule <day> <HH:MM>`, in the admin's time zone), through the due-work
engine: exactly once per week's slot, late (until the next slot) if the bot was down.
`elephant digest` shows it now, privately.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

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
from handlers.elephants.filing import ELEPHANTS_CHANNEL
from storage.common import settings, workspaces
from storage.common.models import Role, Workspace
from storage.elephants.herd import HerdLine, HerdNow, Listed, herd_now
from storage.elephants.timeline import HerdTimeline, Timed, herd_timeline

FEATURE = "elephants"
SETTING = "elephant-digest"
SHOWN = 3


class ElephantMessage(StrEnum):
    """What the elephant feature sends on a schedule, as its ledger rows name it."""

    DIGEST = "digest"


DIGEST = DueKind(DeliveryKind(FEATURE, ElephantMessage.DIGEST), CatchUp.WHILE_OPEN)
EXAMPLE = "elephant digest schedule monday 09:00"


LISTED = 10  # elephants named in each of the digest's lists; the rest are counted


class _Tally:
    """How many elephants (and their hours) had their moment at or before, or before, each
    of the timeline's instants, from the database's buckets."""

    def __init__(self, timed: list[Timed], instants: int) -> None:
        self._in = [(0, Decimal(0))] * (instants + 1)
        self._on = [(0, Decimal(0))] * (instants + 1)
        for item in timed:
            count, hours = self._in[item.bucket]
            self._in[item.bucket] = (count + item.count, hours + item.hours)
            if item.on_instant:
                count, hours = self._on[item.bucket]
                self._on[item.bucket] = (count + item.count, hours + item.hours)

    def at_or_before(self, index: int) -> tuple[int, Decimal]:
        buckets = self._in[:index + 1]
        return sum(count for count, _ in buckets), sum((h for _, h in buckets), Decimal(0))

    def before(self, index: int) -> int:
        return self.at_or_before(index)[0] - self._on[index][0]


CHART_WEEKS = 8


def _instants(now: datetime) -> list[datetime]:
    """The end of each of the last CHART_WEEKS weeks, oldest first (the last one: now)."""
    return [now - week * WEEK for week in range(CHART_WEEKS - 1, -1, -1)]


def trend_chart(timeline: HerdTimeline) -> Chart:
    """Open elephants and the hours they cost per week, at the end of each of 8 weeks."""
    filed = _Tally(timeline.filed, len(timeline.instants))
    closed = _Tally(timeline.closed, len(timeline.instants))
    counted = []
    for index in range(len(timeline.instants)):
        (opened, opened_hours), (shut, shut_hours) = \
            filed.at_or_before(index), closed.at_or_before(index)
        counted.append((opened - shut, opened_hours - shut_hours))
    return Chart(ChartKind.LINE, "Open elephants and hours lost per week, 8 weeks",
                 tuple(f"{end:%d %b}" for end in timeline.instants),
                 (Series("open", tuple(float(count) for count, _ in counted), Tone.BAD),
                  Series("hours lost per week", tuple(float(hours) for _, hours in counted),
                         Tone.WARN)))


def herd_chart(biggest: list[tuple[HerdLine, int]]) -> Chart:
    return Chart(ChartKind.BARS, "Biggest herds", tuple(item.short_id for item, _ in biggest),
                 (Series("see it too", tuple(float(herd) for _, herd in biggest)),))


def _per_week(timed: list[Timed], instants: int) -> str:
    """How many had their moment in each of the four weeks before this one."""
    tally = _Tally(timed, instants)
    last = instants - 1  # now; the week w weeks back ends at instant last - w
    return " → ".join(str(tally.before(last - week) - tally.before(last - week - 1))
                      for week in range(4, 0, -1))


def listed(found: Listed) -> str:
    named = ", ".join(f"{item.short_id} {item.title}" for item in found.first) or "none"
    more = found.count - len(found.first)
    return f"{named} and {more} more" if more > 0 else named


def digest_card(herd: HerdNow, timeline: HerdTimeline) -> Card:
    """The herd as it stands at the timeline's last instant, the week before it, and the
    four weeks before that."""
    weeks = len(timeline.instants)
    trend = (f"New per week, the four weeks before: {_per_week(timeline.filed, weeks)} → "
             f"this week {herd.new.count}. Resolved or closed: "
             f"{_per_week(timeline.changed, weeks)} → this week {herd.closed.count}.")
    oldest = Listed(herd.still_open.first[:SHOWN], herd.still_open.count)
    rows = (("New this week", listed(herd.new)),
            ("Resolved or closed this week", listed(herd.closed)),
            ("Oldest open", ", ".join(f"{item.short_id} {item.title}" for item in oldest.first)
             or "none"),
            ("Biggest herds", ", ".join(f"{item.short_id} ({herd})" for item, herd
                                        in herd.biggest) or "no votes yet"),
            ("Hours lost per week, open elephants", f"{herd.open_hours.normalize():f}"),
            ("Open", str(herd.still_open.count)))
    charts = (Picture(trend_chart(timeline)),) + \
        ((Picture(herd_chart(herd.biggest)),) if herd.biggest else ())
    return Card(summary=f"Herd digest: {herd.still_open.count} open, {herd.new.count} new "
                        "this week",
                title="🐘 Herd digest", blocks=(Fields(rows), Text(trend), *charts,
                                               Context("`elephant list` shows every open one")))


async def herd_digest(services: Services, workspace_id: int, now: datetime) -> Card:
    """The digest at `now`, counted by the database."""
    async with services.db.session() as session:
        herd = await herd_now(session, workspace_id, now - WEEK, LISTED)
        timeline = await herd_timeline(session, workspace_id, _instants(now))
    return digest_card(herd, timeline)


async def digest(ctx: CommandContext) -> Response:
    """`digest` now (privately), or `digest schedule <day> <HH:MM>|off` (admins)."""
    words = ctx.args.split()
    if not words:
        return Reply(await herd_digest(ctx.services, ctx.workspace.id or 0,
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
                card = await herd_digest(run.services, workspace_id, slot)
                return await run.services.outbox.post(channel, card, key=key)

            pending = Pending(key, DIGEST.delivery, workspace.id or 0, channel, send,
                              f"digest:{workspace.id}")
            # Late only until the next week's slot: then that one is owed instead.
            await run.send_once(DueMessage(DIGEST, pending, slot, slot + WEEK))

    async def next_wakeup(self, services: Services, now: datetime) -> datetime | None:
        return min((schedule.next_slot(now) for _, schedule in await self._scheduled(services)),
                   default=None)
