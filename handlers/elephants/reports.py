"""Elephant reports: name the Us-versus-Them friction so it can be owned and fixed."""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import replace
from decimal import Decimal
from typing import Any

from bot.core.cards import Actions, Block, Button, ButtonStyle, Card, Context, Text
from bot.core.commands import (
    SettingSpec,
    excerpt,
)
from bot.core.conversation import ConversationKind, ConversationRef
from bot.core.errors import DeliveryError, UserError
from bot.core.responses import OpenForm, Reply, Response
from handlers.common.channels import chosen_channel, named
from handlers.common.context import (
    ActionContext,
    CommandContext,
    FormContext,
    Services,
    conversation_in,
)
from handlers.common.partner_menu import partner_options
from handlers.elephants.access import require_internal
from handlers.elephants.cards import CLOSED, status_label
from handlers.elephants.fields import (
    DESCRIPTION_MAX,
    EXAMPLE,
    FORM_DESCRIPTION_MAX,
    TITLE_MAX,
    Details,
    Field,
    read_details,
    report_form,
    title_problem,
)
from handlers.elephants.ids import ElephantAction
from handlers.elephants.posting import card_of, refresh_post
from handlers.elephants.similar import similar_to
from storage.common.models import Person, Role, Workspace
from storage.elephants import repository as elephants
from storage.elephants.models import Elephant, ElephantCategory, ElephantSide
from storage.partners import repository as partners

log = logging.getLogger(__name__)

HOME_SHOWN = 10


# Quick "reports" that read like commands: asked about, never filed unseen.
COMMAND_WORDS = frozenset({"status", "delete", "remove", "close", "edit", "update", "assign",
                           "vote", "own", "fix", "done", "cancel", "undo", "rename"})
SHORT_ID_IN_TEXT = re.compile(r"\bE-\d+\b", re.IGNORECASE)
BUTTON_VALUE_MAX = 1900  # Slack keeps 2000 characters of a button's value


ELEPHANTS_CHANNEL = SettingSpec(
    name="elephants-channel", what="elephant reports",
    unset="not set (reports go to the channel they came from)",
    announcement="This channel now receives elephant reports")
ELEPHANT_KEY = "elephant"  # the report a details form completes


def split_report(text: str) -> tuple[str, str]:
    """Quick reports: the first line (cut at a word) is the title, the whole text describes."""
    text = text.strip()
    first_line = text.splitlines()[0].strip()
    if len(first_line) <= TITLE_MAX:
        title = first_line
    else:
        title = first_line[: TITLE_MAX - 1].rsplit(" ", 1)[0] + "…"
    return title, text if text != title else ""


async def _checked_partner(services: Services, workspace: Workspace, details: Details) -> None:
    """The related partner is one of this workspace's, still in business."""
    if details.partner_id is None:
        return
    async with services.db.session() as session:
        partner = await partners.get_in(session, workspace.id or 0, details.partner_id)
    if partner is None or partner.archived_at is not None:
        raise UserError("That partner was archived or removed meanwhile; choose another, or "
                        "none.", field=Field.PARTNER)


def _draft_of(details: Details, origin: ConversationRef, quick: bool) -> dict[str, object]:
    return {"title": details.title, "description": details.description,
            "sides": [side.value for side in details.sides],
            "category": details.category.value if details.category else None,
            "hours": str(details.hours_lost_per_week)
            if details.hours_lost_per_week is not None else None,
            "deals": details.deals_affected, "partner_id": details.partner_id,
            "anonymous": details.anonymous, "origin": origin.to_dict(), "quick": quick}


def _details_of(draft: dict[str, Any]) -> Details:
    return Details(title=str(draft["title"]), description=str(draft["description"]),
                   sides=tuple(ElephantSide(side) for side in draft["sides"]),
                   category=ElephantCategory(draft["category"]) if draft["category"] else None,
                   hours_lost_per_week=Decimal(draft["hours"]) if draft["hours"] else None,
                   deals_affected=draft["deals"], partner_id=draft["partner_id"],
                   anonymous=bool(draft["anonymous"]))


