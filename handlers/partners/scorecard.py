"""A partner's scorecard for the vendor team, and the plain rule that classifies it.

The rule, in order (the first that holds decides):
- **new**: added less than 90 days ago, or too little history to judge (fewer than 2
  judged objectives and fewer than 3 health answers);
- **at risk**: 2 or more of the last 3 check-ins red, or at least 2 judged objectives in the
  last 4 quarters and none met;
- **innovator**: met at least half of its judged objectives (2 or more) and brought at
  least one won lead, and its latest health is not red;
- **steady order taker**: everything else.

"Judged" objectives are met, missed or overdue (open after their due date) in their period;
ones not yet due and dropped ones are not.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from bot.core.charts import Chart, ChartKind, Series, Tone
from bot.core.words import counted
from handlers.common.questions import HEALTH, QuestionType, read_question
from handlers.partners.review import (
    Period,
    quarter_of,
    share_text,
)

NEW_FOR = timedelta(days=90)
HEALTH_SHOWN = 8  # check-ins in the trend
QUARTERS = 4
HEALTH_DOTS = {"green": "🟢", "amber": "🟠", "red": "🔴"}


class PartnerClass(StrEnum):
    NEW = "new"
    AT_RISK = "at risk"
    INNOVATOR = "innovator"
    STEADY = "steady order taker"


@dataclass(frozen=True)
class Facts:
    """What the rule looks at, gathered from objectives, check-ins and leads."""

    age: timedelta
    health: list[str] = field(default_factory=list)  # oldest first: green / amber / red
    met: int = 0
    judged: int = 0
    won_leads: int = 0


def classify(facts: Facts) -> tuple[PartnerClass, str]:
    """The class and the facts that decided it, as the card says them."""
    last3 = facts.health[-3:]
    reds = last3.count("red")
    share = f"{facts.met} of {facts.judged} objectives met"
    if facts.age < NEW_FOR:
        return PartnerClass.NEW, f"added {facts.age.days} days ago"
    if facts.judged < 2 and len(facts.health) < 3:
        return PartnerClass.NEW, "too little history yet: " + \
            f"{facts.judged} judged objectives, {len(facts.health)} health answers"
    if reds >= 2:
        return PartnerClass.AT_RISK, f"{reds} of last {len(last3)} check-ins red, {share}"
    if facts.judged >= 2 and facts.met == 0:
        return PartnerClass.AT_RISK, f"{share} in the last {QUARTERS} quarters"
    latest_red = bool(facts.health) and facts.health[-1] == "red"
    if facts.judged >= 2 and 2 * facts.met >= facts.judged and facts.won_leads \
            and not latest_red:
        return PartnerClass.INNOVATOR, f"{share}, {counted(facts.won_leads, 'won lead')} of " \
                                       "its own"
    why = f"{share}, {counted(facts.won_leads, 'won lead')} of its own"
    return PartnerClass.STEADY, why


def health_values(answered: list[tuple[date, list[str], list[str]]]) -> list[str]:
    """The health answer of each check-in (its first health question), oldest first."""
    found = []
    for _, questions, answers in answered:
        for line, value in zip(questions, answers, strict=False):
            if read_question(line).type is QuestionType.HEALTH and value in HEALTH:
                found.append(value)
                break
    return found


def health_of(questions: tuple[str, ...], stored: str,
              places: dict[tuple[str, ...], tuple[int, ...]]) -> str | None:
    """One check-in's health by `health_values`' rule, from its answers' stored JSON."""
    # `places` keeps where each list of questions has its health questions: a thousand
    # partners' check-ins share a few lists, each read once.
    found = places.get(questions)
    if found is None:
        found = places[questions] = tuple(
            index for index, line in enumerate(questions)
            if read_question(line).type is QuestionType.HEALTH)
    if not found:
        return None
    answers = json.loads(stored)
    for index in found:
        if index < len(answers) and answers[index] in HEALTH:
            return str(answers[index])
    return None


def quarters_back(today: date) -> list[Period]:
    """This quarter and the three before it, oldest first."""
    periods = [quarter_of(today)]
    for _ in range(QUARTERS - 1):
        periods.insert(0, quarter_of(periods[0].first - timedelta(days=1)))
    return periods


@dataclass(frozen=True)
class QuarterScore:
    """A partner's objectives that count in a quarter: how many, judged, met."""

    period: Period
    counted: int = 0
    judged: int = 0
    met: int = 0


# Each of the last four quarters, oldest first.
Quarters = Sequence[QuarterScore]


def objective_rows(quarters: Quarters) -> tuple[str, int, int]:
    """("2026-Q1 —, ..., 2026-Q4 1/3 met (33%)", met, judged) over the last four quarters."""
    parts = [f"{quarter.period.label} {share_text(quarter.judged, quarter.met)}"
             if quarter.counted else f"{quarter.period.label} —" for quarter in quarters]
    return (" · ".join(parts), sum(quarter.met for quarter in quarters),
            sum(quarter.judged for quarter in quarters))


HEALTH_TONES = {"green": Tone.GOOD, "amber": Tone.WARN, "red": Tone.BAD}


def scorecard_charts(partner_name: str, health: list[str], counted: Quarters
                     ) -> tuple[Chart, ...]:
    """The health of the last check-ins as a strip, and objectives met per quarter."""
    charts: list[Chart] = []
    shown = health[-HEALTH_SHOWN:]
    if shown:
        charts.append(Chart(ChartKind.STRIP, f"{partner_name}: health, last check-ins",
                            tuple(str(number) for number in range(1, len(shown) + 1)),
                            (Series("health", tuple(1.0 for _ in shown)),),
                            tones=tuple(HEALTH_TONES[value] for value in shown)))
    quarters = [(quarter.period.label, quarter.met, quarter.judged) for quarter in counted]
    if any(judged for _, _, judged in quarters):
        charts.append(Chart(ChartKind.STACKED, f"{partner_name}: objectives met per quarter",
                            tuple(label for label, _, _ in quarters),
                            (Series("met", tuple(float(met) for _, met, _ in quarters),
                                    Tone.GOOD),
                             Series("not met", tuple(float(judged - met)
                                                     for _, met, judged in quarters),
                                    Tone.BAD))))
    return tuple(charts)


def health_trend(health: list[str]) -> str:
    if not health:
        return "no check-ins about it yet"
    shown = health[-HEALTH_SHOWN:]
    return "".join(HEALTH_DOTS[value] for value in shown) + f" (latest {shown[-1]})"
