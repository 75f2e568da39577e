"""`/objective review [YYYY-Qn | YYYY] [here | #channel]`: did partners meet their own
objectives? Per partner met / missed / open / dropped and the share met, then the total.

An objective counts in the period of its due date; one without a due date in the period it
was closed, or, while open, in the current one. The share met is met over met, missed and
overdue (open after its due date): one not yet due is not judged yet, a dropped one never.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from bot.core.cards import Card, Context, Fields, Picture
from bot.core.charts import CATEGORIES_SHOWN, Chart, ChartKind, Series, Tone
from bot.core.conversation import ConversationKind
from bot.core.errors import DeliveryError, UserError
from bot.core.responses import Reply, Response
from handlers.common.channels import named
from handlers.common.context import CommandContext, conversation_in
from handlers.common.identity import zone_of
from handlers.partners import words
from handlers.partners.finding import is_contact, own_partner
from storage.partners import objectives
from storage.partners import repository as partners
from storage.partners.objectives import ObjectiveTally

EXAMPLE = "objective review 2026-Q4"
QUARTER = re.compile(r"^(\d{4})-?q([1-4])$", re.IGNORECASE)
YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    label: str
    first: date
    last: date

    def holds(self, day: date) -> bool:
        return self.first <= day <= self.last


def quarter_of(day: date) -> Period:
    quarter = (day.month - 1) // 3 + 1
    return _quarter(day.year, quarter)


def _quarter(year: int, quarter: int) -> Period:
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return Period(f"{year}-Q{quarter}", first, date.fromordinal(last.toordinal() - 1))


def period_of(word: str, today: date) -> Period:
    if not word:
        return quarter_of(today)
    if found := QUARTER.match(word):
        return _quarter(int(found.group(1)), int(found.group(2)))
    if found := YEAR.match(word):
        year = int(found.group(1))
        return Period(str(year), date(year, 1, 1), date(year, 12, 31))
    raise UserError("Give a quarter (2026-Q4) or a year (2026), or nothing for this quarter.",
                    example=EXAMPLE)


OVERDUE = "overdue"
# The order counts are shown in; "open" is open and not yet due.
STATES = ("met", "missed", OVERDUE, "open", "dropped")


def by_partner(found: Iterable[ObjectiveTally]) -> dict[int, Counter[str]]:
    """Each partner's objectives by state: its status, or "overdue" for one still open
    after its due date."""
    counted: dict[int, Counter[str]] = {}
    for tally in found:
        state = OVERDUE if tally.overdue else tally.status.value
        counted.setdefault(tally.partner_id, Counter())[state] += tally.count
    return counted


def judged_and_met(counted: Counter[str]) -> tuple[int, int]:
    """What the share is over (met, missed and overdue: an objective not yet due is not
    judged yet, a dropped one never), and how many of those were met."""
    return counted["met"] + counted["missed"] + counted[OVERDUE], counted["met"]


def share_text(judged: int, met: int) -> str:
    return f"{met}/{judged} met ({round(100 * met / judged)}%)" if judged else "none to judge"


def tally_text(counted: Counter[str]) -> str:
    share = share_text(*judged_and_met(counted))
    detail = " · ".join(f"{counted[state]} {state}" for state in STATES if counted[state])
    return f"{share} · {detail}" if detail else share


def review_chart(named: list[tuple[str, Counter[str]]]) -> Chart:
    """Met, missed (overdue too) and open per partner, stacked, the best share met first."""
    def share(counted: Counter[str]) -> float:
        judged, met = judged_and_met(counted)
        return met / judged if judged else -1.0

    ordered = sorted(named, key=lambda row: (-share(row[1]), row[0].lower()))
    return Chart(ChartKind.STACKED, "Objectives by partner",
                 tuple(name for name, _ in ordered),
                 (Series("met", tuple(float(c["met"]) for _, c in ordered), Tone.GOOD),
                  Series("missed", tuple(float(c["missed"] + c[OVERDUE]) for _, c in ordered),
                         Tone.BAD),
                  Series("open", tuple(float(c["open"]) for _, c in ordered), Tone.NEUTRAL))
                 ).first(CATEGORIES_SHOWN)


async def review(ctx: CommandContext) -> Response:
    found = words.tokens(ctx.args, EXAMPLE)
    post_here = bool(found) and found[-1].lower() == "here"
    rest = [word for word in found[:-1 if post_here else None] if not word.startswith("#")]
    today = ctx.services.clock.now().astimezone(
        ZoneInfo(zone_of(ctx.person, ctx.services))).date()
    if len(rest) > 1:
        raise UserError("Give one period, then `here` or a #channel to post it to.",
                        example="objective review 2026-Q4 here")
    period = period_of(rest[0] if rest else "", today)
    async with ctx.services.db.session() as session:
        shown = [await own_partner(ctx)] if is_contact(ctx.person) else list(
            await partners.all_partners(session, ctx.workspace.id or 0, archived=True))
        per_partner = by_partner(await objectives.tallies(
            session, ctx.workspace.id or 0, [(period.first, period.last)], today,
            shown[0].id or 0 if is_contact(ctx.person) else None))
    rows = [(partner.name, tally_text(per_partner[partner.id or 0])) for partner in shown
            if partner.id in per_partner]
    total: Counter[str] = sum(per_partner.values(), Counter())
    title = f"Did partners meet their objectives? {period.label}"
    if not rows:
        card = Card(summary=f"{title} No objectives count in {period.label}.", title=title,
                    blocks=(Context(f"No objectives are due, or were closed, in "
                                    f"{period.label}."),))
    else:
        rows.append(("Total", tally_text(total)))
        chart = review_chart([(partner.name, per_partner[partner.id or 0]) for partner in shown
                              if partner.id in per_partner])
        card = Card(summary=f"{title} {tally_text(total)}", title=title, blocks=(
            Fields(tuple(rows)), Picture(chart),
            Context("Counted by due date (else the day closed); met out of met, missed and "
                    "overdue; open ones not yet due and dropped ones are not judged.")))
    target = ctx.invocation.channels[0] if ctx.invocation.channels else \
        ctx.invocation.conversation if post_here else None
    # Only the vendor team posts a review to a channel; a contact sees theirs privately.
    if target is None or is_contact(ctx.person) or target.kind is ConversationKind.DIRECT:
        return Reply(card)
    channel = await named(ctx.services, conversation_in(ctx.workspace, target))
    try:
        await ctx.services.outbox.post(channel, card)
    except DeliveryError as problem:
        raise UserError(f"I can't post in {channel.label} ({problem}); invite me there first.",
                        example="/invite @PartnerOps") from None
    return Reply(f"Posted the {period.label} review to {channel.label}.")