async def _held_back(services: Services, workspace: Workspace, details: Details,
                     origin: ConversationRef, quick: bool) -> Reply | None:
    """Similar open elephants, shown before filing with "I see it too" on each, and the
    report kept aside for "File mine anyway"; None when nothing looks alike."""
    async with services.db.session() as session:
        open_ones = [item for item in await elephants.all_elephants(session, workspace.id or 0)
                     if item.status not in CLOSED]
    found = similar_to(details.title, details.description, open_ones)
    if not found:
        return None
    token = secrets.token_urlsafe(24)
    async with services.db.session() as session:
        await elephants.keep_draft(session, workspace.id or 0, token,
                                   _draft_of(details, origin, quick), services.clock.now())
    said = ("These open elephants look like yours. If one is it, say you see it too; "
            "else file yours. Nothing is filed yet.")
    lines = "\n".join(f"- {item.short_id} {item.title} ({status_label(item).lower()})"
                      for item in found)
    buttons = [Button(f"I see {item.short_id} too", ElephantAction.SEE_IT_TOO, str(item.id))
               for item in found]
    buttons.append(Button("File mine anyway", ElephantAction.FILE_MINE, token,
                          ButtonStyle.PRIMARY))
    return Reply(Card(summary=said, blocks=(Text(said), Text(lines), Actions(tuple(buttons)))))


async def file_report(services: Services, workspace: Workspace, reporter: Person,
                      details: Details, origin: ConversationRef, *, quick: bool = False,
                      confirmed: bool = False) -> Reply:
    """Store the report, post it to the elephants channel, and tell the reporter privately
    (a quick report offers to add its details). Unless `confirmed`, similar open ones are
    shown first and the report is held back."""
    if problem := title_problem(details.title):
        raise UserError(problem, example=EXAMPLE, field=Field.TITLE)
    if len(details.description) > DESCRIPTION_MAX:
        raise UserError(f"Keep the description under {DESCRIPTION_MAX:,} characters; nothing "
                        "was filed.", example=EXAMPLE, field=Field.DESCRIPTION)
    await _checked_partner(services, workspace, details)
    # An anonymous reporter is not held back: the question, the held report and its button
    # would each record or address them.
    if not confirmed and not details.anonymous \
            and (held := await _held_back(services, workspace, details, origin, quick)):
        return held
    target = await chosen_channel(services, workspace, ELEPHANTS_CHANNEL) \
        or await named(services, conversation_in(workspace, origin))
    if details.anonymous and target.kind is ConversationKind.DIRECT:
        # Posted in the reporter's own chat it would name them, and nobody else would see it.
        raise UserError("An anonymous report goes to the elephants channel, and none is chosen "
                        "yet: file it from a channel, or ask an admin to choose one. Nothing "
                        "was filed.", example="partnerops settings elephants-channel #elephants",
                        field=Field.ANONYMOUS)
    async with services.db.session() as session:
        elephant = await elephants.create(
            session, workspace_id=workspace.id or 0, title=details.title,
            description=details.description, platform=origin.platform.value,
            reporter_id=reporter.id, now=services.clock.now(),
            sides=[side.value for side in details.sides], category=details.category,
            hours_lost_per_week=details.hours_lost_per_week,
            deals_affected=details.deals_affected, partner_id=details.partner_id,
            anonymous=details.anonymous)
    try:
        posted = await services.outbox.post(target, await card_of(services, workspace,
                                                                  elephant))
    except DeliveryError as exc:
        log.warning("elephant %s saved but not posted: %s", elephant.short_id, exc)
        return Reply(f"Filed **{elephant.short_id}**, but I couldn't post it to "
                     f"{target.label} ({exc}). Invite me there, or ask an admin to choose "
                     "the elephants channel with `partnerops settings elephants-channel`.",
                     in_form=details.anonymous)
    async with services.db.session() as session:
        await elephants.mark_posted(session, elephant.id or 0,
                                    conversation_id=posted.conversation.id, message_id=posted.id)
    said = f"Thanks. Filed **{elephant.short_id}** and posted it to {target.label}."
    if details.anonymous:
        # Said in the form itself where the platform can: no message addressed to them.
        return Reply(said + " It names nobody: not you, not to admins.", in_form=True)
    if not quick:
        return Reply(said)
    return Reply(Card(summary=said, blocks=(
        Text(said, markup=True),
        Context("Sides involved, category, hours lost and a related partner help it get "
                "fixed."),
        Actions((Button("Add details", ElephantAction.DETAILS, str(elephant.id)),)))))


