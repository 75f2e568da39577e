"""Replies in a campaign post's thread: each message is one reply of its writer (and their
partner); an edit changes it, a deletion withdraws it, and after the close nothing is
collected (the writer is told privately)."""

from __future__ import annotations

from bot.core.conversation import MessageRef
from bot.core.requests import ThreadChange
from bot.core.responses import Reply, Response
from handlers.common.context import Services, ThreadContext
from handlers.feedback.answers import closed_text, is_closed, is_internal
from storage.common.models import Workspace
from storage.feedback import repository as campaigns
from storage.feedback.models import FeedbackReply, ReplySource


async def owns(services: Services, workspace: Workspace, root: MessageRef) -> bool:
    """Whether `root` is a campaign's parent post."""
    async with services.db.session() as session:
        return await campaigns.by_parent(session, workspace.id or 0, root.id) is not None


async def thread_reply(ctx: ThreadContext) -> Response:
    message, now = ctx.message, ctx.services.clock.now()
    async with ctx.services.db.session() as session:
        campaign = await campaigns.by_parent(session, ctx.workspace.id or 0, message.root.id)
    if campaign is None:
        return None
    platform = message.actor.platform.value
    if message.change is not ThreadChange.NEW:
        if campaign.closed_at is not None:
            return None  # what was collected at the close stays as it was
        async with ctx.services.db.session() as session:
            if message.change is ThreadChange.DELETED or not message.text.strip():
                await campaigns.withdraw_thread_reply(session, campaign.id or 0, platform,
                                                      message.message_id, now)
            else:
                await campaigns.edit_thread_reply(session, campaign.id or 0, platform,
                                                  message.message_id, message.text.strip(),
                                                  now)
        return None
    if is_closed(campaign, now):
        return Reply(closed_text(campaign))
    if not message.text.strip():
        return None
    if not is_internal(ctx.person):
        async with ctx.services.db.session() as session:
            asked = {p.id for p in await campaigns.audience(session, campaign.id or 0)}
        if ctx.person.partner_id is None:
            return Reply("I don't know which partner you speak for yet, so your reply was "
                         f"not collected for {campaign.short_id}. Ask the campaign's owner to "
                         "add you as your partner's contact, then reply again.")
        if ctx.person.partner_id not in asked:
            return Reply(f"{campaign.short_id} asks other partners, so your reply was not "
                         "collected. Thank you all the same.")
    reply = FeedbackReply(campaign_id=campaign.id or 0, workspace_id=ctx.workspace.id or 0,
                          person_id=ctx.person.id or 0, partner_id=ctx.person.partner_id,
                          internal=is_internal(ctx.person), platform=platform,
                          source=ReplySource.THREAD, text=message.text.strip(),
                          message_id=message.message_id, created_at=now)
    async with ctx.services.db.session() as session:
        await campaigns.add_thread_reply(session, reply)
    return None
