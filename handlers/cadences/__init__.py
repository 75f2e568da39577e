"""The routine cadence: standups, partner check-ins and objective reviews."""

from handlers.cadences.commands import FEATURE

__all__ = ["FEATURE"]
