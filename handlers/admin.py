"""`/partnerops`: workspace settings, who you are to the bot, and the overview of commands."""

from __future__ import annotations

import json

from bot.core.cards import Card, Fields
from bot.core.commands import CommandSpec, Feature, Subcommand
from bot.core.conversation import ConversationRef, Platform
from bot.core.errors import DeliveryError, UserError
from bot.core.responses import Reply, Response
from handlers.context import CommandContext, Services
from storage import app_settings

ELEPHANTS_CHANNEL = "elephants-channel"
SETTING_NAMES = (ELEPHANTS_CHANNEL,)


def _setting_key(name: str, platform: Platform) -> str:
    return f"{name}.{platform.value}"


async def elephants_channel(services: Services, platform: Platform) -> ConversationRef | None:
    """The channel an admin chose for elephant reports on this platform, if any."""
    async with services.db.session() as session:
        stored = await app_settings.get(session, _setting_key(ELEPHANTS_CHANNEL, platform))
    return ConversationRef.from_dict(json.loads(stored)) if stored else None


def _channel_argument(ctx: CommandContext, words: list[str]) -> ConversationRef:
    if ctx.invocation.channels:
        return ctx.invocation.channels[0]
    if words and words[0].lower() == "here":
        return ctx.invocation.conversation
    raise UserError("Name the channel: mention it, or say `here` for this conversation.",
                    example="partnerops settings elephants-channel #partner-elephants")


async def _show_settings(ctx: CommandContext) -> Response:
    channel = await elephants_channel(ctx.services, ctx.platform)
    shown = channel.label if channel else "not set (reports go to the channel they came from)"
    return Reply(Card(summary="PartnerOps settings", title="Settings",
                      blocks=(Fields(((ELEPHANTS_CHANNEL, shown),)),)))


async def settings(ctx: CommandContext) -> Response:
    words = ctx.args.split()
    if not words:
        return await _show_settings(ctx)
    name = words[0].lower()
    if name not in SETTING_NAMES:
        raise UserError(f"There is no setting '{words[0]}'. Settings: "
                        f"{', '.join(SETTING_NAMES)}.",
                        example="partnerops settings elephants-channel #partner-elephants")
    channel = _channel_argument(ctx, words[1:])
    try:
        # Posting first proves the bot may speak there before anything is saved.
        await ctx.services.outbox.post(
            channel, f"This channel now receives elephant reports (set by "
                     f"{ctx.person.display_name}).")
    except DeliveryError as exc:
        raise UserError(f"I can't post in {channel.label} ({exc}). Invite me to it first, "
                        "then try again.", example="/invite @PartnerOps") from exc
    async with ctx.services.db.session() as session:
        await app_settings.put(session, _setting_key(ELEPHANTS_CHANNEL, ctx.platform),
                               json.dumps(channel.to_dict()), now=ctx.services.clock.now())
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
