"""Partners (`/partner`): the list, contacts, leads and each partner's card."""

from handlers.partners.commands import FEATURE

__all__ = ["FEATURE"]
