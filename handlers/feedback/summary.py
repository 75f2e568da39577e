"""What a campaign collected: the response rate by partner and by tier, the answers per
question (counts for choice questions), and the most requested topics. An anonymous
campaign shows a breakdown only where at least 3 partners answered, so that no breakdown
points at one partner."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise

from bot.core.cards import Card, Context, Fields, Picture, Text
from bot.core.charts import CATEGORIES_SHOWN, Chart, ChartKind, Series, Tone
from bot.core.commands import excerpt
from handlers.common.questions import read_question
from storage.common.models import Partner
from storage.feedback.models import Campaign, FeedbackReply, ReplySource

BREAKDOWN_MIN = 3
TOPICS_SHOWN = 8
QUOTED = 5  # free-text answers quoted per question in a summary
QUOTE_MAX = 120
WORD = re.compile(r"[a-z0-9][a-z0-9'+-]*")
_STOP_WORDS_TEXT = """
a about above after again against all also am an and any are aren't as at be because
been before being below between both but by can can't cannot could couldn't did didn't
do does doesn't doing don't down during each few for from further get got had hadn't has
hasn't have haven't having he her here hers herself him himself his how i i'd i'll i'm
i've if in into is isn't it it's its itself just let's like lot lots me more most much
mustn't my myself need needs no nor not now of off on once only or other ought our ours
ourselves out over own please really same shan't she should shouldn't so some such than
that that's the their theirs them themselves then there there's these they they'd
they'll they're they've this those through to too under until up us very want wants was
wasn't we we'd we'll we're we've were weren't what what's when where which while who
whom why will with won't would wouldn't yes you you'd you'll you're you've your yours
yourself yourselves maybe thanks thank also make would like well think things thing one
two many every
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


@dataclass(frozen=True)
class Collected:
    """A campaign's partners and their replies, as the summary and status read them (each
    view worked out once: a report asks for them per partner and per tier)."""

    campaign: Campaign
    asked: list[Partner]
    replies: list[FeedbackReply]

    @cached_property
    def partner_replies(self) -> list[FeedbackReply]:
        asked = {partner.id for partner in self.asked}
        return [reply for reply in self.replies
                if not reply.internal and reply.partner_id in asked]

    @cached_property
    def answered(self) -> set[int]:
        return {reply.partner_id for reply in self.partner_replies if reply.partner_id}

    @cached_property
    def silent(self) -> list[Partner]:
        return [partner for partner in self.asked if partner.id not in self.answered]

    @property
    def may_break_down(self) -> bool:
        return not self.campaign.anonymous or len(self.answered) >= BREAKDOWN_MIN


def _rate(part: int, whole: int) -> str:
    return f"{part}/{whole} ({round(100 * part / whole) if whole else 0}%)"


def _shown(collected: Collected, partners: set[int | None]) -> bool:
    """An anonymous campaign breaks results down only where at least BREAKDOWN_MIN
    partners answered: fewer could point at one of them."""
    return not collected.campaign.anonymous or len(partners - {None}) >= BREAKDOWN_MIN


def tier_counts(collected: Collected) -> list[tuple[str, int, int]]:
    """(tier, partners that answered, partners asked) for each tier that may be shown. In
    an anonymous campaign, a tier that 1 or 2 partners answered hides every tier: beside the
    total, the others would give its count away."""
    tiers: dict[str, list[Partner]] = {}
    for partner in collected.asked:
        tiers.setdefault(partner.tier or "no tier", []).append(partner)
    counted = [(tier, {p.id for p in members if p.id in collected.answered}, len(members))
               for tier, members in sorted(tiers.items())]
    if collected.campaign.anonymous and any(0 < len(answered) < BREAKDOWN_MIN
                                            for _, answered, _ in counted):
        return []
    return [(tier, len(answered), asked) for tier, answered, asked in counted
            if _shown(collected, set(answered))]


def by_tier(collected: Collected) -> list[tuple[str, str]]:
    return [(tier, _rate(answered, asked)) for tier, answered, asked in tier_counts(collected)]


def tier_chart(collected: Collected) -> Chart | None:
    """Partners that answered and that did not, per tier (the tiers that may be shown)."""
    counts = tier_counts(collected)
    if not counts:
        return None
    return Chart(ChartKind.STACKED, "Partners that answered, by tier",
                 tuple(tier for tier, _, _ in counts),
                 (Series("answered", tuple(float(answered) for _, answered, _ in counts),
                         Tone.GOOD),
                  Series("not yet", tuple(float(asked - answered)
                                          for _, answered, asked in counts), Tone.NONE)))


def partner_chart(collected: Collected) -> Chart | None:
    """Each partner asked, answered (green) or not yet (grey); never for an anonymous
    campaign, whose partners are not named."""
    if collected.campaign.anonymous or not collected.asked:
        return None
    done = tuple(float(partner.id in collected.answered) for partner in collected.asked)
    return Chart(ChartKind.STACKED, "Partners that answered",
                 tuple(partner.name for partner in collected.asked),
                 (Series("answered", done, Tone.GOOD),
                  Series("not yet", tuple(1.0 - value for value in done), Tone.NONE))
                 ).first(CATEGORIES_SHOWN)