def _looks_like_a_command(text: str) -> Reply | None:
    """A question, not a filing, for text that reads like a command: it starts with a
    command-like word or names an elephant's id."""
    first = text.split()[0].lower()
    if first not in COMMAND_WORDS and not SHORT_ID_IN_TEXT.search(text):
        return None
    said = (f"'{excerpt(text)}' reads like a command, so I filed nothing. To change an "
            "elephant: `elephant ack|addressing|resolve|wontfix|reopen E-<n>`; to see them: "
            "`elephant list` or `elephant show E-<n>`. If it is a report, file it:")
    button = (Actions((Button("File it as a report", ElephantAction.FILE_ANYWAY,
                              text[:BUTTON_VALUE_MAX]),)),) \
        if len(text) <= BUTTON_VALUE_MAX else ()
    return Reply(Card(summary=said, blocks=(Text(said, markup=True), *button)))


async def report(ctx: CommandContext) -> Response:
    require_internal(ctx.person)
    if not ctx.args:
        return OpenForm(report_form(await partner_options(ctx.services, ctx.workspace)))
    if question := _looks_like_a_command(ctx.args):
        return question
    title, description = split_report(ctx.args)
    return await file_report(ctx.services, ctx.workspace, ctx.person,
                             Details(title, description), ctx.invocation.conversation,
                             quick=True)


async def file_mine(ctx: ActionContext) -> Response:
    """The report held back beside similar ones, filed after all (once)."""
    require_internal(ctx.person)
    async with ctx.services.db.session() as session:
        draft = await elephants.take_draft(session, ctx.workspace.id or 0, ctx.action.value)
    if draft is None:
        raise UserError("That report was filed already, or held back more than a day ago; "
                        "type it again to file it.", example=EXAMPLE)
    origin = ConversationRef.from_dict(draft["origin"]) or ctx.action.conversation
    return await file_report(ctx.services, ctx.workspace, ctx.person, _details_of(draft),
                             conversation_in(ctx.workspace, origin),
                             quick=bool(draft["quick"]), confirmed=True)


async def file_anyway(ctx: ActionContext) -> Response:
    """The text that read like a command, filed as the report it was meant to be."""
    require_internal(ctx.person)
    if not ctx.action.value.strip():
        raise UserError("That button has nothing to file; type the report again.",
                        example=EXAMPLE)
    title, description = split_report(ctx.action.value)
    return await file_report(ctx.services, ctx.workspace, ctx.person,
                             Details(title, description), ctx.action.conversation, quick=True)


async def _completing(ctx: FormContext | ActionContext, raw: str) -> Elephant:
    """The report a details form completes: the reporter's own, named, still in this
    workspace (an anonymous report names nobody, so nobody completes it)."""
    async with ctx.services.db.session() as session:
        elephant = await elephants.get_in(session, ctx.workspace.id or 0, int(raw)) \
            if raw.isdigit() else None
    if elephant is None:
        raise UserError("That report is gone; nothing was changed.")
    if elephant.anonymous or elephant.reporter_id != ctx.person.id:
        raise UserError(f"Only the person who filed {elephant.short_id} adds its details.")
    return elephant


