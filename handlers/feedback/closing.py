"""A campaign's timed messages, on the due-work engine: invitations that failed are sent
again while it is open; one reminder, a set time before close, to the contacts of partners
that have not answered; and at close the summary, in its thread and to its owner. Each
exactly once."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.core.cards import Actions, Button, ButtonStyle, Card, Text
from bot.core.conversation import ConversationKind, ConversationRef, MessageRef, Platform
from bot.core.errors import DeliveryError
from handlers.common.context import Services
from handlers.common.due import CatchUp, DueKind, DueMessage, DueRun
from handlers.common.ledger import Pending, deliver_many, deliver_once
from handlers.feedback.ids import FEATURE_NAME, FeedbackAction, FeedbackMessage, delivery
from handlers.feedback.launch import (
    channel_of,
    invitations,
    parent_card,
    to_contacts,
    when,
    workspace_of_campaign,
)
from handlers.feedback.summary import collect, summary_card, turnout_of
from storage.common import people
from storage.common.models import Workspace
from storage.feedback import repository as campaigns
from storage.feedback.models import Campaign

log = logging.getLogger(__name__)

INVITE = DueKind(delivery(FeedbackMessage.INVITE), CatchUp.WHILE_OPEN)
REMINDER = DueKind(delivery(FeedbackMessage.REMINDER), CatchUp.WHILE_OPEN)
SUMMARY = DueKind(delivery(FeedbackMessage.SUMMARY), CatchUp.ALWAYS)
# A summary whose send failed is tried again for this long after the close.
SUMMARY_RETRIED = timedelta(days=2)
CONCURRENCY = 8


def remind_at(campaign: Campaign) -> datetime:
    return campaign.closes_at - timedelta(hours=campaign.remind_before_hours)


def _reminder_card(campaign: Campaign, zone: str) -> Card:
    said = (f"A reminder: {campaign.title} ({campaign.short_id}) closes "
            f"{when(campaign.closes_at, zone)} and we have nothing from your team yet. A few "
            "words help us plan.")
    return Card(summary=said, blocks=(Text(said), Actions((
        Button("Answer", FeedbackAction.ANSWER, str(campaign.id), ButtonStyle.PRIMARY),))))


def has_timed_reminder(campaign: Campaign) -> bool:
    """A campaign that closes sooner than its reminder's lead gets no timed reminder: it
    would come right after the invitation."""
    return remind_at(campaign) > campaign.created_at


async def reminders(services: Services, workspace: Workspace, campaign: Campaign, *,
                    day: str) -> list[Pending]:
    """One reminder per contact of each partner that has not answered, keyed by `day`: the
    timed one and any an owner asks for share it, so nobody gets two in a day."""
    found = await turnout_of(services, campaign)
    async with services.db.session() as session:
        contacts = await campaigns.contacts(session, [p.id or 0 for p in found.silent])
    return to_contacts(services, workspace, campaign, contacts, FeedbackMessage.REMINDER,
                       f"reminder:{day}", lambda _, zone: _reminder_card(campaign, zone))


async def remind(services: Services, workspace: Workspace, campaign: Campaign,
                 now: datetime) -> int:
    """Remind the silent partners' contacts now; how many were sent."""
    pending = await reminders(services, workspace, campaign, day=f"{now:%Y-%m-%d}")
    if not pending:
        return 0
    outcome = await deliver_many(services, pending, lease_id=await services.leases.process_lease(),
                                 concurrency=CONCURRENCY, now=now)
    return sum(outcome.sent.values())


async def _owner_chat(services: Services, workspace: Workspace, campaign: Campaign
                      ) -> ConversationRef | None:
    if campaign.owner_id is None:
        return None
    platform = str(campaign.channel.get("platform", ""))
    async with services.db.session() as session:
        found = await people.members(session, [campaign.owner_id], platform)
    if not found:
        return None
    return ConversationRef(Platform(platform), found[0].user_id, ConversationKind.DIRECT,
                           workspace=workspace.external_id or "")


