"""The read-only dashboard over HTTP: server-rendered pages, no JavaScript."""

from bot.platforms.web.site import DashboardSite

__all__ = ["DashboardSite"]
