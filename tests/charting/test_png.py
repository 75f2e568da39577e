"""Charts are data with their numbers as text, drawn to PNG by the one renderer; nothing
else pays for the charting library."""

from __future__ import annotations

import struct
import subprocess
import sys

import pytest

from bot.charting.png import render_png
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
