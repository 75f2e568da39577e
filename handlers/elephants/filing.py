"""Filing an elephant: checked, held back beside similar open ones (unless anonymous or
confirmed), stored, posted to the elephants channel, and the reporter told."""

from __future__ import annotations

import logging
import secrets
from decimal import Decimal
from typing import Any

from bot.core.cards import Actions, Button, ButtonStyle, Card, Context, Text
from bot.core.commands import (
    SettingSpec,
)
from bot.core.conversation import ConversationKind, ConversationRef
from bot.core.errors import DeliveryError, UserError
from bot.core.responses import Reply
from handlers.common.channels import chosen_channel, named, partners_can_read
from handlers.common.context import (
    Services,
    conversation_in,
)
from handlers.elephants.cards import CLOSED, status_label
from handlers.elephants.fields import (
    DESCRIPTION_MAX,
    EXAMPLE,
    TITLE_MAX,
    Details,
    Field,
    title_problem,
)
from handlers.elephants.ids import ElephantAction
from handlers.elephants.posting import card_of
from handlers.elephants.similar import similar_to
from storage.common.models import Person, Workspace
from storage.elephants import repository as elephants
from storage.elephants.models import Elephant, ElephantCategory, ElephantSide
from storage.partners import repository as partners

log = logging.getLogger(__name__)

ELEPHANTS_CHANNEL = SettingSpec(
    name="elephants-channel", what="elephant reports",
    unset="not set (reports go to the channel they came from)",
    announcement="This channel now receives elephant reports", internal=True)

def split_report(text: str) -> tuple[str, str]:
    """Quick reports: the first line (cut at a word) is the title, the whole text describes."""
    text = text.strip()
    first_line = text.splitlines()[0].strip()
    if len(first_line) <= TITLE_MAX:
        title = first_line
    else:
        title = first_line[: TITLE_MAX - 1].rsplit(" ", 1)[0] + "…"
    return title, text if text != title else ""


async def checked_partner(services: Services, workspace: Workspace, details: Details) -> None:
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


def details_of(draft: dict[str, Any]) -> Details:
    return Details(title=str(draft["title"]), description=str(draft["description"]),
                   sides=tuple(ElephantSide(side) for side in draft["sides"]),
                   category=ElephantCategory(draft["category"]) if draft["category"] else None,
                   hours_lost_per_week=Decimal(draft["hours"]) if draft["hours"] else None,
                   deals_affected=draft["deals"], partner_id=draft["partner_id"],
                   anonymous=bool(draft["anonymous"]))


async def _similar(services: Services, workspace: Workspace, details: Details
                   ) -> list[Elephant]:
    async with services.db.session() as session:
        open_ones = [item for item in await elephants.all_elephants(session, workspace.id or 0)
                     if item.status not in CLOSED]
    return similar_to(details.title, details.description, open_ones)


async def _held_back(services: Services, workspace: Workspace, details: Details,
                     origin: ConversationRef, quick: bool) -> Reply | None:
    """Similar open elephants, shown before filing with "I see it too" on each, and the
    report kept aside for "File mine anyway"; None when nothing looks alike."""
    found = await _similar(services, workspace, details)
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
    await checked_partner(services, workspace, details)
    # An anonymous reporter is not held back: the question, the held report and its button
    # would each record or address them. The similar ones are named in the form's answer.
    alike = await _similar(services, workspace, details) if details.anonymous else []
    if not confirmed and not details.anonymous \
            and (held := await _held_back(services, workspace, details, origin, quick)):
        return held
    target = await chosen_channel(services, workspace, ELEPHANTS_CHANNEL)
    if target is None:
        target = await named(services, conversation_in(workspace, origin))
        if why := await partners_can_read(services, workspace, target):
            raise UserError(f"Elephants are internal, and {why}, so I won't post it here. "
                            "File it from an internal channel, or ask an admin to choose the "
                            "elephants channel. Nothing was filed.",
                            example="partnerops settings elephants-channel #elephants")
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
    if target.kind is ConversationKind.DIRECT:
        said += (" No elephants channel is chosen yet, so only you see that post: ask an "
                 "admin to choose one (`partnerops settings elephants-channel #elephants`), "
                 "and the herd can find it.")
    if details.anonymous:
        # Said in the form itself where the platform can: no message addressed to them.
        said += " It names nobody, not even to admins."
        if alike:
            said += (" These open ones look alike; if one is the same, say you see it too on "
                     "its post: " + ", ".join(f"{item.short_id} ({item.title})"
                                             for item in alike) + ".")
        return Reply(said, in_form=True)
    if not quick:
        return Reply(said)
    return Reply(Card(summary=said, blocks=(
        Text(said, markup=True),
        Context("Sides involved, category, hours lost and a related partner help it get "
                "fixed."),
        Actions((Button("Add details", ElephantAction.DETAILS, str(elephant.id)),)))))


