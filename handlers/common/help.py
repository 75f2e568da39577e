"""Help for every command, written the way each platform types it."""

from __future__ import annotations

import re
from dataclasses import replace
from enum import StrEnum

from bot.core.cards import Block, Card, Content, Context, Divider, Fields, Text
from bot.core.commands import CommandSpec, Feature, Registry, Subcommand
from bot.core.conversation import CommandStyle
from bot.core.responses import Reply, Response
from handlers.common.context import ActionContext, CommandContext

# A command quoted in a message: `standup back`, `partnerops settings elephants-channel`.
MENTION = re.compile(r"`([a-z][a-z-]*)((?:\s[^`]*)?)`")


class HelpAction(StrEnum):
    """The Help button; its value names the command to explain."""

    SHOW = "partnerops.help"


def as_typed(example: str, style: CommandStyle, registry: Registry) -> str:
    """An example written as "elephant ..." shown the way this platform types it."""
    word = example.partition(" ")[0]
    return style.typed(example) if registry.command(word) is not None else example


def typed_mentions(content: Content, style: CommandStyle, registry: Registry) -> Content:
    """Commands quoted in a message (`standup back`) as this platform types them
    (`/pp-standup back` in Slack); the handlers write them once, platform-neutral."""
    if not style.slash:
        return content

    def retype(text: str) -> str:
        def one(match: re.Match[str]) -> str:
            word, rest = match.group(1), match.group(2) or ""
            known = registry.command(word.lower()) is not None
            return f"`{style.label(word)}{rest}`" if known else match.group(0)

        return MENTION.sub(one, text)

    if isinstance(content, str):
        return retype(content)
    blocks: list[Block] = []
    for block in content.blocks:
        match block:
            case Text(body=body, markup=markup):
                blocks.append(Text(retype(body), markup))
            case Context(body=body):
                blocks.append(Context(retype(body)))
            case Fields(items=items):
                blocks.append(Fields(tuple((label, retype(value)) for label, value in items)))
            case _:
                blocks.append(block)
    return replace(content, summary=retype(content.summary), blocks=tuple(blocks))


def usage_line(style: CommandStyle, spec: CommandSpec, sub: Subcommand) -> str:
    return f"{style.label(spec.name)} {sub.usage}".strip()


def command_help(spec: CommandSpec, style: CommandStyle) -> Card:
    label = style.label(spec.name)
    items = tuple(
        (usage_line(style, spec, sub), sub.summary + (" (admins)" if sub.admin_only else ""))
        for sub in spec.every_usage()
    )
    examples = [f"{label} {example}" for sub in spec.every_usage() for example in sub.examples]
    blocks: list[Block] = [Text(spec.summary)]
    if items:
        blocks.append(Fields(items))
    if examples:
        blocks.append(Context("Examples: " + " · ".join(f"`{ex}`" for ex in examples[:4])))
    blocks.append(Context(f"`{label} help` shows this again."))
    return Card(summary=f"Help for {label}", title=f"Help: {label}", blocks=tuple(blocks))


def subcommand_help(spec: CommandSpec, sub: Subcommand, style: CommandStyle) -> Card:
    """One subcommand: what it does, how it is typed, and examples."""
    label = style.label(spec.name)
    usage = usage_line(style, spec, sub)
    blocks: list[Block] = [Text(sub.summary + (" (admins)" if sub.admin_only else "")),
                           Fields((("Usage", usage),))]
    if sub.examples:
        blocks.append(Context("Examples: " + " · ".join(f"`{label} {example}`"
                                                        for example in sub.examples)))
    blocks.append(Context(f"`{label} help` shows every {label} subcommand."))
    return Card(summary=f"Help for {usage}", title=f"Help: {label} {sub.name}".strip(),
                blocks=tuple(blocks))


def overview(registry: Registry, style: CommandStyle) -> Card:
    items = tuple(
        (style.label(spec.name), spec.summary)
        for spec in registry.commands if spec.name != "help"
    )
    help_hint = style.label("<command>") + " help"
    return Card(
        summary="What PartnerOps can do",
        title="PartnerOps",
        blocks=(
            Text("Runs your partner channel's routine: cadences, objectives, feedback and "
                 "elephant reports."),
            Divider(),
            Fields(items),
            Context(f"Type `{help_hint}` for the details of one command."),
        ),
    )


# The umbrella command whose help is the overview of every command.
OVERVIEW_COMMAND = "partnerops"


def help_for(registry: Registry, spec: CommandSpec, style: CommandStyle) -> Card:
    """The help card for `spec`; the umbrella command's help also lists every command."""
    own = command_help(spec, style)
    if spec.name != OVERVIEW_COMMAND:
        return own
    whole = overview(registry, style)
    return Card(summary=whole.summary, title=whole.title,
                blocks=(*whole.blocks, Divider(), *own.blocks))


def build(registry_of: Registry) -> Feature:
    """The `help` command; it needs the finished registry to describe it."""

    def explain(asked: str, style: CommandStyle) -> Reply:
        """Help for the command named in `asked`, else the overview."""
        word = asked.split()[0].lower().lstrip("/").removeprefix(style.prefix) if asked else ""
        spec = registry_of.command(word) if word else None
        if spec is not None:
            return Reply(help_for(registry_of, spec, style))
        return Reply(overview(registry_of, style))

    async def show_overview(ctx: CommandContext) -> Response:
        return explain(ctx.args, ctx.style)

    async def show_command_help(ctx: CommandContext) -> Response:
        """`<command> help`: the command's own help (the umbrella command's lists all);
        `<command> <subcommand> help`: that subcommand's."""
        sub = ctx.command.subcommand(ctx.args.strip().lower()) if ctx.args.strip() else None
        if sub is not None:
            return Reply(subcommand_help(ctx.command, sub, ctx.style))
        return Reply(help_for(registry_of, ctx.command, ctx.style))

    registry_of.help = Subcommand("help", "Explain this command.", "help", show_command_help)

    async def help_pressed(ctx: ActionContext) -> Response:
        """A Help button: its value names the command to explain."""
        return explain(ctx.action.value, ctx.services.style(ctx.platform))

    spec = CommandSpec(
        name="help",
        summary="What PartnerOps can do.",
        slash_command=False,
        default=Subcommand("", "List every command, or explain one.", "[command]",
                           show_overview, examples=("elephant",)),
    )
    return Feature(name="help", commands=(spec,), actions=((HelpAction.SHOW, help_pressed),))