async def summaries(services: Services, workspace: Workspace, campaign: Campaign
                    ) -> list[Pending]:
    """The close summary: in the campaign's thread, and to its owner."""
    card = summary_card(await collect(services, campaign), final=True)
    channel = channel_of(workspace, campaign)
    thread = MessageRef(channel, campaign.parent_message_id) \
        if campaign.parent_message_id else None
    key = f"feedback:{campaign.id}:summary:thread"
    pending = [Pending(key, SUMMARY.delivery, workspace.id or 0, channel,
                       lambda: services.outbox.post(channel, card, thread=thread, key=key),
                       f"feedback:{campaign.id}")]
    if owner := await _owner_chat(services, workspace, campaign):
        owner_key = f"feedback:{campaign.id}:summary:owner"
        pending.append(Pending(owner_key, SUMMARY.delivery, workspace.id or 0, owner,
                               lambda: services.outbox.post(owner, card, key=owner_key),
                               f"feedback:{campaign.id}"))
    return pending


async def _mark_parent_closed(services: Services, workspace: Workspace,
                              campaign: Campaign) -> None:
    if not campaign.parent_message_id:
        return
    try:
        await services.outbox.update(MessageRef(channel_of(workspace, campaign),
                                                campaign.parent_message_id),
                                     parent_card(campaign, closed=True))
    except DeliveryError as problem:
        # The post still asks for answers; replies after close are refused anyway.
        log.warning("a closed campaign's post was not updated: %s", problem)


async def close(services: Services, workspace: Workspace, campaign: Campaign,
                now: datetime, run: DueRun | None = None) -> bool:
    """Close it (once, whoever is first: the clock or a person) and send its summary;
    False when it was closed already."""
    async with services.db.session() as session:
        closed = await campaigns.close(session, campaign.id or 0, now)
    if not closed:
        return False
    campaign.closed_at = now
    await _send_summaries(services, workspace, campaign, run)
    await _mark_parent_closed(services, workspace, campaign)
    return True


async def _send_summaries(services: Services, workspace: Workspace, campaign: Campaign,
                          run: DueRun | None) -> None:
    for pending in await summaries(services, workspace, campaign):
        if run is not None:
            await run.send_once(DueMessage(SUMMARY, pending, campaign.closed_at
                                           or run.now))
        else:
            await deliver_once(services, pending)


class FeedbackDueWork:
    """Every campaign's invitations, reminder and close."""

    feature = FEATURE_NAME

    async def run(self, run: DueRun) -> None:
        services = run.services
        async with services.db.session() as session:
            found = await campaigns.with_due_work(session, run.now - SUMMARY_RETRIED)
        for campaign in found:
            workspace = await workspace_of_campaign(services, campaign)
            if campaign.closed_at is not None:
                await _send_summaries(services, workspace, campaign, run)  # owed ones only
                continue
            if run.now >= campaign.closes_at:
                await close(services, workspace, campaign, campaign.closes_at, run)
                continue
            async with services.db.session() as session:
                asked = await campaigns.audience(session, campaign.id or 0)
                contacts = await campaigns.contacts(session, [p.id or 0 for p in asked])
            await run.send([DueMessage(INVITE, pending, campaign.created_at,
                                       campaign.closes_at)
                            for pending in invitations(services, workspace, campaign, asked,
                                                       contacts)], concurrency=CONCURRENCY)
            if has_timed_reminder(campaign) and run.now >= remind_at(campaign):
                # Keyed by its own day, however late it goes out: sent once.
                day = f"{remind_at(campaign):%Y-%m-%d}"
                await run.send([DueMessage(REMINDER, pending, remind_at(campaign),
                                           campaign.closes_at)
                                for pending in await reminders(services, workspace, campaign,
                                                               day=day)],
                               concurrency=CONCURRENCY)

    async def next_wakeup(self, services: Services, now: datetime) -> datetime | None:
        async with services.db.session() as session:
            found = await campaigns.with_due_work(session, now - SUMMARY_RETRIED)
        moments = [moment for campaign in found if campaign.closed_at is None
                   for moment in ((remind_at(campaign),) if has_timed_reminder(campaign)
                                  else ()) + (campaign.closes_at,) if moment > now]
        return min(moments, default=None)
