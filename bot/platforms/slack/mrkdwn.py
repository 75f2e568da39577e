"""Text for Slack's mrkdwn: escape what people wrote, translate our light markup."""

from __future__ import annotations

import re

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
# Matches <#C123|name>, <#C123>, <@U123|name>, <@U123> as Slack sends them in command text.
CHANNEL_MENTION = re.compile(r"<#([CGD][A-Z0-9]+)(?:\|([^>]*))?>")
USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")


def escape(text: str) -> str:
    """Make text literal: no links, mentions or @channel pings can be smuggled in."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def from_markup(text: str) -> str:
    """Our CommonMark-ish `**bold**` becomes Slack's `*bold*`; everything else is escaped."""
    return _BOLD.sub(r"*\1*", escape(text))


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def chunks(text: str, limit: int) -> list[str]:
    """Split text into pieces under `limit`, preferring line then word boundaries."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut <= 0:
            cut = text.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n ")
    if text or not pieces:
        pieces.append(text)
    return pieces
