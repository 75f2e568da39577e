"""Charts are data with their numbers as text, drawn to PNG by the one renderer; nothing
else pays for the charting library."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
from collections import Counter

import pytest

from bot.charting.png import TONE_COLOURS, render_png
from bot.core.charts import Chart, ChartKind, Series, Tone

RATES = Chart(ChartKind.BARS, "Response rate by tier", ("Gold", "Silver"),
              (Series("answered", (2, 1), Tone.GOOD), Series("asked", (3, 2), Tone.NEUTRAL)))


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("chart", [
    RATES,
    Chart(ChartKind.STACKED, "Objectives", ("Northwind", "Contoso"),
          (Series("met", (2, 0), Tone.GOOD), Series("missed", (1, 1), Tone.BAD))),
    Chart(ChartKind.LINE, "Open elephants", ("W1", "W2", "W3"),
          (Series("open", (3, 4, 2)),), unit=" h"),
    Chart(ChartKind.STRIP, "Health", ("1", "2", "3"), (Series("health", (1, 1, 1)),),
          tones=(Tone.GOOD, Tone.WARN, Tone.BAD)),
], ids=lambda chart: chart.kind.value)
def test_every_kind_draws_a_png_with_a_size(chart: Chart):
    assert _png_size(render_png(chart)) == (640, 320)


def test_the_text_alternative_holds_every_number():
    assert RATES.text() == ("Response rate by tier\n- Gold: answered 2, asked 3\n"
                            "- Silver: answered 1, asked 2")
    strip = Chart(ChartKind.STRIP, "Health", ("23 Nov", "30 Nov"), (Series("h", (1, 1)),),
                  tones=(Tone.GOOD, Tone.BAD))
    assert strip.text() == "Health\n- 23 Nov: good\n- 30 Nov: bad"


def test_a_series_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="2 values for 3 categories"):
        Chart(ChartKind.BARS, "x", ("a", "b", "c"), (Series("s", (1, 2)),))


def test_the_bot_starts_without_importing_the_charting_library():
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, bot.app, bot.web, bot.charting.png; "
                               "print('matplotlib' in sys.modules)"],
        capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "False"


def test_a_health_strip_decodes_with_one_colour_per_check_in():
    from PIL import Image  # matplotlib's own dependency

    strip = Chart(ChartKind.STRIP, "Health", ("1", "2", "3", "4"), (Series("h", (1,) * 4),),
                  tones=(Tone.GOOD, Tone.GOOD, Tone.WARN, Tone.BAD))
    image = Image.open(io.BytesIO(render_png(strip))).convert("RGB")
    assert image.size == (640, 320)
    counts = Counter(image.get_flattened_data())

    def pixels(tone: Tone) -> int:
        colour = TONE_COLOURS[tone].lstrip("#")
        return counts[tuple(int(colour[i:i + 2], 16) for i in (0, 2, 4))]

    good, amber, red = pixels(Tone.GOOD), pixels(Tone.WARN), pixels(Tone.BAD)
    assert amber > 5000 and red > 5000  # a cell each, filled
    assert 1.8 < good / amber < 2.2  # two cells green
    assert pixels(Tone.ACCENT) == 0 and pixels(Tone.NONE) < 50  # (edges blend to greys)


@pytest.mark.parametrize("typed", ["A$ 50% $off", "Rebate 5% in $ or 3% in $?", "$$ Money",
                                   "MDF: $5k or $10k?", r"\frac{1}{2} $x^2$"])
def test_what_people_typed_is_drawn_as_typed_never_as_tex(typed: str):
    chart = Chart(ChartKind.STACKED, typed, (typed, "b"),
                  (Series(typed, (1, 0), Tone.GOOD), Series("x", (0, 1))))
    assert _png_size(render_png(chart)) == (640, 320)


def test_a_chart_of_hundreds_shows_its_first_and_says_so():
    names = tuple(f"P{n}" for n in range(300))
    chart = Chart(ChartKind.STACKED, "Objectives by partner", names,
                  (Series("met", tuple(float(n % 3) for n in range(300)), Tone.GOOD),))
    shown = chart.first(25)
    assert shown.title == "Objectives by partner (the first 25 of 300)"
    assert shown.categories == names[:25] and len(shown.series[0].values) == 25
    assert chart.first(300) is chart
