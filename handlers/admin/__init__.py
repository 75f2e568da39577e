"""Admin: workspace settings and who you are to the bot (`/partnerops`)."""

from handlers.admin.commands import FEATURE

__all__ = ["FEATURE"]
