"""Admin: workspace settings and who you are to the bot (`/partnerops`)."""

from handlers.admin.commands import build

__all__ = ["build"]
