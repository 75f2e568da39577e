"""Small pieces of English the bot's messages share."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """"1 question", "3 questions", "0 people" (with `plural` for irregular nouns)."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
