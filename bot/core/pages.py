"""The read-only dashboard as data: pages that features contribute (blocks, plus tables that
only a page has), who is looking, and the port the web server asks for them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any, Protocol

from bot.core.cards import Block


class PageAudience(StrEnum):
    TEAM = "team"  # admins and members: the vendor's own view
    PARTNER = "partner"  # a partner contact: their own partner's shared view only


class ViewerKind(StrEnum):
    ADMIN = "admin"
    MEMBER = "member"
    PARTNER_CONTACT = "partner_contact"

    @property
    def audience(self) -> PageAudience:
        return PageAudience.PARTNER if self is ViewerKind.PARTNER_CONTACT else PageAudience.TEAM


@dataclass(frozen=True)
class Viewer:
    """Who a dashboard session is for, as the database says now (a role taken away ends
    what they can open at once)."""

    workspace_id: int
    person_id: int
    name: str
    kind: ViewerKind


@dataclass(frozen=True)
class Column:
    label: str
    key: str
    sortable: bool = True


@dataclass(frozen=True)
class Row:
    """Cells as shown, and per column the value it sorts by (numbers sort as numbers)."""

    cells: tuple[str, ...]
    order: tuple[str | float, ...]


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    def sorted_by(self, key: str) -> Table:
        """Sorted by the column `key` names ("-key": descending); unknown keys change
        nothing, so a hand-edited address never fails."""
        descending = key.startswith("-")
        name = key.lstrip("-")
        place = next((index for index, column in enumerate(self.columns)
                      if column.key == name and column.sortable), None)
        if place is None:
            return self

        def order(row: Row) -> tuple[int, Any]:
            value = row.order[place]
            return (0, value) if isinstance(value, (int, float)) else (1, str(value).lower())

        return Table(self.columns, tuple(sorted(self.rows, key=order, reverse=descending)))


PagePart = Block | Table


@dataclass(frozen=True)
class PageSpec:
    """A page a feature adds: `build(page context)` returns its parts."""

    slug: str
    title: str
    build: Callable[[Any], Awaitable[tuple[PagePart, ...]]]
    audience: PageAudience = PageAudience.TEAM
    place: int = 50  # the menu's order, lowest first (then the registry's)


@dataclass(frozen=True)
class PageLink:
    slug: str
    title: str


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    parts: tuple[PagePart, ...]


# How long a dashboard session lasts after its link was used (unless signed out sooner).
SESSION_LASTS = timedelta(hours=8)


class DashboardSource(Protocol):
    """What the web server asks of the dashboard: sign-in, the viewer, their pages."""

    async def check_link(self, token: str) -> bool: ...

    async def spend_link(self, token: str) -> str | None:
        """Use the link once: the id of the session it starts (None: used, expired)."""
        ...

    async def viewer(self, session_id: str) -> Viewer | None:
        """Who a live session is for, as the database says now (None: ended, or no one)."""
        ...

    async def end_session(self, session_id: str) -> None: ...

    def pages(self, viewer: Viewer) -> tuple[PageLink, ...]: ...

    def every_slug(self) -> frozenset[str]: ...

    async def page(self, viewer: Viewer, slug: str, sort: str) -> Page | None: ...
