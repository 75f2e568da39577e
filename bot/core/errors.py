"""Errors a user can act on."""

from __future__ import annotations


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


class DeliveryError(Exception):
    """A message could not be delivered after the platform's retries."""
