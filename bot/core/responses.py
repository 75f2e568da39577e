"""What a handler asks the platform to do in answer to the person who asked."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.cards import Content
from bot.core.forms import Form


@dataclass(frozen=True)
class Reply:
    """A message to the person who asked; private unless `private` is False."""

    content: Content
    private: bool = True


@dataclass(frozen=True)
class OpenForm:
    form: Form


Response = Reply | OpenForm | None
