"""Cards to Block Kit, through slack_sdk's typed models, within Block Kit's limits."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.core import cards
from bot.core.cards import ButtonStyle, Card, Content, as_card
from bot.platforms.slack.mrkdwn import chunks, clip, escape, from_markup

SECTION_TEXT_MAX = 3000
HEADER_MAX = 150
FIELDS_PER_SECTION = 10
FIELD_TEXT_MAX = 2000
BUTTONS_PER_BLOCK = 25
BUTTON_TEXT_MAX = 75
BLOCKS_PER_MESSAGE = 50
FALLBACK_TEXT_MAX = 3000


def _text_blocks(block: cards.Text) -> list[Block]:
    if block.markup:
        return [SectionBlock(text=MarkdownTextObject(text=piece))
                for piece in chunks(from_markup(block.body), SECTION_TEXT_MAX)]
    return [SectionBlock(text=PlainTextObject(text=piece, emoji=True))
            for piece in chunks(block.body, SECTION_TEXT_MAX)]


def _fields_blocks(block: cards.Fields) -> list[Block]:
    texts = [MarkdownTextObject(text=clip(f"*{escape(label)}*\n{escape(value) or '—'}",
                                           FIELD_TEXT_MAX))
             for label, value in block.items]
    return [SectionBlock(fields=texts[start:start + FIELDS_PER_SECTION])
            for start in range(0, len(texts), FIELDS_PER_SECTION)]


def _actions_blocks(block: cards.Actions) -> list[Block]:
    buttons = [
        ButtonElement(
            text=clip(button.label, BUTTON_TEXT_MAX),
            action_id=str(button.action),
            value=button.value or None,
            style=None if button.style is ButtonStyle.DEFAULT else button.style.value,
        )
        for button in block.buttons
    ]
    return [ActionsBlock(elements=buttons[start:start + BUTTONS_PER_BLOCK])
            for start in range(0, len(buttons), BUTTONS_PER_BLOCK)]


def _blocks_of(block: cards.Block) -> list[Block]:
    match block:
        case cards.Text():
            return _text_blocks(block)
        case cards.Fields():
            return _fields_blocks(block) if block.items else []
        case cards.Actions():
            return _actions_blocks(block) if block.buttons else []
        case cards.Context(body=body):
            return [ContextBlock(elements=[MarkdownTextObject(text=clip(from_markup(body),
                                                                         SECTION_TEXT_MAX))])]
        case cards.Divider():
            return [DividerBlock()]
        case cards.Picture(chart=chart):
            # The numbers in the message; the outbox uploads the drawing beside it.
            return _text_blocks(cards.Text(chart.text()))
    raise TypeError(f"cannot render {block!r}")


def card_blocks(card: Card) -> list[Block]:
    """The card as Block Kit blocks; a card too long for one message is cut with a note."""
    blocks: list[Block] = []
    if card.title:
        blocks.append(HeaderBlock(text=PlainTextObject(text=clip(card.title, HEADER_MAX),
                                                       emoji=True)))
    for block in card.blocks:
        blocks.extend(_blocks_of(block))
    if len(blocks) > BLOCKS_PER_MESSAGE:
        hidden = len(blocks) - (BLOCKS_PER_MESSAGE - 1)
        blocks = blocks[: BLOCKS_PER_MESSAGE - 1]
        blocks.append(ContextBlock(elements=[MarkdownTextObject(
            text=f"…and {hidden} more blocks; export the full data with `partnerops export`.")]))
    return blocks


HOME_BLOCKS_MAX = 100


def message_payload(content: Content) -> dict[str, Any]:
    """chat.postMessage / chat.update / respond() arguments: blocks plus fallback text."""
    text, blocks = _rendered(as_card(content))
    return {"text": text, "blocks": list(blocks)}


@lru_cache(maxsize=512)
def _rendered(card: Card) -> tuple[str, tuple[dict[str, Any], ...]]:
    """Rendering through slack_sdk's models is slow; a fan-out sends one card many times.

    The block dicts are shared between calls: nothing may change them (slack_sdk copies
    what it sends).
    """
    blocks = tuple(block.to_dict() for block in card_blocks(card))
    return clip(from_markup(card.summary), FALLBACK_TEXT_MAX), blocks


def answer_view(title: str, content: Content) -> dict[str, Any]:
    """A modal showing an answer in place of the form it answers (response_action update)."""
    return {"type": "modal", "title": {"type": "plain_text", "text": clip(title, 24)},
            "close": {"type": "plain_text", "text": "Close"},
            "blocks": list(_rendered(as_card(content))[1])[:HOME_BLOCKS_MAX]}


def home_view(content: Content) -> dict[str, Any]:
    """A Home tab (views.publish) showing a card; Slack allows 100 blocks in it."""
    return {"type": "home", "blocks": list(_rendered(as_card(content))[1])[:HOME_BLOCKS_MAX]}
