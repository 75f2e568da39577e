"""Elephant reports (`/elephant`)."""

from handlers.elephants.commands import FEATURE

__all__ = ["FEATURE"]
