"""The one list of features. A new feature is a new package plus one line here."""

from __future__ import annotations

from bot.core.commands import Registry
from handlers import admin, cadences, elephants, feedback, insight, partners
from handlers.common import help, home, partner_menu


def build_registry() -> Registry:
    registry = Registry()
    # Admin shows and sets the channels every feature declares, so it reads them late.
    registry.add(admin.build(lambda: registry.settings, lambda: registry.exporters))
    # In this order in help and in each person's home: what waits for them first.
    registry.add(cadences.FEATURE)
    registry.add(partners.FEATURE)
    registry.add(elephants.FEATURE)
    registry.add(feedback.FEATURE)
    registry.add(partner_menu.FEATURE)
    # Observers' digests read every feature's digest sections: after them all.
    registry.add(insight.build(registry))
    registry.add(home.build(registry))
    registry.add(help.build(registry))
    return registry
