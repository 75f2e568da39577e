"""`/partnerops export <entity>`: this workspace's rows as a CSV file, handed to the admin
who asked (Slack uploads it to your direct messages; Teams gets a link to it, served for
24 hours; the console shows its text).
The operator's `partnerops export` on the server does the same for every workspace."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.commands import ExportSpec, Handler, excerpt
from bot.core.errors import UserError
from bot.core.responses import Reply, Response
from bot.core.words import counted
from handlers.common.context import CommandContext
from handlers.common.files import send_text_file

ExportersOf = Callable[[], dict[str, ExportSpec]]


def command(exporters_of: ExportersOf) -> Handler:
    """The `export` subcommand over the registry's exporters (read when it runs)."""

    async def export(ctx: CommandContext) -> Response:
        known = exporters_of()
        names = ", ".join(sorted(known))
        wanted = ctx.args.strip().lower()
        if not wanted:
            raise UserError(f"Say what to export: {names}.", example="partnerops export partners")
        spec = known.get(wanted)
        if spec is None:
            raise UserError(f"I can't export '{excerpt(wanted)}'; choose one of {names}.",
                            example="partnerops export partners")
        async with ctx.services.db.session() as session:
            rows = await spec.rows(session, ctx.workspace.id or 0)
        now = ctx.services.clock.now()
        about = f"{counted(len(rows), 'row')} of {spec.name}, this workspace only"
        return Reply(await send_text_file(
            ctx.services, ctx.workspace, ctx.invocation, name=f"{spec.name}-{now:%Y-%m-%d}.csv",
            text=spec.csv(rows), title=f"PartnerOps {spec.name}, {now:%Y-%m-%d}", about=about,
            fallback=f"`partnerops export {spec.name}` on the server writes it too."))

    return export
