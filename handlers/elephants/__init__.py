"""Elephant reports (`/elephant`)."""

from handlers.elephants.reports import FEATURE

__all__ = ["FEATURE"]
