"""The one list of features. A new feature is a new module plus one line here."""

from __future__ import annotations

from bot.core.commands import Registry
from handlers import admin, elephants, help


def build_registry() -> Registry:
    registry = Registry((
        admin.FEATURE,
        elephants.FEATURE,
    ))
    registry.add(help.build(registry))
    return registry
