"""`/partnerops`: workspace settings, who you are to the bot, and the overview of commands."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.cards import Card, Fields
from bot.core.commands import CommandSpec, ExportSpec, Feature, SettingSpec, Subcommand
from bot.core.conversation import ConversationKind, ConversationRef
from bot.core.errors import DeliveryError, UserError
from bot.core.responses import Reply, Response
from handlers.common.channels import choose_channel, chosen_channel
from handlers.common.context import CommandContext, conversation_in
from storage.common.export import PEOPLE_COLUMNS, people_rows
from storage.partners.export import PARTNER_COLUMNS, partner_rows
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


def build(settings_of: Callable[[], tuple[SettingSpec, ...]]) -> Feature:
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
            raise UserError(f"There is no setting '{words[0]}'. Settings: "
                            f"{', '.join(known)}.", example=EXAMPLE)
        channel = _channel_argument(ctx, words[1:])
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
        zone = person.timezone or f"{ctx.services.config.default_timezone} (default)"
        return Reply(Card(summary=f"You are {person.display_name}",
                          title="Who you are to PartnerOps",
                          blocks=(Fields((("Name", person.display_name),
                                          ("Role", person.role.value.replace("_", " ")),
                                          ("Time zone", zone),
                                          ("Email", person.email or "unknown"))),)))

    # Partners get a feature of their own later; until then admin exports them.
    return Feature(name="admin", exporters=(
        ExportSpec("people", PEOPLE_COLUMNS, people_rows, flat_row),
        ExportSpec("partners", PARTNER_COLUMNS, partner_rows, flat_row)), commands=(
        CommandSpec(
            name="partnerops",
            summary="Settings, your role, and an overview of everything.",
            subcommands=(
                Subcommand("settings", "Show settings, or set one.",
                           "settings [elephants-channel <#channel|here>]", settings,
                           examples=("settings elephants-channel #partner-elephants",),
                           admin_only=True),
                Subcommand("whoami", "Your role, time zone and email as PartnerOps sees them.",
                           "whoami", whoami, examples=("whoami",)),
            ),
        ),
    ),)
