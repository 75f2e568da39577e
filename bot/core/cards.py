"""Messages as data: a Card is made of blocks that every platform renders its own way."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.core.charts import Chart
from bot.core.ids import ActionId


class ButtonStyle(StrEnum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True)
class Text:
    """A paragraph. `markup` allows **bold**, _italic_, `code` and `- ` bullets; else literal."""

    body: str
    markup: bool = False


@dataclass(frozen=True)
class Fields:
    """Label/value pairs, shown side by side where the platform can."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Button:
    label: str
    action: ActionId
    value: str = ""
    style: ButtonStyle = ButtonStyle.DEFAULT


@dataclass(frozen=True)
class Actions:
    buttons: tuple[Button, ...]


@dataclass(frozen=True)
class Context:
    """Small print under a message (who, when, ids)."""

    body: str


@dataclass(frozen=True)
class Divider:
    pass


@dataclass(frozen=True)
class Picture:
    """A chart: drawn where the platform shows images, its numbers as text everywhere."""

    chart: Chart


Block = Text | Fields | Actions | Context | Divider | Picture


@dataclass(frozen=True)
class Card:
    """A message. `summary` is the one-line text for notifications and screen readers."""

    summary: str
    title: str | None = None
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    def plain_text(self) -> str:
        """The whole card as readable plain text (console, logs of what was sent, fallbacks)."""
        lines: list[str] = [self.title] if self.title else []
        for block in self.blocks:
            match block:
                case Text(body=body):
                    lines.append(body)
                case Fields(items=items):
                    lines.extend(f"{label_text(label)} {value}" for label, value in items)
                case Actions(buttons=buttons):
                    lines.append("  ".join(f"[{button.label}]" for button in buttons))
                case Context(body=body):
                    lines.append(body)
                case Divider():
                    lines.append("---")
                case Picture(chart=chart):
                    lines.append(chart.text())
        return "\n".join(lines) if lines else self.summary

    @property
    def charts(self) -> tuple[Chart, ...]:
        return tuple(block.chart for block in self.blocks if isinstance(block, Picture))


Content = Card | str

# A label that ends in punctuation of its own ("Blocked?") takes no colon after it.
OWN_PUNCTUATION = ("?", ":", "!", ".")


def label_text(label: str) -> str:
    """`label` as it stands before its value: "Name:", but "Anything blocking you?"."""
    return label if label.endswith(OWN_PUNCTUATION) else f"{label}:"


def as_card(content: Content) -> Card:
    if isinstance(content, Card):
        return content
    return Card(summary=content, blocks=(Text(content, markup=True),))
