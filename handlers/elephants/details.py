"""A quick report's details, added later by its reporter only (ticking Anonymous there
forgets them from then on)."""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.core.errors import UserError
from bot.core.responses import OpenForm, Reply, Response
from handlers.common.context import (
    ActionContext,
    FormContext,
)
from handlers.common.partner_menu import partner_options
from handlers.elephants.access import require_internal
from handlers.elephants.fields import (
    FORM_DESCRIPTION_MAX,
    Details,
    Field,
    report_form,
    title_problem,
)
from handlers.elephants.filing import checked_partner
from handlers.elephants.posting import refresh_post
from storage.elephants import repository as elephants
from storage.elephants.models import Elephant

log = logging.getLogger(__name__)

ELEPHANT_KEY = "elephant"  # the report a details form completes



async def completing(ctx: FormContext | ActionContext, raw: str) -> Elephant:
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
    elephant = await completing(ctx, ctx.action.value)
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


async def complete(ctx: FormContext, elephant: Elephant, details: Details) -> Response:
    """A quick report's details, added by its reporter; ticking Anonymous forgets them."""
    await checked_partner(ctx.services, ctx.workspace, details)
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


