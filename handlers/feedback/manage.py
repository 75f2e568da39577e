"""`/feedback start|list|status|report|remind|close`: the owner and admins run a campaign;
partner contacts only answer, and see their own answers."""

from __future__ import annotations

import re
from datetime import datetime

from bot.core.cards import Card, Context, Fields, Text
from bot.core.conversation import ConversationKind, ConversationRef
from bot.core.errors import UserError
from bot.core.requests import Invocation
from bot.core.responses import OpenForm, Reply, Response
from handlers.common.channels import channel_in_form
from handlers.common.context import CommandContext, FormContext, Services, conversation_in
from handlers.common.files import send_csv
from handlers.common.identity import zone_of
from handlers.common.partner_menu import partner_options
from handlers.common.questions import read_question
from handlers.feedback import closing, launch
from handlers.feedback.answers import is_internal
from handlers.feedback.start_form import Field, read_quick, read_start, start_form
from handlers.feedback.summary import collect, summary_card, turnout_of
from storage.common.models import Person, Role, Workspace
from storage.feedback import repository as campaigns
from storage.feedback.export import FEEDBACK_COLUMNS, feedback_rows
from storage.feedback.models import Campaign

SHORT_ID = re.compile(r"^(?:F-?)?(\d{1,9})$", re.IGNORECASE)


def refuse_partner_contacts(person: Person, what: str) -> None:
    if not is_internal(person):
        raise UserError(f"Partner contacts answer campaigns; {what} is for the vendor's team. "
                        "Your invitation's Answer button opens the questions.")


async def named_campaign(ctx: CommandContext, example: str) -> Campaign:
    word = ctx.args.split()[0] if ctx.args.split() else ""
    match = SHORT_ID.match(word)
    if match is None:
        raise UserError("Name the campaign by its id, such as F-1 (`feedback list` shows "
                        "them).", example=example)
    async with ctx.services.db.session() as session:
        found = await campaigns.by_number(session, ctx.workspace.id or 0, int(match[1]))
    if found is None:
        raise UserError(f"There is no campaign F-{match[1]} here; `feedback list` shows them.",
                        example="feedback list")
    return found


def may_manage(person: Person, campaign: Campaign) -> None:
    if person.role is not Role.ADMIN and person.id != campaign.owner_id:
        raise UserError(f"Only {campaign.short_id}'s owner and admins manage it.",
                        example="partnerops whoami")


async def start(ctx: CommandContext) -> Response:
    refuse_partner_contacts(ctx.person, "starting a campaign")
    if not ctx.args.strip():
        return OpenForm(start_form(await partner_options(ctx.services, ctx.workspace)))
    channel = conversation_in(ctx.workspace, ctx.invocation.channels[0]) \
        if ctx.invocation.channels else _here(ctx)
    spec = read_quick(ctx.args, channel, zone=zone_of(ctx.person, ctx.services),
                      now=ctx.services.clock.now())
    return await _launched(ctx.services, ctx.workspace, ctx.person, spec)


def _here(ctx: CommandContext) -> ConversationRef | None:
    """`in here`: the channel the command was typed in (Teams has no channel mentions)."""
    words = [word.lower() for word in ctx.args.split()]
    if "here" not in words or ctx.invocation.conversation.kind is ConversationKind.DIRECT:
        return None
    return conversation_in(ctx.workspace, ctx.invocation.conversation)


async def start_submitted(ctx: FormContext) -> Response:
    refuse_partner_contacts(ctx.person, "starting a campaign")
    form = start_form(await partner_options(ctx.services, ctx.workspace))
    channel = channel_in_form(ctx.submission, Field.CHANNEL, "campaign's channel")
    spec = read_start(form, ctx.submission, zone=zone_of(ctx.person, ctx.services),
                      now=ctx.services.clock.now(), channel=channel)
    return await _launched(ctx.services, ctx.workspace, ctx.person, spec)


async def _launched(services: Services, workspace: Workspace, person: Person,
                    spec: launch.CampaignSpec) -> Response:
    reply = await launch.start(services, workspace, person, spec)
    services.schedule_changed()  # its reminder and its close are due work now
    return reply


async def list_campaigns(ctx: CommandContext) -> Response:
    refuse_partner_contacts(ctx.person, "the list of campaigns")
    async with ctx.services.db.session() as session:
        found = await campaigns.in_workspace(session, ctx.workspace.id or 0)
    if not found:
        return Reply("No campaigns yet. `feedback start` opens the form.")
    now = ctx.services.clock.now()
    lines = [f"- **{item.short_id}** {item.title}: {_state(item, now)}" for item in found]
    return Reply(Card(summary=f"{len(found)} campaigns", title="Feedback campaigns",
                      blocks=(Text("\n".join(lines), markup=True),)))


