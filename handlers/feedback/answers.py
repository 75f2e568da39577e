"""Answers to a campaign: the Answer button's form, and who may answer (the contacts of the
partners asked, and the vendor's own people, whose answers are kept apart)."""

from __future__ import annotations

from datetime import datetime

from bot.core.errors import FormErrors, UserError
from bot.core.forms import Form
from bot.core.responses import OpenForm, Reply, Response
from handlers.common.context import ActionContext, FormContext, Services
from handlers.common.questions import answer_field, question_field, read_question
from handlers.feedback.ids import FeedbackForm
from handlers.feedback.launch import when
from storage.common.models import Person, Role, Workspace
from storage.feedback import repository as campaigns
from storage.feedback.models import Campaign, FeedbackReply, ReplySource

CAMPAIGN_KEY = "campaign"
TITLE_MAX = 24  # Slack cuts a modal's title there


def is_internal(person: Person) -> bool:
    return person.role is not Role.PARTNER_CONTACT and not person.is_external


async def campaign_in(services: Services, workspace: Workspace, raw: str) -> Campaign:
    async with services.db.session() as session:
        found = await campaigns.get(session, int(raw)) if raw.isdigit() else None
    if found is None or found.workspace_id != workspace.id:
        raise UserError("That campaign is gone; nothing was saved.")
    return found


def closed_text(campaign: Campaign) -> str:
    return (f"{campaign.short_id} ({campaign.title}) closed on "
            f"{when(campaign.closed_at or campaign.closes_at)}, so "
            "answers are no longer collected. Thank you all the same.")


def is_closed(campaign: Campaign, now: datetime) -> bool:
    return campaign.closed_at is not None or now >= campaign.closes_at


async def may_answer(services: Services, campaign: Campaign, person: Person) -> None:
    """Contacts of the partners asked, and the vendor's own people; nobody else."""
    if is_internal(person):
        return
    async with services.db.session() as session:
        asked = {partner.id for partner in await campaigns.audience(session, campaign.id or 0)}
    if person.partner_id is None or person.partner_id not in asked:
        raise UserError(f"{campaign.short_id} asks other partners, so there is nothing for "
                        "you to answer there.")


def answer_form(campaign: Campaign, earlier: dict[int, str]) -> Form:
    fields = tuple(answer_field(index, read_question(line), earlier.get(index))
                   for index, line in enumerate(campaign.questions))
    title = f"{campaign.short_id} {campaign.title}"
    return Form(id=FeedbackForm.ANSWER, title=title[:TITLE_MAX], fields=fields,
                submit_label="Update" if earlier else "Send",
                context={CAMPAIGN_KEY: str(campaign.id)})


async def answer_pressed(ctx: ActionContext) -> Response:
    campaign = await campaign_in(ctx.services, ctx.workspace, ctx.action.value)
    if is_closed(campaign, ctx.services.clock.now()):
        raise UserError(closed_text(campaign))
    await may_answer(ctx.services, campaign, ctx.person)
    async with ctx.services.db.session() as session:
        given = await campaigns.own_replies(session, campaign.id or 0, ctx.person.id or 0)
    earlier = {reply.question_index: reply.text for reply in given
               if reply.source is ReplySource.FORM and reply.question_index is not None}
    return OpenForm(answer_form(campaign, earlier))


async def answer_submitted(ctx: FormContext) -> Response:
    campaign = await campaign_in(ctx.services, ctx.workspace,
                                 ctx.submission.context.get(CAMPAIGN_KEY, ""))
    now = ctx.services.clock.now()
    if is_closed(campaign, now):
        raise UserError(closed_text(campaign))
    await may_answer(ctx.services, campaign, ctx.person)
    form = answer_form(campaign, {})
    values = dict(ctx.submission.values)
    if problems := form.errors(values):
        raise FormErrors(problems, form=form.again(values, problems))
    given = []
    for index, line in enumerate(campaign.questions):
        said = read_question(line).read(ctx.submission.text(question_field(index)))
        if said:
            given.append((index, line, said))
    if not given:
        raise UserError("Answer at least one question; nothing was saved.",
                        field=question_field(0))
    template = FeedbackReply(campaign_id=campaign.id or 0, workspace_id=ctx.workspace.id or 0,
                             person_id=ctx.person.id or 0, partner_id=ctx.person.partner_id,
                             internal=is_internal(ctx.person),
                             platform=ctx.submission.actor.platform.value,
                             source=ReplySource.FORM, created_at=now)
    async with ctx.services.db.session() as session:
        await campaigns.save_form_answers(session, template, given)
    whose = " They are kept apart from the partners' answers." if template.internal else ""
    return Reply(f"Thank you: {len(given)} answer{'' if len(given) == 1 else 's'} saved to "
                 f"{campaign.short_id} ({campaign.title}). Press Answer again to change them."
                 + whose)
