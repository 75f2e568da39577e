"""What a handler asks the platform to do in answer to the person who asked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.core.cards import Content
from bot.core.forms import Form, Option


@dataclass(frozen=True)
class Reply:
    """A message to the person who asked; private unless `private` is False.

    `field_errors` (form field id -> message) lets a platform that can, show the problem
    beside the field, in the still-open form.
    """

    content: Content
    private: bool = True
    field_errors: Mapping[str, str] = field(default_factory=dict)
    # The form again, filled in with what was typed and `field_errors` beside its fields,
    # for platforms whose forms close on submit (Teams cards, the console).
    form: Form | None = None
    # Said in the submitted form itself where the platform can (Slack: the modal turns into
    # this answer) rather than by a message addressed to the person: an anonymous report's
    # confirmation names nobody in any call the bot makes.
    in_form: bool = False


@dataclass(frozen=True)
class OpenForm:
    form: Form


@dataclass(frozen=True)
class Choices:
    """The options of a long menu matching what a person typed into it (a form field's
    `search`): Slack asks as they type."""

    options: tuple[Option, ...]


Response = Reply | OpenForm | Choices | None