def _state(campaign: Campaign, now: datetime) -> str:
    if campaign.closed_at is not None:
        return f"closed {campaign.closed_at:%d %b %Y}"
    return f"open, closes {launch.when(campaign.closes_at)}" \
        if campaign.closes_at > now else "closing now"


async def status(ctx: CommandContext) -> Response:
    """Who answered and who did not; a partner contact sees their own answers."""
    campaign = await named_campaign(ctx, "feedback status F-1")
    if not is_internal(ctx.person):
        return await _own_answers(ctx.services, campaign, ctx.person)
    found = await turnout_of(ctx.services, campaign)
    answered = [p.name for p in found.asked if p.id in found.answered]
    silent = [p.name for p in found.silent]
    names_hidden = campaign.anonymous and ctx.person.id != campaign.owner_id
    rows = (("Answered", f"{len(answered)}" if names_hidden
             else ", ".join(answered) or "nobody yet"),
            ("Not yet", f"{len(silent)}" if names_hidden else ", ".join(silent) or "nobody"),
            ("State", _state(campaign, ctx.services.clock.now())))
    note = (Context("Anonymous campaign: only its owner sees which partners answered."),) \
        if names_hidden else ()
    return Reply(Card(summary=f"{campaign.short_id}: {len(answered)} of {len(found.asked)} "
                              "partners answered", title=f"{campaign.short_id}: "
                                                         f"{campaign.title}",
                      blocks=(Fields(rows), *note)))


async def _own_answers(services: Services, campaign: Campaign, person: Person) -> Reply:
    async with services.db.session() as session:
        mine = await campaigns.own_replies(session, campaign.id or 0, person.id or 0)
    if not mine:
        return Reply(f"You have not answered {campaign.short_id} yet; your "
                     "invitation's Answer button opens the questions.")
    lines = [f"- {read_question(reply.question).text if reply.question else 'In the thread'}: "
             f"{reply.text}" for reply in mine]
    return Reply(Card(summary=f"Your answers to {campaign.short_id}",
                      blocks=(Text("\n".join(lines)),)))


async def report(ctx: CommandContext) -> Response:
    """The summary, and every reply as a CSV file."""
    refuse_partner_contacts(ctx.person, "the report")
    campaign = await named_campaign(ctx, "feedback report F-1")
    may_manage(ctx.person, campaign)
    summary = await report_summary(ctx.services, campaign)
    sent = await send_report_csv(ctx.services, ctx.workspace, ctx.invocation, ctx.person,
                                 campaign)
    return Reply(Card(summary=sent, blocks=(*summary.blocks, Context(sent))))


async def report_summary(services: Services, campaign: Campaign) -> Card:
    """The report's summary card (counted by the database; see `summary`)."""
    return summary_card(await collect(services, campaign),
                        final=campaign.closed_at is not None)


async def send_report_csv(services: Services, workspace: Workspace, asked: Invocation,
                          person: Person, campaign: Campaign) -> str:
    """Every reply to the campaign as a CSV file, to whoever asked; what was sent, to say."""
    async with services.db.session() as session:
        # Names of an anonymous campaign's answers: for its owner only.
        rows = await feedback_rows(session, workspace.id or 0, campaign_id=campaign.id,
                                   names=person.id == campaign.owner_id)
    return await send_csv(services, workspace, asked, name=(
        f"{campaign.short_id.lower()}-feedback"), columns=FEEDBACK_COLUMNS, rows=rows,
        about=f"{len(rows)} answers to {campaign.short_id}")


async def close(ctx: CommandContext) -> Response:
    refuse_partner_contacts(ctx.person, "closing a campaign")
    campaign = await named_campaign(ctx, "feedback close F-1")
    may_manage(ctx.person, campaign)
    closed = await closing.close(ctx.services, ctx.workspace, campaign,
                                 ctx.services.clock.now())
    if not closed:
        return Reply(f"{campaign.short_id} is closed already.")
    ctx.services.schedule_changed()
    return Reply(f"Closed {campaign.short_id}: the summary is in its thread and in your "
                 "direct messages.")


async def remind(ctx: CommandContext) -> Response:
    refuse_partner_contacts(ctx.person, "reminding partners")
    campaign = await named_campaign(ctx, "feedback remind F-1")
    may_manage(ctx.person, campaign)
    if campaign.closed_at is not None or campaign.closes_at <= ctx.services.clock.now():
        raise UserError(f"{campaign.short_id} is closed; nobody is reminded.")
    sent = await closing.remind(ctx.services, ctx.workspace, campaign,
                                ctx.services.clock.now())
    if not sent:
        return Reply(f"Nobody was reminded: every partner asked has answered {campaign.short_id}, "
                     "or their contacts were reminded today already (at most once a day).")
    return Reply(f"Reminded {sent} contact{'' if sent == 1 else 's'} of partners that have "
                 f"not answered {campaign.short_id} (at most once a day each).")
