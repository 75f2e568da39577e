"""A Chart as a PNG, drawn with matplotlib's Agg backend (no display, no global pyplot
state: each chart is its own Figure). matplotlib is imported on the first chart, so idle
memory and start-up never pay for it."""

from __future__ import annotations

import asyncio
import io
from typing import Any

from bot.core.charts import Chart, ChartKind, Tone

WIDTH_INCHES, HEIGHT_INCHES, DPI = 6.4, 3.2, 100
TONE_COLOURS = {
    Tone.GOOD: "#2e7d32",
    Tone.WARN: "#f9a825",
    Tone.BAD: "#c62828",
    Tone.NEUTRAL: "#90a4ae",
    Tone.NONE: "#e0e0e0",
    Tone.ACCENT: "#1565c0",
}


def render_png(chart: Chart, size: tuple[float, float] = (WIDTH_INCHES, HEIGHT_INCHES),
               dpi: int = DPI) -> bytes:
    """The chart drawn, as PNG bytes (`size` in inches at `dpi`)."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # Names and questions are people's text: "$5k or $10k" is money, never TeX math.
    with rc_context({"text.parse_math": False, "text.usetex": False}):
        figure = Figure(figsize=size, dpi=dpi)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        _draw(axes, chart)
        axes.set_title(chart.title, fontsize=11)
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png")
    return out.getvalue()


def _draw(axes: Any, chart: Chart) -> None:
    positions = list(range(len(chart.categories)))
    match chart.kind:
        case ChartKind.STRIP:
            colours = [TONE_COLOURS[tone] for tone in chart.tones]
            axes.bar(positions, [1] * len(positions), color=colours, width=0.9)
            axes.set_yticks([])
        case ChartKind.LINE:
            for series in chart.series:
                axes.plot(positions, series.values, marker="o", label=series.name,
                          color=TONE_COLOURS[series.tone])
        case ChartKind.STACKED:
            bottoms = [0.0] * len(positions)
            for series in chart.series:
                axes.bar(positions, series.values, bottom=bottoms, label=series.name,
                         color=TONE_COLOURS[series.tone])
                bottoms = [low + value for low, value in zip(bottoms, series.values,
                                                              strict=True)]
        case ChartKind.BARS:
            width = 0.8 / max(len(chart.series), 1)
            for index, series in enumerate(chart.series):
                axes.bar([place + index * width for place in positions], series.values,
                         width=width, label=series.name, color=TONE_COLOURS[series.tone])
    axes.set_xticks(positions, chart.categories, rotation=30 if len(positions) > 6 else 0,
                    ha="right" if len(positions) > 6 else "center", fontsize=8)
    if chart.unit and chart.kind is not ChartKind.STRIP:
        axes.set_ylabel(chart.unit.strip())
    if chart.kind is not ChartKind.STRIP:
        from matplotlib.ticker import MaxNLocator

        axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: 0, 1, 2, never 0.2
        high = axes.get_ylim()[1]
        axes.set_ylim(0, high * 1.25 if high > 0 else 1)  # headroom for the legend
    if len(chart.series) > 1:
        _legend(axes, chart)


def _legend(axes: Any, chart: Chart) -> None:
    """One swatch per series in its tone (a series of zeros still has its swatch)."""
    if chart.kind is ChartKind.LINE:
        axes.legend(fontsize=8, frameon=False)
        return
    from matplotlib.patches import Patch

    axes.legend(handles=[Patch(color=TONE_COLOURS[series.tone], label=series.name)
                         for series in chart.series], fontsize=8, frameon=False,
                ncols=len(chart.series), loc="upper right")


async def drawn(chart: Chart, size: tuple[float, float] = (WIDTH_INCHES, HEIGHT_INCHES),
                dpi: int = DPI) -> bytes:
    """`render_png` off the event loop: drawing takes milliseconds, importing much longer."""
    return await asyncio.to_thread(render_png, chart, size, dpi)
