"""Open elephants that look like a new report: they share meaningful words in the title or
description. Shown before filing, so a reporter can say "I see it too" instead."""

from __future__ import annotations

import re
from collections.abc import Sequence

from storage.elephants.models import Elephant

# Words that say nothing about which elephant it is.
_ENGLISH = """
a about after again all also always an and any are as at be because been before being but
by can could did do does doing don't down each even every for from get gets getting got had
has have having he her here him his how i if in into is it its just keep keeps kept know
like make makes many me more most much my never no not now of off on once one only or other
our out over own same she should so some still such than that the their them then there
these they this those through to too under until up us very was we were what when where
which while who why will with without would you your
"""
# Words nearly every report of this kind uses: sharing them says little.
_EVERY_REPORT = "partner sales deal team direct customer vendor people week time"
STOPWORDS = frozenset(_ENGLISH.split()) | frozenset(_EVERY_REPORT.split())
WORD = re.compile(r"[a-z0-9][a-z0-9'/-]*")
MIN_WORD = 3
SHOWN = 3


def meaningful_words(text: str) -> set[str]:
    """The words that name the friction: lower case, no stopwords, a plural's -s dropped."""
    words = set()
    for word in WORD.findall(text.lower()):
        word = word.strip("'/-")
        if len(word) < MIN_WORD or word in STOPWORDS:
            continue
        words.add(word[:-1] if len(word) > 4 and word.endswith("s")
                  and not word.endswith("ss") else word)
    return words


def _score(title: set[str], everything: set[str], elephant: Elephant) -> int:
    """How alike: words shared with the other's title count twice, its description once;
    0 unless at least two meaningful words are shared."""
    theirs_title = meaningful_words(elephant.title)
    theirs = theirs_title | meaningful_words(elephant.description[:3000])
    shared = everything & theirs
    if len(shared) < 2:
        return 0
    return 2 * len((title | everything) & theirs_title) + len(shared)


def similar_to(title: str, description: str, open_ones: Sequence[Elephant]
               ) -> list[Elephant]:
    """The open elephants most like the new report (at most three, most alike first)."""
    mine_title = meaningful_words(title)
    mine = mine_title | meaningful_words(description[:3000])
    scored = [(score, elephant) for elephant in open_ones
              if (score := _score(mine_title, mine, elephant)) > 0]
    scored.sort(key=lambda pair: (-pair[0], pair[1].number))
    return [elephant for _, elephant in scored[:SHOWN]]
