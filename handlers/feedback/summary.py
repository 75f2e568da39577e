"""What a campaign collected: the response rate by partner and by tier, the answers per
question (counts for choice questions), and the most requested topics. An anonymous
campaign shows a breakdown only where at least 3 partners answered, so that no breakdown
points at one partner.

Everything is counted by the database (storage.feedback.tally), never read reply by reply;
topics are found in the latest TOPICS_SAMPLE texts, and the card says so when there are
more."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise

from bot.core.cards import Card, Context, Fields, Picture, Text
from bot.core.charts import CATEGORIES_SHOWN, Chart, ChartKind, Series, Tone
from bot.core.commands import excerpt
from handlers.common.context import Services
from handlers.common.questions import read_question
from storage.common.models import Partner
from storage.feedback import repository as campaigns
from storage.feedback import tally as tallies
from storage.feedback.models import Campaign
from storage.feedback.tally import Tally

BREAKDOWN_MIN = 3
TOPICS_SHOWN = 8
QUOTED = 5  # free-text answers quoted per question in a summary
# Topics are counted in the latest this many texts in partners' own words: counting words in
# Python over every one of 100,000 would take seconds.
TOPICS_SAMPLE = 5_000
QUOTE_MAX = 120
# A word: letters and digits, with ', + and - inside ("hands-on", "it's", "c++"), never
# ending in ' or - (a quote or a dash after a word is not part of it).
WORD = re.compile(r"[a-z0-9](?:[a-z0-9'+-]*[a-z0-9+])?")
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
class Turnout:
    """A campaign's partners, and which of them answered (what status and reminders read)."""

    campaign: Campaign
    asked: list[Partner]
    answered: frozenset[int]

    @cached_property
    def silent(self) -> list[Partner]:
        return [partner for partner in self.asked if partner.id not in self.answered]

    @property
    def may_break_down(self) -> bool:
        return not self.campaign.anonymous or len(self.answered) >= BREAKDOWN_MIN


@dataclass(frozen=True)
class Collected(Turnout):
    """A campaign's turnout and its replies counted, as the summary reads them."""

    tally: Tally


def choice_questions(campaign: Campaign) -> list[int]:
    """The indexes of the campaign's questions with options (the others are answered in
    partners' own words)."""
    return [index for index, line in enumerate(campaign.questions)
            if read_question(line).has_choices]


async def turnout_of(services: Services, campaign: Campaign) -> Turnout:
    """Who the campaign asked and who of them answered."""
    async with services.db.session() as session:
        asked = await campaigns.audience(session, campaign.id or 0)
        answered = await tallies.answered(session, campaign.id or 0)
    return Turnout(campaign, asked, answered)


async def collect(services: Services, campaign: Campaign) -> Collected:
    """The campaign's turnout and its replies counted, for its summary."""
    async with services.db.session() as session:
        asked = await campaigns.audience(session, campaign.id or 0)
        counted = await tallies.tally(session, campaign.id or 0,
                                      questions=len(campaign.questions),
                                      choice_questions=choice_questions(campaign),
                                      quoted=QUOTED, sample=TOPICS_SAMPLE)
    return Collected(campaign, asked, counted.answered, counted)


def _rate(part: int, whole: int) -> str:
    return f"{part}/{whole} ({round(100 * part / whole) if whole else 0}%)"


def _shown(turnout: Turnout, partners: int) -> bool:
    """An anonymous campaign breaks results down only where at least BREAKDOWN_MIN
    partners answered: fewer could point at one of them."""
    return not turnout.campaign.anonymous or partners >= BREAKDOWN_MIN


def tier_counts(turnout: Turnout) -> list[tuple[str, int, int]]:
    """(tier, partners that answered, partners asked) for each tier that may be shown. In
    an anonymous campaign, a tier that 1 or 2 partners answered hides every tier: beside the
    total, the others would give its count away."""
    tiers: dict[str, list[Partner]] = {}
    for partner in turnout.asked:
        tiers.setdefault(partner.tier or "no tier", []).append(partner)
    counted = [(tier, sum(p.id in turnout.answered for p in members), len(members))
               for tier, members in sorted(tiers.items())]
    if turnout.campaign.anonymous and any(0 < answered < BREAKDOWN_MIN
                                          for _, answered, _ in counted):
        return []
    return [(tier, answered, asked) for tier, answered, asked in counted
            if _shown(turnout, answered)]


def by_tier(turnout: Turnout) -> list[tuple[str, str]]:
    return [(tier, _rate(answered, asked)) for tier, answered, asked in tier_counts(turnout)]


def tier_chart(turnout: Turnout) -> Chart | None:
    """Partners that answered and that did not, per tier (the tiers that may be shown)."""
    counts = tier_counts(turnout)
    if not counts:
        return None
    return Chart(ChartKind.STACKED, "Partners that answered, by tier",
                 tuple(tier for tier, _, _ in counts),
                 (Series("answered", tuple(float(answered) for _, answered, _ in counts),
                         Tone.GOOD),
                  Series("not yet", tuple(float(asked - answered)
                                          for _, answered, asked in counts), Tone.NONE)))


