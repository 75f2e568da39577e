"""A dashboard page as each feature sees it: who is looking and how they sorted it. Each
feature's `Feature.pages` take this and return the page's parts."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.pages import Viewer
from handlers.common.context import Services
from storage.common.models import Person, Workspace


@dataclass(frozen=True)
class PageContext:
    services: Services
    workspace: Workspace
    person: Person
    viewer: Viewer
    sort: str = ""
