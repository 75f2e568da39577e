"""A campaign comes to life: its audience resolved to partners, one parent post in its
channel inviting answers in the thread, and a direct message with an Answer button to every
contact of those partners, on Slack and Teams alike, each exactly once."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.cards import Actions, Button, ButtonStyle, Card, Context, Fields, Text
from bot.core.conversation import ConversationKind, ConversationRef, MessageRef, Platform
from bot.core.errors import DeliveryError, UserError
from bot.core.responses import Reply
from handlers.common.channels import named
from handlers.common.context import Services, conversation_in
from handlers.common.identity import zone_of
from handlers.common.ledger import Pending, deliver_many, deliver_once
from handlers.common.questions import read_question
from handlers.feedback.ids import FeedbackAction, FeedbackMessage, delivery
from handlers.feedback.start_form import CampaignSpec, Field
from storage.common import workspaces
from storage.common.models import Partner, Person, Workspace
from storage.feedback import repository as campaigns
from storage.feedback.models import AudienceKind, Campaign
from storage.feedback.repository import Contact, NewCampaign
from storage.partners import repository as partners

log = logging.getLogger(__name__)

INVITE_CONCURRENCY = 8


def when(moment: datetime, zone: str = "UTC") -> str:
    """An instant as a reader reads it: their zone, named."""
    return f"{moment.astimezone(ZoneInfo(zone)):%a %d %b %Y, %H:%M} ({zone})"


def audience_text(campaign: Campaign) -> str:
    match campaign.audience:
        case AudienceKind.TIER:
            return f"{campaign.audience_value} tier partners"
        case AudienceKind.TYPE:
            return f"{campaign.audience_value} partners"
        case AudienceKind.CHOSEN:
            return "chosen partners"
    return "all partners"


async def audience_of(services: Services, workspace: Workspace, spec: CampaignSpec
                      ) -> list[Partner]:
    """The partners a campaign asks (not archived), by name; refused when there are none."""
    async with services.db.session() as session:
        every = list(await partners.all_partners(session, workspace.id or 0))
    match spec.audience:
        case AudienceKind.TIER:
            found = [p for p in every if (p.tier or "").lower() == spec.audience_value.lower()]
        case AudienceKind.TYPE:
            found = [p for p in every if p.type and p.type.value == spec.audience_value]
        case AudienceKind.CHOSEN:
            found = [p for p in every if p.id in spec.partner_ids]
        case _:
            found = every
    if not found:
        field = {AudienceKind.TIER: Field.TIER, AudienceKind.TYPE: Field.TYPE,
                 AudienceKind.CHOSEN: Field.PARTNERS}.get(spec.audience, Field.AUDIENCE)
        raise UserError("No partner is in that audience, so nobody would be asked; nothing "
                        "was created. Add partners first, or choose another audience.",
                        example="partner add Northwind type VAR tier Gold", field=field)
    return found


def _asked(number: int, line: str) -> str:
    """A question as a post shows it: a choice question with its options."""
    question = read_question(line)
    options = f" ({' / '.join(question.label(option) for option in question.options)})" \
        if question.has_choices else ""
    return f"{number}. {question.text}{options}"


def parent_card(campaign: Campaign, *, closed: bool = False) -> Card:
    """The post in the campaign's channel: what is asked, and how to answer."""
    questions = "\n".join(_asked(index, line)
                          for index, line in enumerate(campaign.questions, 1))
    how = ("This campaign is closed; thank you for your answers." if closed else
           "Answer in this message's thread: one reply or several, in your own words. "
           "Partner contacts also get a form by direct message.")
    privacy = (" Answers by the form are shown without names to everyone but the campaign's "
               "owner; a reply in this thread shows your name to the channel, so use the "
               "Answer button in your direct messages to stay unnamed.") \
        if campaign.anonymous else ""
    return Card(
        summary=f"{campaign.short_id}: {campaign.title}",
        title=f"📣 {campaign.short_id}: {campaign.title}",
        blocks=(Text(f"We're asking {audience_text(campaign)} before we plan. " + how
                     + privacy),
                Text(questions),
                Context(f"Closes {when(campaign.closes_at)}")))


def invite_card(campaign: Campaign, partner_name: str, zone: str) -> Card:
    said = (f"{partner_name}: we'd like your input before we plan. {campaign.title} "
            f"({campaign.short_id}) asks {len(campaign.questions)} question"
            f"{'' if len(campaign.questions) == 1 else 's'}.")
    return Card(summary=said, blocks=(
        Text(said),
        Context(f"Closes {when(campaign.closes_at, zone)}."
                + (" Your name is shown to the campaign's owner only."
                   if campaign.anonymous else "")),
        Actions((Button("Answer", FeedbackAction.ANSWER, str(campaign.id),
                        ButtonStyle.PRIMARY),))))


def channel_of(workspace: Workspace, campaign: Campaign) -> ConversationRef:
    stored = ConversationRef.from_dict(campaign.channel)
    assert stored is not None
    return conversation_in(workspace, stored)


def direct(contact: Contact, workspace: Workspace) -> ConversationRef:
    return ConversationRef(Platform(contact.platform), contact.user_id,
                           ConversationKind.DIRECT, workspace=workspace.external_id or "")


