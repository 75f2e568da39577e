"""`/partnerops`: workspace settings, who you are to the bot, and the overview of commands."""

from __future__ import annotations

from bot.core.cards import Card, Fields
from bot.core.commands import CommandSpec, Feature, Subcommand
from bot.core.conversation import ConversationKind, ConversationRef
from bot.core.errors import DeliveryError, UserError
from bot.core.responses import Reply, Response
from handlers.common.channels import (
    CHANNEL_SETTINGS,
    ELEPHANTS_CHANNEL,
    choose_channel,
    chosen_channel,
)
from handlers.common.context import CommandContext

EXAMPLE = "partnerops settings elephants-channel #partner-elephants"


def _channel_argument(ctx: CommandContext, words: list[str]) -> ConversationRef:
    if ctx.invocation.channels:
        return ctx.invocation.channels[0]
    if words and words[0].lower() == "here":
        if ctx.invocation.conversation.kind is ConversationKind.DIRECT:
            raise UserError("`here` is our direct conversation; run this in the channel itself, "
                            "or name the channel.", example=EXAMPLE)
        return ctx.invocation.conversation
    raise UserError("Name the channel: mention it, or say `here` for this conversation.",
                    example=EXAMPLE)


async def _show_settings(ctx: CommandContext) -> Response:
    channel = await chosen_channel(ctx.services, ELEPHANTS_CHANNEL, ctx.platform)
    shown = channel.label if channel else "not set (reports go to the channel they came from)"
    return Reply(Card(summary="PartnerOps settings", title="Settings",
                      blocks=(Fields(((ELEPHANTS_CHANNEL, shown),)),)))


async def settings(ctx: CommandContext) -> Response:
    words = ctx.args.split()
    if not words:
        return await _show_settings(ctx)
    name = words[0].lower()
    if name not in CHANNEL_SETTINGS:
        raise UserError(f"There is no setting '{words[0]}'. Settings: "
                        f"{', '.join(CHANNEL_SETTINGS)}.", example=EXAMPLE)
    channel = _channel_argument(ctx, words[1:])
    try:
        # Posting first proves the bot may speak there before anything is saved.
        await ctx.services.outbox.post(
            channel, f"This channel now receives elephant reports (set by "
                     f"{ctx.person.display_name}).")
    except DeliveryError as exc:
        raise UserError(f"I can't post in {channel.label} ({exc}). Invite me to it first, "
                        "then try again.", example="/invite @PartnerOps") from exc
    await choose_channel(ctx.services, name, channel)
    return Reply(f"Done: elephant reports from {ctx.platform.value.title()} now go to "
                 f"{channel.label}.")


async def whoami(ctx: CommandContext) -> Response:
    person = ctx.person
    return Reply(Card(summary=f"You are {person.display_name}", title="Who you are to PartnerOps",
                      blocks=(Fields((("Name", person.display_name),
                                      ("Role", person.role.value.replace("_", " ")),
                                      ("Time zone", person.timezone
                                       or f"{ctx.services.config.default_timezone} (default)"),
                                      ("Email", person.email or "unknown"))),)))


FEATURE = Feature(commands=(
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
