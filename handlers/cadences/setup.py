"""`setup` and `edit`: the form, and saving it (all or nothing) once every field is right."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date

from bot.core.conversation import Actor, ConversationKind, ConversationRef, Platform
from bot.core.errors import DeliveryError, FormErrors, UserError
from bot.core.responses import OpenForm, Reply, Response
from handlers.cadences.calendar import local_date
from handlers.cadences.kinds import KINDS, Family, family_named
from handlers.cadences.names import name_argument, named_cadence
from handlers.cadences.parent import report_channel
from handlers.cadences.parsing import format_days
from handlers.cadences.participants import participant_channel_label
from handlers.cadences.participants import zone_of as cadence_zone
from handlers.cadences.setup_form import (
    ASKED_IN_KEY,
    CADENCE_KEY,
    FAMILY_KEY,
    NAME,
    PARTNERS,
    REPORT_CHANNEL,
    initial_values,
    setup_form,
)
from handlers.cadences.setup_read import Draft, read_draft
from handlers.cadences.subjects import asked_by
from handlers.cadences.summary import next_text, summary_card
from handlers.common.channels import named
from handlers.common.context import (
    CommandContext,
    FormContext,
    Services,
    conversation_in,
)
from handlers.common.identity import resolve_person, zone_of
from handlers.common.partner_menu import partner_options
from storage.cadences import repository as cadences
from storage.cadences.models import Cadence
from storage.common import people
from storage.common.models import Person, Role, Workspace
from storage.partners import repository as partners


async def open_setup(ctx: CommandContext, family: Family) -> Response:
    return OpenForm(setup_form(family, partner_options=await partner_options(ctx.services,
                                                                             ctx.workspace)))

PROFILE_LOOKUPS_AT_ONCE = 8


def _same_platform(cadence: Cadence, platform: Platform, family: Family) -> None:
    if cadence.platform != platform.value:
        raise UserError(f"{cadence.name} runs on {cadence.platform.title()}, where its channels "
                        f"and people are; edit it there.",
                        example=family.example(f"edit {cadence.name}"))


async def open_edit(ctx: CommandContext, family: Family) -> Response:
    cadence = await named_cadence(ctx.services, ctx.workspace, family, name_argument(ctx.args),
                                  "edit")
    _same_platform(cadence, ctx.platform, family)
    async with ctx.services.db.session() as session:
        taking_part = await cadences.participants(session, cadence.id or 0)
        members = await people.members(session, [person.id or 0 for person in taking_part],
                                       ctx.platform.value)
    picker = ctx.services.pickers.get(ctx.platform)
    ids = [picker.shown_as(member.user_id, member.directory_id) if picker else member.user_id
           for member in members]
    held = [report_channel(cadence, ctx.workspace)]
    if cadence.participant_channel_id:
        held.append(ConversationRef(ctx.platform, cadence.participant_channel_id,
                                    workspace=ctx.workspace.external_id or ""))
    names = {channel.id: (await named(ctx.services, channel)).label for channel in held}
    offered = await partner_options(ctx.services, ctx.workspace)
    async with ctx.services.db.session() as session:
        listed = (await cadences.listed_partners(session, [cadence.id or 0])).get(
            cadence.id or 0, [])
    chosen = [partner.id or 0 for partner in listed if partner.archived_at is None]
    return OpenForm(setup_form(family, initial=initial_values(cadence, ids, chosen),
                               cadence_id=cadence.id, channel_names=names,
                               partner_options=offered))


async def _editing(services: Services, workspace: Workspace,
                   submission_context: dict[str, str]) -> Cadence | None:
    raw = submission_context.get(CADENCE_KEY)
    if raw is None:
        return None
    async with services.db.session() as session:
        cadence = await cadences.get_in(session, workspace.id or 0, int(raw)) \
            if raw.isdigit() else None
    if cadence is None:
        raise UserError("That cadence was deleted while the form was open; nothing was saved.")
    return cadence


async def _announce(services: Services, draft: Draft, person: Person,
                    editing: Cadence | None) -> None:
    """Post to a new report channel first: proves the bot may speak there before saving."""
    channel = draft.report_channel
    if editing is not None and editing.report_channel_id == channel.id:
        return
    try:
        # The name after "of": before "reports", a name starting "The" read "the The A team".
        await services.outbox.post(channel, f"This channel now receives the reports of "
                                            f"{draft.name} (set up by {person.display_name}).")
    except DeliveryError as exc:
        raise UserError(f"I can't post in {channel.label} ({exc}). Invite me to it first, then "
                        "submit again.", example="/invite @PartnerOps",
                        field=REPORT_CHANNEL) from exc


def _apply(cadence: Cadence, draft: Draft, today: date) -> None:
    channel = draft.report_channel
    if cadence.report_channel_id != channel.id or channel.name:
        cadence.report_channel_name = channel.name
    cadence.name, cadence.kind = draft.name, draft.kind
    cadence.platform, cadence.report_channel_id = channel.platform.value, channel.id
    cadence.participant_channel_id = draft.participant_channel.id \
        if draft.participant_channel else None
    cadence.schedule = draft.schedule.anchored(today).text
    cadence.days = format_days(draft.days)
    cadence.local_time = f"{draft.local_time:%H:%M}"
    cadence.close_time = f"{draft.close_time:%H:%M}"
    cadence.timezone = draft.timezone
    cadence.reminder_minutes = draft.reminder_minutes
    cadence.skip_weekends = draft.skip_weekends
    cadence.holiday_country = draft.holiday_country
    cadence.questions = list(draft.questions)


async def _nothing_to_ask(services: Services, workspace: Workspace, draft: Draft) -> bool:
    """A check-in that lists no partners asks each participant about the partners they own:
    True when none of its participants owns one."""
    if not KINDS[draft.kind].about_partners or draft.partner_ids or draft.new_partners:
        return False
    platform = draft.report_channel.platform
    user_ids = list(draft.participant_ids)
    directory = services.channels.get(platform)
    if draft.participant_channel is not None and directory is not None:
        try:
            user_ids += await directory.members(draft.participant_channel.id,
                                                workspace.external_id or "")
        except DeliveryError:
            return False  # members unknown now: the prompts ask whoever owns partners then
    async with services.db.session() as session:
        found = [await people.by_identity(session, workspace.id or 0, platform.value, user_id)
                 for user_id in dict.fromkeys(user_ids)]
        owners = await partners.owned_by_each(session, workspace.id or 0,
                                              [person.id or 0 for person in found if person])
    return not owners


async def _save(services: Services, workspace: Workspace, draft: Draft, person: Person,
                editing: Cadence | None) -> Cadence:
    now = services.clock.now()
    platform = draft.report_channel.platform.value
    try:
        async with services.db.session() as session:
            cadence = await cadences.get(session, editing.id or 0) if editing else Cadence(
                workspace_id=workspace.id or 0, name=draft.name, kind=draft.kind, platform="",
                report_channel_id="", created_by_id=person.id, created_at=now, updated_at=now)
            if cadence is None:
                raise UserError("That cadence was deleted while the form was open; nothing "
                                "was saved.")
            # Every N weeks counts from the admin's today unless the form names a first day.
            _apply(cadence, draft, local_date(now, zone_of(person, services, draft.timezone)))
            cadence.updated_at = now
            await cadences.save(session, cadence)
            members = await people.get_or_create_many(session, workspace.id or 0, platform,
                                                      draft.participant_ids, now=now)
            await cadences.set_participants(session, cadence.id or 0,
                                            [member.id or 0 for member in members], now=now)
            # Partners typed in the form (the workspace had no list yet) join the list.
            listed = list(draft.partner_ids)
            for name in draft.new_partners:
                partner = await partners.by_name(session, workspace.id or 0, name) \
                    or await partners.add(session, workspace_id=workspace.id or 0, name=name,
                                          type=None, tier=None, owner_id=None, now=now)
                if partner.archived_at is not None:
                    raise UserError(f"{partner.name} is archived, so a check-in cannot ask "
                                    "about it; name partners still in business.",
                                    example="Northwind Traders", field=PARTNERS)
                listed.append(partner.id or 0)
            await cadences.set_partners(session, cadence.id or 0, listed)
    except cadences.NameTaken as exc:  # a cadence of that name was saved meanwhile
        raise UserError(f"There is already a cadence called '{draft.name}'; names are unique "
                        "(whatever the case). Choose another.", example=f"{draft.name} 2",
                        field=NAME) from exc
    return cadence


async def _learn_profiles(services: Services, workspace: Workspace, draft: Draft) -> None:
    """Names and time zones of people picked in the form, from the platform's directory."""
    platform = draft.report_channel.platform
    if platform not in services.profiles:
        return  # no directory here: they fill their own profile when they first write
    gate = asyncio.Semaphore(PROFILE_LOOKUPS_AT_ONCE)

    async def learn(user_id: str) -> None:
        async with gate:
            await resolve_person(services, workspace, Actor(
                platform, user_id, workspace=workspace.external_id or ""))

    await asyncio.gather(*(learn(user_id) for user_id in draft.participant_ids))