async def start(services: Services, workspace: Workspace, owner: Person,
                spec: CampaignSpec) -> Reply:
    """Create the campaign, post its parent and invite its contacts; nothing is kept when
    the parent cannot be posted (the bot is not in the channel)."""
    assert spec.channel is not None
    asked = await audience_of(services, workspace, spec)
    channel = await named(services, conversation_in(workspace, spec.channel))
    directory = services.channels.get(channel.platform)
    if directory is not None and await directory.bot_is_in(channel.id,
                                                           channel.workspace) is False:
        # It could post there, but would never hear the thread's answers.
        raise UserError(f"I'm not in {channel.label}, so I would never see the answers in "
                        "its thread; nothing was created. Invite me first, then start again.",
                        example="/invite @PartnerOps", field=Field.CHANNEL)
    new = NewCampaign(spec.title, list(spec.questions), spec.audience, spec.audience_value,
                      spec.anonymous, owner.id, channel.to_dict(), spec.closes_at,
                      spec.remind_before_hours)
    async with services.db.session() as session:
        campaign = await campaigns.create(session, workspace.id or 0, new,
                                          [p.id or 0 for p in asked], services.clock.now())
    try:
        posted = await _post_parent(services, workspace, campaign, channel)
    except DeliveryError as problem:
        async with services.db.session() as session:
            await campaigns.forget(session, campaign.id or 0)
        raise UserError(f"I can't post in {channel.label} ({problem}); nothing was created. "
                        "Invite me to the channel first, then start again.",
                        example="/invite @PartnerOps") from None
    campaign.parent_message_id = posted.id
    invited = await invite(services, workspace, campaign, asked)
    reached = f"{invited} contact{'' if invited == 1 else 's'}"
    return Reply(Card(summary=f"Started {campaign.short_id}", blocks=(
        Text(f"Started **{campaign.short_id}** ({campaign.title}) in {channel.label}: asked "
             f"{len(asked)} partner{'' if len(asked) == 1 else 's'}, invited {reached} by "
             "direct message.", markup=True),
        Fields((("Closes", when(campaign.closes_at, zone_of(owner, services))),
                ("Reminder", f"{campaign.remind_before_hours} h before, to partners who "
                             "have not answered"
                 if campaign.closes_at - timedelta(hours=campaign.remind_before_hours)
                 > campaign.created_at else
                 f"none: it closes within {campaign.remind_before_hours} h "
                 "(`feedback remind` sends one)"))),
        Context(f"`feedback status {campaign.short_id}` shows who answered."))))


async def _post_parent(services: Services, workspace: Workspace, campaign: Campaign,
                       channel: ConversationRef) -> MessageRef:
    key = f"feedback:{campaign.id}:parent"
    pending = Pending(key, delivery(FeedbackMessage.PARENT), workspace.id or 0, channel,
                      lambda: services.outbox.post(channel, parent_card(campaign), key=key))
    posted = await deliver_once(services, pending)
    if posted is None:
        raise DeliveryError("it was not posted")
    async with services.db.session() as session:
        await campaigns.set_parent(session, campaign.id or 0, posted.id)
    return posted


def invitations(services: Services, workspace: Workspace, campaign: Campaign,
                asked: Sequence[Partner], contacts: Sequence[Contact]) -> list[Pending]:
    """One invitation per contact account of the partners asked (keyed: sent once)."""
    names = {partner.id: partner.name for partner in asked}
    return to_contacts(services, workspace, campaign, contacts, FeedbackMessage.INVITE, "invite",
                       lambda contact, zone: invite_card(
                           campaign, names.get(contact.partner_id, "Your team"), zone))


def to_contacts(services: Services, workspace: Workspace, campaign: Campaign,
                contacts: Sequence[Contact], kind: FeedbackMessage, key_part: str,
                card_for: Callable[[Contact, str], Card]) -> list[Pending]:
    """A direct message to each contact account, in its reader's zone, keyed by campaign,
    `key_part` and account: the ledger sends each once."""
    pending = []
    for contact in contacts:
        to = direct(contact, workspace)
        key = f"feedback:{campaign.id}:{key_part}:{contact.platform}:{contact.user_id}"
        card = card_for(contact, zone_of(contact.person, services))
        pending.append(Pending(key, delivery(kind), workspace.id or 0, to,
                               lambda to=to, card=card, key=key:
                               services.outbox.post(to, card, key=key),
                               f"feedback:{campaign.id}"))
    return pending


async def invite(services: Services, workspace: Workspace, campaign: Campaign,
                 asked: Sequence[Partner], *, lease_id: int | None = None,
                 now: datetime | None = None) -> int:
    """Invite every contact not invited yet; how many were sent now."""
    async with services.db.session() as session:
        contacts = await campaigns.contacts(session, [p.id or 0 for p in asked])
    pending = invitations(services, workspace, campaign, asked, contacts)
    if not pending:
        return 0
    held = lease_id if lease_id is not None else await services.leases.process_lease()
    outcome = await deliver_many(services, pending, lease_id=held,
                                 concurrency=INVITE_CONCURRENCY, now=now)
    for failure in outcome.failures:
        log.warning("a feedback invitation was not delivered (retried later): %s",
                    failure.error)
    return sum(outcome.sent.values())


async def workspace_of_campaign(services: Services, campaign: Campaign) -> Workspace:
    async with services.db.session() as session:
        found = await workspaces.by_ids(session, [campaign.workspace_id])
    return found[campaign.workspace_id]
