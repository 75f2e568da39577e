"""Charts as neutral data: what a handler wants drawn, and the numbers themselves as text
(the alternative a screen reader and the console read). Only the renderer
(bot/charting/) knows how to draw one."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ChartKind(StrEnum):
    BARS = "bars"  # one bar per category and series, side by side
    STACKED = "stacked"  # the series stacked in one bar per category
    LINE = "line"  # a line per series over the categories (weeks)
    STRIP = "strip"  # one coloured cell per category (a health strip)


# Categories a chart shows at most: more would not read in a 640 px picture.
CATEGORIES_SHOWN = 25


class Tone(StrEnum):
    """A colour with a meaning, so a renderer picks the same one everywhere."""

    GOOD = "good"  # met, answered, green
    WARN = "warn"  # amber, skipped
    BAD = "bad"  # missed, red
    NEUTRAL = "neutral"  # open, out
    NONE = "none"  # nothing (no answer, no data)
    ACCENT = "accent"  # a plain count


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]
    tone: Tone = Tone.ACCENT


@dataclass(frozen=True)
class Chart:
    """`series` values run over `categories`, one value per category each. A STRIP has one
    series whose tones (`tones`, one per category) are the picture."""

    kind: ChartKind
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""
    tones: tuple[Tone, ...] = ()

    def __post_init__(self) -> None:
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(f"series {series.name!r} has {len(series.values)} values "
                                 f"for {len(self.categories)} categories")
        if self.tones and len(self.tones) != len(self.categories):
            raise ValueError("a strip has one tone per category")

    def text(self) -> str:
        """The numbers, a line per category: the chart for whoever cannot see it."""
        lines = [self.title]
        for index, category in enumerate(self.categories):
            if self.kind is ChartKind.STRIP and self.tones:
                lines.append(f"- {category}: {self.tones[index].value}")
                continue
            values = ", ".join(f"{series.name} {_number(series.values[index])}{self.unit}"
                               for series in self.series)
            lines.append(f"- {category}: {values}")
        return "\n".join(lines)

    @property
    def empty(self) -> bool:
        return not self.categories

    def first(self, count: int) -> Chart:
        """Its first `count` categories, titled so (a chart of hundreds reads as nothing)."""
        if len(self.categories) <= count:
            return self
        return Chart(self.kind, f"{self.title} (the first {count} of {len(self.categories)})",
                     self.categories[:count],
                     tuple(Series(series.name, series.values[:count], series.tone)
                           for series in self.series),
                     self.unit, self.tones[:count])


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
