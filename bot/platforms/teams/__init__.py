"""Microsoft Teams through the Bot Framework: the only package that imports botbuilder.

Importing this package loads nothing of botbuilder: `LazyTeams` stands in for the platform
until its first use, and the names below load their modules when first asked for."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from bot.platforms.teams.lazy import LazyTeams

_LOADED_ON_USE = {"RetryPolicy": "bot.platforms.teams.retry",
                  "TeamsOutbox": "bot.platforms.teams.outbox",
                  "TeamsPlatform": "bot.platforms.teams.platform"}

__all__ = ["LazyTeams", "RetryPolicy", "TeamsOutbox", "TeamsPlatform"]


def __getattr__(name: str) -> Any:
    if name in _LOADED_ON_USE:
        return getattr(import_module(_LOADED_ON_USE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
