"""How the names people give things (cadences, partners) compare."""

from __future__ import annotations

# Typographic quotes compare as straight ones: Slack's clients turn " into “ ” as people type.
STRAIGHT_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'",
                                 "\u2019": "'"})


def name_key(name: str) -> str:
    """How names compare: whatever the case, the spacing or the kind of quotes."""
    return " ".join(name.translate(STRAIGHT_QUOTES).split()).casefold()
