"""The partner list as a form menu: its options, and the search that answers a menu too long
to send whole (Slack asks it as the person types). Shared by every form that names partners."""

from __future__ import annotations

from enum import StrEnum

from bot.core.commands import Feature
from bot.core.forms import Option
from bot.core.responses import Choices, Response
from handlers.common.context import ActionContext, Services
from storage.common.models import Role, Workspace
from storage.common.names import name_key
from storage.partners import repository as partners

SEARCH_RESULTS_MAX = 100  # what a platform's menu shows at once


class PartnerMenuAction(StrEnum):
    """Not a button: a partner menu asks it for the names matching what is typed."""

    FIND = "partnerops.partners.find"


async def partner_options(services: Services, workspace: Workspace) -> tuple[Option, ...]:
    """The workspace's partners (not archived) as options, by id."""
    async with services.db.session() as session:
        found = await partners.all_partners(session, workspace.id or 0)
    return tuple(Option(str(partner.id), partner.name) for partner in found)


async def find_partners(ctx: ActionContext) -> Response:
    """The partners whose name holds what was typed (names starting with it first); nothing
    for a partner contact, who sees no list."""
    if ctx.person.role is Role.PARTNER_CONTACT or ctx.person.is_external:
        return Choices(())
    typed = name_key(ctx.action.value)
    matching = [option for option in await partner_options(ctx.services, ctx.workspace)
                if typed in name_key(option.label)]
    matching.sort(key=lambda option: not name_key(option.label).startswith(typed))
    return Choices(tuple(matching[:SEARCH_RESULTS_MAX]))


FEATURE = Feature(name="partner-menu", actions=((PartnerMenuAction.FIND, find_partners),))
