"""An elephant's post in the elephants channel: its card as the report stands now, and the
post found again to update it or to write in its thread."""

from __future__ import annotations

import logging

from bot.core.cards import Card
from bot.core.conversation import ConversationKind, ConversationRef, MessageRef, Platform
from bot.core.errors import DeliveryError
from handlers.common.context import Services, conversation_in
from handlers.elephants.cards import elephant_card
from storage.common import people, settings
from storage.common.models import Workspace
from storage.elephants import repository as elephants
from storage.elephants.models import Elephant
from storage.partners import repository as partners

log = logging.getLogger(__name__)

VOTES_SETTING = "elephant-votes"  # {"named": true} while an admin has made votes named


async def card_of(services: Services, workspace: Workspace, elephant: Elephant) -> Card:
    reporter = partner = None
    async with services.db.session() as session:
        if elephant.reporter_id is not None and not elephant.anonymous:
            reporter = await people.get(session, elephant.reporter_id)
        if elephant.partner_id is not None:
            partner = await partners.get_in(session, workspace.id or 0, elephant.partner_id)
        owner = await people.get(session, elephant.owner_id) if elephant.owner_id else None
        herd = (await elephants.herds(session, [elephant.id or 0])).get(elephant.id or 0, 0)
    named = await votes_are_named(services, workspace)
    return elephant_card(elephant, reporter.display_name if reporter else None,
                         partner.name if partner else None,
                         owner.display_name if owner else None, herd, named_votes=named)


async def votes_are_named(services: Services, workspace: Workspace) -> bool:
    """Whether an admin has made new votes carry the voter's name (off by default)."""
    async with services.db.session() as session:
        found = await settings.get(session, workspace.id or 0, VOTES_SETTING)
    return isinstance(found, dict) and bool(found.get("named"))


def post_of(workspace: Workspace, elephant: Elephant) -> MessageRef | None:
    """Where the report was posted; None when it never was."""
    if not elephant.posted_conversation_id or not elephant.posted_message_id:
        return None
    where = conversation_in(workspace, ConversationRef(
        Platform(elephant.platform), elephant.posted_conversation_id, ConversationKind.CHANNEL))
    return MessageRef(where, elephant.posted_message_id)


async def refresh_post(services: Services, workspace: Workspace, elephant: Elephant) -> None:
    """The channel post shows the report as it is now (best effort: the report is saved)."""
    post = post_of(workspace, elephant)
    if post is None:
        return
    try:
        await services.outbox.update(post, await card_of(services, workspace, elephant))
    except DeliveryError as exc:
        log.warning("elephant %s changed but its post was not updated: %s",
                    elephant.short_id, exc)
