"""Help for every command, written the way each platform types it."""

from __future__ import annotations

from bot.core.cards import Block, Card, Context, Divider, Fields, Text
from bot.core.commands import CommandSpec, Feature, Registry, Subcommand
from bot.core.conversation import Platform
from bot.core.ids import ActionId
from bot.core.responses import Reply, Response
from handlers.common.context import ActionContext, CommandContext


def command_label(platform: Platform, name: str, prefix: str) -> str:
    """How a person types the command: `/pp-elephant` in Slack, `elephant` elsewhere."""
    return f"/{prefix}{name}" if platform is Platform.SLACK else name


def as_typed(example: str, platform: Platform, prefix: str, registry: Registry) -> str:
    """An example written as "elephant ..." shown the way this platform types it."""
    word, _, rest = example.partition(" ")
    if registry.command(word) is None or platform is not Platform.SLACK:
        return example
    return f"{command_label(platform, word, prefix)} {rest}".strip()


def usage_line(platform: Platform, prefix: str, spec: CommandSpec, sub: Subcommand) -> str:
    return f"{command_label(platform, spec.name, prefix)} {sub.usage}".strip()


def command_help(spec: CommandSpec, platform: Platform, prefix: str) -> Card:
    label = command_label(platform, spec.name, prefix)
    items = tuple(
        (usage_line(platform, prefix, spec, sub), sub.summary + (" (admins)" if sub.admin_only
                                                                 else ""))
        for sub in spec.every_usage()
    )
    examples = [f"{command_label(platform, spec.name, prefix)} {example}"
                for sub in spec.every_usage() for example in sub.examples]
    blocks: list[Block] = [Text(spec.summary)]
    if items:
        blocks.append(Fields(items))
    if examples:
        blocks.append(Context("Examples: " + " · ".join(f"`{ex}`" for ex in examples[:4])))
    blocks.append(Context(f"`{label} help` shows this again."))
    return Card(summary=f"Help for {label}", title=f"Help: {label}", blocks=tuple(blocks))


def overview(registry: Registry, platform: Platform, prefix: str) -> Card:
    items = tuple(
        (command_label(platform, spec.name, prefix), spec.summary)
        for spec in registry.commands if spec.name != "help"
    )
    help_hint = "/" + prefix + "<command> help" if platform is Platform.SLACK \
        else "<command> help"
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


def help_for(registry: Registry, spec: CommandSpec, platform: Platform, prefix: str) -> Card:
    """The help card for `spec`; the umbrella command's help also lists every command."""
    own = command_help(spec, platform, prefix)
    if spec.name != OVERVIEW_COMMAND:
        return own
    whole = overview(registry, platform, prefix)
    return Card(summary=whole.summary, title=whole.title,
                blocks=(*whole.blocks, Divider(), *own.blocks))


def build(registry_of: Registry) -> Feature:
    """The `help` command; it needs the finished registry to describe it."""

    def explain(asked: str, platform: Platform, prefix: str) -> Reply:
        """Help for the command named in `asked`, else the overview."""
        word = asked.split()[0].lower().lstrip("/").removeprefix(prefix) if asked else ""
        spec = registry_of.command(word) if word else None
        if spec is not None:
            return Reply(help_for(registry_of, spec, platform, prefix))
        return Reply(overview(registry_of, platform, prefix))

    async def show_overview(ctx: CommandContext) -> Response:
        return explain(ctx.args, ctx.platform, ctx.services.config.command_prefix)

    async def help_pressed(ctx: ActionContext) -> Response:
        """A Help button: its value names the command to explain."""
        return explain(ctx.action.value, ctx.action.actor.platform,
                       ctx.services.config.command_prefix)

    spec = CommandSpec(
        name="help",
        summary="What PartnerOps can do.",
        slash_command=False,
        default=Subcommand("", "List every command, or explain one.", "[command]",
                           show_overview, examples=("elephant",)),
    )
    return Feature(commands=(spec,), actions=((ActionId.SHOW_HELP, help_pressed),))
