"""Topics: meaningful words and two-word phrases said in at least two answers, a phrase
before the words inside it; each answer counts a word once; a quote or a dash after a word
is not part of it; stop words and numbers are never topics."""

from __future__ import annotations

from handlers.feedback.summary import topics


def test_phrases_words_and_what_is_never_a_topic():
    said = ["Hands-on labs, hands-on labs!", "More hands-on labs please", "Labs and AI",
            "AI roadmap", "the roadmap - 2026 2026", "C++ SDK's docs'", "c++ sdk's docs-"]
    assert topics(said) == [("c++ sdk's", 2), ("hands-on labs", 2), ("sdk's docs", 2),
                            ("ai", 2), ("roadmap", 2)]  # "labs" is inside a phrase
    assert topics(said, shown=2) == [("c++ sdk's", 2), ("hands-on labs", 2)]
    assert topics(["labs and pricing", "labs, pricing"]) == [("labs", 2), ("pricing", 2)]
    assert topics(["The 2026 plan", "the 2026 plan!"]) == [("plan", 2)]
    assert topics([]) == []