async def setup_submitted(ctx: FormContext) -> Response:
    # Form context is client-supplied: check the role and the target again.
    if ctx.person.role is not Role.ADMIN:
        raise UserError("Only admins can set up cadences. Ask an admin, or see who you are "
                        "with `partnerops whoami`.", example="partnerops whoami")
    family = family_named(ctx.submission.context.get(FAMILY_KEY, ""))
    editing = await _editing(ctx.services, ctx.workspace, ctx.submission.context)
    if editing is not None:
        _same_platform(editing, ctx.submission.conversation.platform, family)

    async def name_taken(name: str) -> bool:
        async with ctx.services.db.session() as session:
            other = await cadences.by_name(session, ctx.workspace.id or 0, name)
        return other is not None and (editing is None or other.id != editing.id)

    picker = ctx.services.pickers.get(ctx.platform)

    async def user_ids(picked: list[str]) -> list[str | None]:
        assert picker is not None
        return await picker.user_ids(ctx.workspace.external_id or "", picked)

    offered = await partner_options(ctx.services, ctx.workspace)

    def again(problems: dict[str, str]) -> FormErrors:
        """The form shown again as it was typed, with every problem beside its field."""
        form = setup_form(family, cadence_id=editing.id if editing else None,
                          partner_options=offered)
        form = form.again(ctx.submission.values, problems)
        here = ctx.submission.conversation
        asked_in = here.id if here.kind is not ConversationKind.DIRECT \
            else ctx.submission.context.get(ASKED_IN_KEY)
        if asked_in:
            form = replace(form, context={**form.context, ASKED_IN_KEY: asked_in})
        return FormErrors(problems, form=form)

    try:
        draft = await read_draft(ctx.submission, family, name_taken,
                                 user_ids=user_ids if picker is not None else None,
                                 partner_names={option.value: option.label
                                                for option in offered})
        draft = replace(draft, report_channel=await named(
            ctx.services, conversation_in(ctx.workspace, draft.report_channel)))
        if await _nothing_to_ask(ctx.services, ctx.workspace, draft):
            raise UserError("This check-in lists no partners, so it asks each participant "
                            "about the partners they own, and none of them owns one. Choose "
                            "the partners it asks about, or first make its participants "
                            "owners with `partner edit <partner> owner @someone`.",
                            example="partner edit Northwind owner @ana",
                            field=PARTNERS)
        await _announce(ctx.services, draft, ctx.person, editing)
        cadence = await _save(ctx.services, ctx.workspace, draft, ctx.person, editing)
    except FormErrors as problems:
        raise again(problems.problems) from None
    except UserError as problem:
        if problem.field is None:
            raise
        raise again({problem.field: problem.message}) from None
    await _learn_profiles(ctx.services, ctx.workspace, draft)
    ctx.services.schedule_changed()
    card = summary_card(cadence, ctx.workspace, len(draft.participant_ids),
                        created=editing is None,
                        participant_channel=await participant_channel_label(
                            ctx.services, cadence, ctx.workspace),
                        next_run=next_text(cadence, ctx.services.clock.now(),
                                           cadence_zone(ctx.person, ctx.services, cadence)),
                        partners=(await asked_by(ctx.services, cadence)).describe()
                        if KINDS[cadence.kind].about_partners else "")
    return Reply(card)