def partner_chart(turnout: Turnout) -> Chart | None:
    """Each partner asked, answered (green) or not yet (grey); never for an anonymous
    campaign, whose partners are not named."""
    if turnout.campaign.anonymous or not turnout.asked:
        return None
    done = tuple(float(partner.id in turnout.answered) for partner in turnout.asked)
    return Chart(ChartKind.STACKED, "Partners that answered",
                 tuple(partner.name for partner in turnout.asked),
                 (Series("answered", done, Tone.GOOD),
                  Series("not yet", tuple(1.0 - value for value in done), Tone.NONE))
                 ).first(CATEGORIES_SHOWN)


def per_question(collected: Collected) -> list[str]:
    """For each question: for a choice question each option's count, else the answers
    themselves (no names); in an anonymous campaign only questions at least 3 partners
    answered."""
    lines = []
    for index, line in enumerate(collected.campaign.questions):
        question = read_question(line)
        given = collected.tally.question(index)
        if not _shown(collected, given.partners):
            lines.append(f"{index + 1}. {question.text}: fewer than {BREAKDOWN_MIN} partners "
                         "answered it; not shown")
            continue
        if question.has_choices:
            shown = ", ".join(f"{question.label(option)} {given.choices.get(option, 0)}"
                              for option in question.options)
            lines.append(f"{index + 1}. {question.text}: {shown}")
            continue
        quoted = "; ".join(f"“{excerpt(text, QUOTE_MAX)}”" for text in given.first[:QUOTED])
        more = f" and {given.answers - QUOTED} more" if given.answers > QUOTED else ""
        lines.append(f"{index + 1}. {question.text}: "
                     + (f"{quoted}{more}" if given.answers else "no answers"))
    lines.append(f"Thread replies: {collected.tally.thread_replies}")
    return lines


def choice_charts(collected: Collected) -> list[Chart]:
    """A bar per option of each choice question that may be shown (counts of answers)."""
    charts = []
    for index, line in enumerate(collected.campaign.questions):
        question = read_question(line)
        given = collected.tally.question(index)
        if not question.has_choices or not given.answers \
                or not _shown(collected, given.partners):
            continue
        charts.append(Chart(ChartKind.BARS, f"{index + 1}. {question.text}",
                            tuple(question.label(option) for option in question.options),
                            (Series("answers", tuple(float(given.choices.get(option, 0))
                                                     for option in question.options)),)))
    return charts


def topics(texts: Sequence[str], shown: int = TOPICS_SHOWN) -> list[tuple[str, int]]:
    """The most frequent meaningful words and two-word phrases (stop words removed), said
    at least twice; a phrase counts before the words inside it. Each text counts a word or
    a phrase once. (Set operations and one count at the end: no Python call per word.)"""
    said_words: list[str] = []
    said_phrases: list[str] = []
    for text in texts:
        # Every word stays in place, so a stop word between two words keeps them apart.
        tokens = WORD.findall(text.lower())
        # A word worth counting: two letters at least ("AI", "EU"), not a stop word or a
        # number.
        meaningful = {token for token in set(tokens) - STOP_WORDS
                      if len(token) >= 2 and not token.isdigit()}
        said_words.extend(meaningful)
        said_phrases.extend({f"{first} {second}" for first, second in pairwise(tokens)
                             if first in meaningful and second in meaningful})
    frequent = [(phrase, count) for phrase, count in Counter(said_phrases).items()
                if count >= 2]
    inside = {word for phrase, _ in frequent for word in phrase.split()}
    frequent += [(word, count) for word, count in Counter(said_words).items()
                 if count >= 2 and word not in inside]
    return sorted(frequent, key=lambda item: (-item[1], -len(item[0].split()), item[0]))[:shown]


def topics_heading(tally: Tally) -> str:
    """Says where the topics come from when they were counted in the latest texts only."""
    if tally.texts_total <= len(tally.texts):
        return "**Most requested topics**"
    return (f"**Most requested topics** (from the latest {len(tally.texts):,} of "
            f"{tally.texts_total:,} answers in partners' own words)")


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
    found = topics(collected.tally.texts)
    blocks.append(Text(topics_heading(collected.tally) + "\n" + ("\n".join(
        f"- {topic} ({count})" for topic, count in found) or "- none said twice yet"),
        markup=True))
    internal = collected.tally.internal
    if internal:
        blocks.append(Context(f"{internal} answer{'' if internal == 1 else 's'} from our own "
                              "people, kept apart and not counted above."))
    return Card(summary=head, title=f"📊 {campaign.short_id}: {campaign.title}",
                blocks=(Fields(tuple(rows)), *blocks))
