"""The one list of features. A new feature is a new module plus one line here."""

from __future__ import annotations

from bot.core.commands import Registry
from handlers import admin, cadence_command, checkin, elephants, help, standup


def build_registry() -> Registry:
    registry = Registry((
        admin.FEATURE,
        elephants.FEATURE,
        standup.FEATURE,
        checkin.FEATURE,
        cadence_command.FLOWS,
    ))
    registry.add(help.build(registry))
    return registry