async def details_pressed(ctx: ActionContext) -> Response:
    require_internal(ctx.person)
    elephant = await _completing(ctx, ctx.action.value)
    form = report_form(await partner_options(ctx.services, ctx.workspace))
    # Every field as it stands: saving again changes only what is changed.
    initial = {
        Field.TITLE: elephant.title,
        Field.DESCRIPTION: elephant.description[:FORM_DESCRIPTION_MAX] or None,
        Field.SIDES: ",".join(elephant.sides) or None,
        Field.CATEGORY: elephant.category.value if elephant.category else None,
        Field.HOURS: f"{elephant.hours_lost_per_week.normalize():f}"
        if elephant.hours_lost_per_week is not None else None,
        Field.DEALS: str(elephant.deals_affected)
        if elephant.deals_affected is not None else None,
        Field.PARTNER: str(elephant.partner_id) if elephant.partner_id else None,
    }
    fields = tuple(replace(item, initial=initial.get(Field(item.id), item.initial))
                   for item in form.fields)
    return OpenForm(replace(form, title=f"Details of {elephant.short_id}", fields=fields,
                            submit_label="Save",
                            context={ELEPHANT_KEY: str(elephant.id)}))


async def _complete(ctx: FormContext, elephant: Elephant, details: Details) -> Response:
    """A quick report's details, added by its reporter; ticking Anonymous forgets them."""
    await _checked_partner(ctx.services, ctx.workspace, details)
    if problem := title_problem(details.title):
        raise UserError(problem, field=Field.TITLE)
    async with ctx.services.db.session() as session:
        stored = await elephants.get_in(session, ctx.workspace.id or 0, elephant.id or 0)
        assert stored is not None
        stored.title = details.title
        # A description longer than the form holds stays whole unless it was changed.
        if details.description != stored.description[:FORM_DESCRIPTION_MAX]:
            stored.description = details.description
        stored.sides = [side.value for side in details.sides]
        stored.category, stored.partner_id = details.category, details.partner_id
        stored.hours_lost_per_week = details.hours_lost_per_week
        stored.deals_affected = details.deals_affected
        if details.anonymous:
            stored.anonymous, stored.reporter_id = True, None
            stored.created_at = elephants.anonymous_instant(stored.created_at)
        session.add(stored)
    await refresh_post(ctx.services, ctx.workspace, stored)
    said = f"Saved the details of {stored.short_id}."
    if details.anonymous:
        return Reply(said + " From now on it names nobody, not even to admins; what was "
                     "already posted and sent under your name stays as it was.", in_form=True)
    return Reply(said)


async def report_submitted(ctx: FormContext) -> Response:
    require_internal(ctx.person)
    form = report_form(await partner_options(ctx.services, ctx.workspace))
    details = read_details(form, ctx.submission)
    if ELEPHANT_KEY in ctx.submission.context:
        elephant = await _completing(ctx, ctx.submission.context[ELEPHANT_KEY])
        return await _complete(ctx, elephant, details)
    # The platform vouches for where the form was opened; form context is client-supplied.
    return await file_report(ctx.services, ctx.workspace, ctx.person, details,
                             ctx.submission.conversation)


async def yours(ctx: CommandContext) -> tuple[Block, ...]:
    """The elephants you reported, for your home; a partner contact has none to see."""
    if ctx.person.role is Role.PARTNER_CONTACT or ctx.person.is_external:
        return ()
    async with ctx.services.db.session() as session:
        found = await elephants.reported_by(session, ctx.workspace.id or 0, ctx.person.id or 0)
    if not found:
        return ()
    lines = [f"- {item.short_id} {item.title} ({status_label(item).lower()})"
             for item in found[-HOME_SHOWN:]]
    return (Text("**Elephants you reported**\n" + "\n".join(lines), markup=True),)