def per_question(collected: Collected) -> list[str]:
    """For each question: for a choice question each option's count, else the answers
    themselves (no names); in an anonymous campaign only questions at least 3 partners
    answered."""
    lines = []
    given = [reply for reply in collected.partner_replies if reply.source is ReplySource.FORM]
    for index, line in enumerate(collected.campaign.questions):
        question = read_question(line)
        replies = [reply for reply in given if reply.question_index == index]
        if not _shown(collected, {reply.partner_id for reply in replies}):
            lines.append(f"{index + 1}. {question.text}: fewer than {BREAKDOWN_MIN} partners "
                         "answered it; not shown")
            continue
        answers = [reply.text for reply in replies]
        if question.has_choices:
            counts = Counter(answers)
            shown = ", ".join(f"{question.label(option)} {counts.get(option, 0)}"
                              for option in question.options)
            lines.append(f"{index + 1}. {question.text}: {shown}")
            continue
        quoted = "; ".join(f"“{excerpt(text, QUOTE_MAX)}”" for text in answers[:QUOTED])
        more = f" and {len(answers) - QUOTED} more" if len(answers) > QUOTED else ""
        lines.append(f"{index + 1}. {question.text}: "
                     + (f"{quoted}{more}" if answers else "no answers"))
    threads = sum(reply.source is ReplySource.THREAD for reply in collected.partner_replies)
    lines.append(f"Thread replies: {threads}")
    return lines


def choice_charts(collected: Collected) -> list[Chart]:
    """A bar per option of each choice question that may be shown (counts of answers)."""
    given = [reply for reply in collected.partner_replies if reply.source is ReplySource.FORM]
    charts = []
    for index, line in enumerate(collected.campaign.questions):
        question = read_question(line)
        replies = [reply for reply in given if reply.question_index == index]
        if not question.has_choices or not replies \
                or not _shown(collected, {reply.partner_id for reply in replies}):
            continue
        counts = Counter(reply.text for reply in replies)
        charts.append(Chart(ChartKind.BARS, f"{index + 1}. {question.text}",
                            tuple(question.label(option) for option in question.options),
                            (Series("answers", tuple(float(counts.get(option, 0))
                                                     for option in question.options)),)))
    return charts


def topics(texts: list[str], shown: int = TOPICS_SHOWN) -> list[tuple[str, int]]:
    """The most frequent meaningful words and two-word phrases (stop words removed), said
    at least twice; a phrase counts before the words inside it."""
    words: Counter[str] = Counter()
    phrases: Counter[str] = Counter()
    for text in texts:
        # Every word stays in place, so a stop word between two words keeps them apart.
        tokens = [token.strip("'-") for token in WORD.findall(text.lower())]
        words.update({token for token in tokens if _meaningful(token)})
        phrases.update({f"{first} {second}" for first, second in pairwise(tokens)
                        if _meaningful(first) and _meaningful(second)})
    frequent = [(phrase, count) for phrase, count in phrases.items() if count >= 2]
    inside = {word for phrase, _ in frequent for word in phrase.split()}
    frequent += [(word, count) for word, count in words.items()
                 if count >= 2 and word not in inside]
    return sorted(frequent, key=lambda item: (-item[1], -len(item[0].split()), item[0]))[:shown]


def _meaningful(token: str) -> bool:
    """A word worth counting: two letters at least ("AI", "EU"), not a stop word or a
    number."""
    return len(token) >= 2 and token not in STOP_WORDS and not token.isdigit()


def topic_texts(collected: Collected) -> list[str]:
    """What partners wrote in their own words: thread replies and free-text answers."""
    return [reply.text for reply in collected.partner_replies
            if reply.source is ReplySource.THREAD
            or not read_question(reply.question).has_choices]


def summary_card(collected: Collected, *, final: bool) -> Card:
    campaign = collected.campaign
    answered, asked = len(collected.answered), len(collected.asked)
    head = (f"{campaign.short_id} {campaign.title}: "
            f"{'closed' if final else 'so far'}, {_rate(answered, asked)} partners answered")
    rows: list[tuple[str, str]] = [("Response rate", _rate(answered, asked))]
    blocks: list[Text | Fields | Context | Picture] = []
    if collected.may_break_down:
        rows += [(f"Tier {tier}" if tier != "no tier" else "No tier", rate)
                 for tier, rate in by_tier(collected)]
        if not campaign.anonymous:
            rows.append(("By partner", ", ".join(
                f"{partner.name} {'✓' if partner.id in collected.answered else '✗'}"
                for partner in collected.asked)))
        blocks.extend(Picture(chart) for chart in (tier_chart(collected),
                                                   partner_chart(collected)) if chart)
        blocks.append(Text("**Answers per question**\n" + "\n".join(
            f"- {line}" for line in per_question(collected)), markup=True))
        blocks.extend(Picture(chart) for chart in choice_charts(collected))
    else:
        blocks.append(Context(f"Fewer than {BREAKDOWN_MIN} partners answered this anonymous "
                              "campaign, so no breakdown is shown: it could point at one."))
    found = topics(topic_texts(collected))
    blocks.append(Text("**Most requested topics**\n" + ("\n".join(
        f"- {topic} ({count})" for topic, count in found) or "- none said twice yet"),
        markup=True))
    internal = sum(reply.internal for reply in collected.replies)
    if internal:
        blocks.append(Context(f"{internal} answer{'' if internal == 1 else 's'} from our own "
                              "people, kept apart and not counted above."))
    return Card(summary=head, title=f"📊 {campaign.short_id}: {campaign.title}",
                blocks=(Fields(tuple(rows)), *blocks))
