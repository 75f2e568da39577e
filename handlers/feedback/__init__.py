"""Feedback campaigns (`/feedback`)."""

from handlers.feedback.commands import FEATURE

__all__ = ["FEATURE"]
