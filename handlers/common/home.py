"""`home`: one card of what is yours across every feature (the Slack App Home shows the
same): each feature's `home` sections, in registry order."""

from __future__ import annotations

from bot.core.cards import Block, Card, Context
from bot.core.commands import CommandSpec, Feature, Registry, Subcommand
from bot.core.responses import Reply, Response
from handlers.common.context import CommandContext

TITLE = "Your PartnerOps home"
NOTHING = "Nothing waits for you right now."


def build(registry: Registry) -> Feature:
    """The `home` command; it reads the sections of the finished registry."""

    async def show(ctx: CommandContext) -> Response:
        blocks: list[Block] = []
        for section in registry.home_sections:
            blocks.extend(await section(ctx))
        if not blocks:
            blocks.append(Context(NOTHING))
        return Reply(Card(summary=TITLE, title=TITLE, blocks=tuple(blocks)))

    return Feature(name="home", commands=(CommandSpec(
        name="home",
        summary="Your partners, objectives, answers waiting and elephants, in one card.",
        slash_command=False,
        default=Subcommand("", "Show your home: what is yours and what waits for you.", "",
                           show),
    ),))
