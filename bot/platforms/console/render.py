"""Cards as console text: a title, paragraphs, aligned fields, numbered buttons, small print."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.cards import (
    Actions,
    Button,
    Card,
    Context,
    Divider,
    Fields,
    Picture,
    Text,
    label_text,
)

BOLD = re.compile(r"\*\*(.+?)\*\*")
ITALIC = re.compile(r"(?<![\w_])_(?!_)(.+?)(?<!_)_(?![\w_])")
CODE_SPAN = re.compile(r"(`[^`]*`)")
# Labels longer than this put their value on the next line instead of widening every row.
LABEL_WIDTH_CAP = 28
RULE = "─" * 32
INDENT = "  "


@dataclass(frozen=True)
class Style:
    """ANSI emphasis when writing to a terminal; plain words otherwise."""

    color: bool = False

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and text else text

    def bold(self, text: str) -> str:
        """Text in bold (terminal only)."""
        return self._wrap("1", text)

    def italic(self, text: str) -> str:
        """Text in italics (terminal only)."""
        return self._wrap("3", text)

    def dim(self, text: str) -> str:
        """Text dimmed (terminal only)."""
        return self._wrap("2", text)


PLAIN = Style()


def inline(text: str, style: Style = PLAIN) -> str:
    """Translate **bold** and _italic_ into emphasis (or plain words); `code` stays as typed."""
    parts = CODE_SPAN.split(text)
    for index in range(0, len(parts), 2):  # even parts lie outside code spans
        part = BOLD.sub(lambda match: style.bold(match.group(1)), parts[index])
        parts[index] = ITALIC.sub(lambda match: style.italic(match.group(1)), part)
    return "".join(parts)


def buttons(card: Card) -> tuple[Button, ...]:
    """Every button on the card, in the order `:press N` numbers them."""
    return tuple(button for block in card.blocks if isinstance(block, Actions)
                 for button in block.buttons)


def field_lines(items: Iterable[tuple[str, str]], style: Style = PLAIN) -> list[str]:
    """`Label: value` rows with the values aligned in one column."""
    items = list(items)
    width = max((len(label) for label, _ in items if len(label) <= LABEL_WIDTH_CAP),
                default=0) + 1
    lines: list[str] = []
    for label, value in items:
        values = [inline(line, style) for line in value.splitlines()] or [""]
        if len(label) > LABEL_WIDTH_CAP:
            lines.append(style.bold(label_text(label)))
            lines.extend(INDENT * 2 + line for line in values)
            continue
        lines.append(f"{style.bold(label_text(label).ljust(width))} {values[0]}".rstrip())
        lines.extend(" " * (width + 1) + line for line in values[1:])
    return lines


def button_line(row: Iterable[Button], first_number: int) -> str:
    """`[Label] (:press N)` for each button of a row."""
    return "   ".join(f"[{button.label}] (:press {number})"
                      for number, button in enumerate(row, start=first_number))


def card_lines(card: Card, style: Style = PLAIN) -> list[str]:
    """The card as lines of text, not yet indented under a sender."""
    lines: list[str] = [style.bold(card.title)] if card.title else []
    pressed = 0
    for block in card.blocks:
        match block:
            case Text(body=body, markup=markup):
                lines.extend(inline(line, style) if markup else line
                             for line in body.splitlines())
            case Fields(items=items):
                lines.extend(field_lines(items, style))
            case Actions(buttons=row):
                lines.append(button_line(row, pressed + 1))
                pressed += len(row)
            case Context(body=body):
                lines.extend(style.dim(INDENT + inline(line, style))
                             for line in body.splitlines())
            case Divider():
                lines.append(style.dim(RULE))
            case Picture(chart=chart):
                lines.extend(chart.text().splitlines())
    return lines or [card.summary]


def message_lines(header: str, card: Card, style: Style = PLAIN, suffix: str = "") -> list[str]:
    """A chat message: `header first-line suffix`, the rest indented under it."""
    first, *rest = card_lines(card, style)
    return [f"{header} {first}{suffix}".rstrip(), *((INDENT + line).rstrip() for line in rest)]
