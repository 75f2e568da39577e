"""`/partnerops`: workspace settings, who you are to the bot, and the overview of commands."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.cards import Card, Fields
from bot.core.commands import CommandSpec, ExportSpec, Feature, SettingSpec, Subcommand, excerpt
from bot.core.conversation import ConversationKind, ConversationRef
from bot.core.dates import canonical_zone, closest_zone
from bot.core.errors import DeliveryError, UserError
from bot.core.responses import Reply, Response
from handlers.admin import exports, roles
from handlers.common.channels import choose_channel, chosen_channel, named, partners_can_read
from handlers.common.context import CommandContext, conversation_in
from handlers.common.identity import zone_of
from storage.common import people
from storage.common.export import PEOPLE_COLUMNS, people_rows
from storage.rows import flat_row

EXAMPLE = "partnerops settings elephants-channel #partner-elephants"


def _channel_argument(ctx: CommandContext, words: list[str]) -> ConversationRef:
    if ctx.invocation.channels:
        return conversation_in(ctx.workspace, ctx.invocation.channels[0])
    if words and words[0].lower() == "here":
        if ctx.invocation.conversation.kind is ConversationKind.DIRECT:
            raise UserError("`here` is our direct conversation; run this in the channel itself, "
                            "or name the channel.", example=EXAMPLE)
        return conversation_in(ctx.workspace, ctx.invocation.conversation)
    raise UserError("Name the channel: mention it, or say `here` for this conversation.",
                    example=EXAMPLE)


TZ_EXAMPLE = "partnerops tz Europe/Berlin"
FROM_PROFILE = frozenset({"profile", "auto", "reset"})


def _zone_text(ctx: CommandContext) -> str:
    """The zone the person's days run in, and where it comes from."""
    person, zone = ctx.person, zone_of(ctx.person, ctx.services)
    if person.chosen_timezone and zone == person.chosen_timezone:
        return f"{zone} (you chose it)"
    if person.timezone and zone == person.timezone:
        return f"{zone} (from your profile)"
    return f"{zone} (the workspace default)"


async def _cadence_zone_lines(ctx: CommandContext) -> list[str]:
    """A line for each cadence that asks the person at another zone's time (they have no
    zone of their own, so its zone for people without one applies)."""
    if ctx.services.zones is None:
        return []
    found = await ctx.services.zones.zone_of(ctx.invocation.actor)
    return [f"{name} asks you at {zone} time (its zone for people without one)"
            for name, zone in found.elsewhere]


def build(settings_of: Callable[[], tuple[SettingSpec, ...]],
          exporters_of: exports.ExportersOf = dict) -> Feature:
    """`/partnerops`; `settings_of` lists the channel settings every feature declares."""

    async def show_settings(ctx: CommandContext) -> Response:
        rows = []
        for setting in settings_of():
            channel = await chosen_channel(ctx.services, ctx.workspace, setting)
            rows.append((setting.name, channel.label if channel else setting.unset))
        return Reply(Card(summary="PartnerOps settings", title="Settings",
                          blocks=(Fields(tuple(rows)),) if rows else ()))

    async def settings(ctx: CommandContext) -> Response:
        words = ctx.args.split()
        if not words:
            return await show_settings(ctx)
        known = {setting.name: setting for setting in settings_of()}
        setting = known.get(words[0].lower())
        if setting is None:
            raise UserError(f"There is no setting '{excerpt(words[0])}'. Settings: "
                            f"{', '.join(known)}.", example=EXAMPLE)
        channel = await named(ctx.services, _channel_argument(ctx, words[1:]))
        if setting.internal and (why := await partners_can_read(ctx.services, ctx.workspace,
                                                                 channel)):
            raise UserError(f"{channel.label} can't receive {setting.what}: {why}. They are "
                            "for your own people only; choose a channel no partner is in. "
                            "Nothing was changed.",
                            example=f"partnerops settings {setting.name} #internal-channel")
        try:
            # Posting first proves the bot may speak there before anything is saved.
            await ctx.services.outbox.post(
                channel, f"{setting.announcement} (set by {ctx.person.display_name}).")
        except DeliveryError as exc:
            raise UserError(f"I can't post in {channel.label} ({exc}). Invite me to it first, "
                            "then try again.", example="/invite @PartnerOps") from exc
        await choose_channel(ctx.services, ctx.workspace, setting, channel)
        return Reply(f"Done: {setting.what} now go to {channel.label}.")

    async def whoami(ctx: CommandContext) -> Response:
        person = ctx.person
        zone = "\n".join([_zone_text(ctx), *await _cadence_zone_lines(ctx)])
        return Reply(Card(summary=f"You are {person.display_name}",
                          title="Who you are to PartnerOps",
                          blocks=(Fields((("Name", person.display_name),
                                          ("Role", person.role.value.replace("_", " ")),
                                          ("Time zone", zone),
                                          ("Email", person.email or "unknown"))),)))

    async def tz(ctx: CommandContext) -> Response:
        """`tz` shows your zone and where it comes from; `tz <zone>` chooses it."""
        chosen = " ".join(ctx.args.split())
        if not chosen:
            return Reply(f"Your time zone is {_zone_text(ctx)}. Set your own with "
                         "`partnerops tz Europe/Berlin`; `partnerops tz profile` goes back "
                         "to your profile's.")
        if chosen.lower() in FROM_PROFILE:
            new = None
        else:
            new = canonical_zone(chosen)
            if new is None:
                close = closest_zone(chosen)
                hint = f" Did you mean {close}?" if close else ""
                raise UserError(f"'{excerpt(chosen)}' is not a time zone I know; use a name "
                                f"from the tz database.{hint}", example=TZ_EXAMPLE)
        async with ctx.services.db.session() as session:
            stored = await people.get(session, ctx.person.id or 0)
            if stored is not None:
                stored.chosen_timezone = new
                session.add(stored)
                ctx.person.chosen_timezone = new
        ctx.services.schedule_changed()
        return Reply(f"Your time zone is now {_zone_text(ctx)}. Prompts come at their local "
                     "time in it from the next one on; a day you were already asked is not "
                     "asked again.")

    return Feature(name="admin", exporters=(
        ExportSpec("people", PEOPLE_COLUMNS, people_rows, flat_row),), commands=(
        CommandSpec(
            name="partnerops",
            summary="Settings, your role, and an overview of everything.",
            subcommands=(
                Subcommand("settings", "Show settings, or set one.",
                           "settings [elephants-channel <#channel|here>]", settings,
                           examples=("settings elephants-channel #partner-elephants",),
                           admin_only=True),
                Subcommand("export", "This workspace's rows of one kind as a CSV file, sent "
                                     "to you.", "export <partners|objectives|leads|...>",
                           exports.command(exporters_of),
                           examples=("export partners",), admin_only=True),
                Subcommand("admins", "Who the admins are; add or remove one (there is always "
                                     "at least one).", "admins [add|remove @someone]",
                           roles.admins, examples=("admins", "admins add @bob"),
                           admin_only=True),
                Subcommand("whoami", "Your role, time zone and email as PartnerOps sees them.",
                           "whoami", whoami, examples=("whoami",)),
                Subcommand("tz", "Show your time zone, or choose it (when your profile has "
                                 "none, or the wrong one).", "tz [<zone>|profile]", tz,
                           examples=("tz Europe/Berlin", "tz")),
            ),
        ),
    ),)
