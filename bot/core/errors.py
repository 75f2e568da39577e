"""Errors a user can act on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.forms import Form


class UserError(Exception):
    """Bad input or a denied request: shown privately, with an example, and nothing changes."""

    def __init__(self, message: str, *, example: str | None = None,
                 field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.example = example
        self.field = field

    def as_text(self) -> str:
        if self.example:
            return f"{self.message}\nExample: `{self.example}`"
        return self.message


class FormErrors(UserError):
    """Every bad field of a submitted form at once (field id -> message), and the form to
    show again, filled in with what was typed, where a platform cannot keep it open."""

    def __init__(self, problems: Mapping[str, str], *, form: Form | None = None) -> None:
        listing = "\n".join(f"- {message}" for message in problems.values())
        super().__init__(f"Please fix {'this' if len(problems) == 1 else 'these'}; "
                         f"nothing was saved:\n{listing}")
        self.problems = dict(problems)
        self.form = form


class DeliveryError(Exception):
    """A message could not be delivered after the platform's retries."""


class Undeliverable(DeliveryError):
    """The person cannot be reached there at all (a Teams user without the app): trying
    again will not help, so nothing tries again."""
