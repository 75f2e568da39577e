"""Elephant reports: name the Us-versus-Them friction so it can be owned and fixed."""

from __future__ import annotations

import logging
from enum import StrEnum

from bot.core.cards import Block, Card, Context, Fields, Text
from bot.core.commands import CommandSpec, ExportSpec, Feature, SettingSpec, Subcommand
from bot.core.conversation import ConversationRef
from bot.core.errors import DeliveryError, UserError
from bot.core.forms import FieldKind, Form, FormField
from bot.core.responses import OpenForm, Reply, Response
from handlers.common.channels import chosen_channel, named
from handlers.common.context import CommandContext, FormContext, Services, conversation_in
from storage.common.models import Person, Role, Workspace
from storage.elephants import repository as elephants
from storage.elephants.export import ELEPHANT_COLUMNS, elephant_rows
from storage.elephants.models import Elephant
from storage.rows import flat_row

log = logging.getLogger(__name__)

TITLE_MAX = 200
DESCRIPTION_MAX = 3000
MIN_LENGTH = 5
HOME_SHOWN = 10
EXAMPLE = "elephant Direct reps keep the forecast from our VARs"


class ElephantForm(StrEnum):
    """Values travel through Slack callback_ids and Teams card data: keep them stable."""

    REPORT = "partnerops.elephant.report"


ELEPHANTS_CHANNEL = SettingSpec(
    name="elephants-channel", what="elephant reports",
    unset="not set (reports go to the channel they came from)",
    announcement="This channel now receives elephant reports")


def split_report(text: str) -> tuple[str, str]:
    """Quick reports: the first line (cut at a word) is the title, the whole text describes."""
    text = text.strip()
    first_line = text.splitlines()[0].strip()
    if len(first_line) <= TITLE_MAX:
        title = first_line
    else:
        title = first_line[: TITLE_MAX - 1].rsplit(" ", 1)[0] + "…"
    return title, text if text != title else ""


def report_form() -> Form:
    return Form(
        id=ElephantForm.REPORT,
        title="Report an elephant",
        submit_label="Report",
        fields=(
            FormField("title", "What is the elephant?", max_length=TITLE_MAX,
                      placeholder="Direct reps keep the forecast from our VARs"),
            FormField("description", "What happens, and what does it cost?",
                      kind=FieldKind.MULTILINE, required=False, max_length=DESCRIPTION_MAX),
        ),
    )


def elephant_card(elephant: Elephant, reporter: Person | None) -> Card:
    reported_by = reporter.display_name if reporter else "anonymous"
    blocks: list[Block] = []
    if elephant.description:
        blocks.append(Text(elephant.description))
    blocks.append(Fields((("Status", elephant.status.value.replace("_", " ").capitalize()),
                          ("Reported by", reported_by))))
    blocks.append(Context(f"{elephant.short_id} · reported "
                          f"{elephant.created_at:%Y-%m-%d %H:%M} UTC"))
    return Card(summary=f"Elephant {elephant.short_id}: {elephant.title}",
                title=f"🐘 {elephant.short_id}: {elephant.title}", blocks=tuple(blocks))


def _validate(title: str, description: str) -> None:
    if len(title) < MIN_LENGTH:
        raise UserError("Say a little more about the elephant: a few words at least.",
                        example=EXAMPLE, field="title")
    if len(title) > TITLE_MAX:
        raise UserError(f"Keep the title under {TITLE_MAX} characters.", example=EXAMPLE,
                        field="title")
    if len(description) > DESCRIPTION_MAX:
        raise UserError(f"Keep the description under {DESCRIPTION_MAX} characters.",
                        example=EXAMPLE, field="description")


async def file_report(services: Services, workspace: Workspace, reporter: Person, title: str,
                      description: str, origin: ConversationRef) -> Reply:
    """Store the report, post it to the elephants channel, and tell the reporter privately."""
    _validate(title, description)
    async with services.db.session() as session:
        elephant = await elephants.create(session, workspace_id=workspace.id or 0, title=title,
                                          description=description,
                                          platform=origin.platform.value,
                                          reporter_id=reporter.id, now=services.clock.now())
    target = await chosen_channel(services, workspace, ELEPHANTS_CHANNEL) \
        or await named(services, conversation_in(workspace, origin))
    try:
        posted = await services.outbox.post(target, elephant_card(elephant, reporter))
    except DeliveryError as exc:
        log.warning("elephant %s saved but not posted: %s", elephant.short_id, exc)
        return Reply(f"Filed **{elephant.short_id}**, but I couldn't post it to "
                     f"{target.label} ({exc}). Invite me there, or ask an admin to choose "
                     "the elephants channel with `partnerops settings elephants-channel`.")
    async with services.db.session() as session:
        await elephants.mark_posted(session, elephant.id or 0,
                                    conversation_id=posted.conversation.id, message_id=posted.id)
    return Reply(f"Thanks. Filed **{elephant.short_id}** and posted it to {target.label}.")


def _internal_only(person: Person) -> None:
    """Elephants are the vendor's own friction: partner contacts neither see nor file them."""
    if person.role is Role.PARTNER_CONTACT or person.is_external:
        raise UserError("Elephant reports are for the vendor's own teams. Tell your partner "
                        "manager what gets in the way; they can file it.")


async def report(ctx: CommandContext) -> Response:
    _internal_only(ctx.person)
    if not ctx.args:
        return OpenForm(report_form())
    title, description = split_report(ctx.args)
    return await file_report(ctx.services, ctx.workspace, ctx.person, title, description,
                             ctx.invocation.conversation)


async def report_submitted(ctx: FormContext) -> Response:
    _internal_only(ctx.person)
    # The platform vouches for where the form was opened; form context is client-supplied.
    return await file_report(ctx.services, ctx.workspace, ctx.person,
                             ctx.submission.text("title"),
                             ctx.submission.text("description"), ctx.submission.conversation)


async def yours(ctx: CommandContext) -> tuple[Block, ...]:
    """The elephants you reported, for your home; a partner contact has none to see."""
    if ctx.person.role is Role.PARTNER_CONTACT or ctx.person.is_external:
        return ()
    async with ctx.services.db.session() as session:
        found = await elephants.reported_by(session, ctx.workspace.id or 0, ctx.person.id or 0)
    if not found:
        return ()
    lines = [f"- {item.short_id} {item.title} ({item.status.value.replace('_', ' ')})"
             for item in found[-HOME_SHOWN:]]
    return (Text("**Elephants you reported**\n" + "\n".join(lines), markup=True),)


FEATURE = Feature(
    name="elephants",
    commands=(
        CommandSpec(
            name="elephant",
            summary="Name the friction between direct sales, engineering and partner teams.",
            default=Subcommand(
                "", "File a report at once, or open the form when no text is given.",
                "[what is the elephant]", report,
                examples=("Direct reps keep the forecast from our VARs",),
            ),
        ),
    ),
    forms=((ElephantForm.REPORT, report_submitted),),
    settings=(ELEPHANTS_CHANNEL,),
    exporters=(ExportSpec("elephants", ELEPHANT_COLUMNS, elephant_rows, flat_row),),
    home=(yours,),
)
