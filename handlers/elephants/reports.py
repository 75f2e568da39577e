"""Elephant reports: name the Us-versus-Them friction so it can be owned and fixed. The
commands and buttons that file (filing.py does the work) and the form's submission."""

from __future__ import annotations

import difflib
import logging
import re

from bot.core.cards import Actions, Block, Button, Card, Text
from bot.core.commands import (
    excerpt,
)
from bot.core.conversation import ConversationRef
from bot.core.errors import UserError
from bot.core.responses import OpenForm, Reply, Response
from handlers.common.context import (
    ActionContext,
    CommandContext,
    FormContext,
    conversation_in,
)
from handlers.common.partner_menu import partner_options
from handlers.elephants.access import require_internal
from handlers.elephants.cards import status_label
from handlers.elephants.details import ELEPHANT_KEY, complete, completing
from handlers.elephants.fields import (
    EXAMPLE,
    Details,
    read_details,
    report_form,
)
from handlers.elephants.filing import (
    details_of,
    file_report,
    split_report,
)
from handlers.elephants.ids import ElephantAction
from storage.common.models import Role
from storage.elephants import repository as elephants

log = logging.getLogger(__name__)

HOME_SHOWN = 10


# Quick "reports" that read like commands: asked about, never filed unseen.
COMMAND_WORDS = frozenset({"status", "delete", "remove", "close", "edit", "update", "assign",
                           "vote", "own", "fix", "done", "cancel", "undo", "rename", "help",
                           "add", "new", "create", "search", "find", "export", "acknowledge",
                           "open", "all", "unvote", "subscribe", "unsubscribe"})
# How close a first word must be to a subcommand's name to read as a slip of it ("lists").
SLIP_CUTOFF = 0.8
SHORT_ID_IN_TEXT = re.compile(r"\bE-\d+\b", re.IGNORECASE)
BUTTON_VALUE_MAX = 1900  # Slack keeps 2000 characters of a button's value


def _looks_like_a_command(text: str, subcommands: tuple[str, ...]) -> Reply | None:
    """A question, not a filing, for text that reads like a command: it starts with a
    command-like word or a slip of a subcommand's name, or names an elephant's id."""
    first = text.split()[0].lower().strip(".,:;!?")
    slip = difflib.get_close_matches(first, subcommands, n=1, cutoff=SLIP_CUTOFF)
    if first not in COMMAND_WORDS and not slip and not SHORT_ID_IN_TEXT.search(text):
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
    names = tuple(sub.name for sub in ctx.command.subcommands)
    if question := _looks_like_a_command(ctx.args, names):
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
    return await file_report(ctx.services, ctx.workspace, ctx.person, details_of(draft),
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


async def report_submitted(ctx: FormContext) -> Response:
    require_internal(ctx.person)
    form = report_form(await partner_options(ctx.services, ctx.workspace))
    details = read_details(form, ctx.submission)
    if ELEPHANT_KEY in ctx.submission.context:
        elephant = await completing(ctx, ctx.submission.context[ELEPHANT_KEY])
        return await complete(ctx, elephant, details)
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
