"""`/partnerops export <entity>`: this workspace's rows as a CSV file, handed to the admin
who asked (Slack uploads it to your direct messages; Teams gets a link to it, served for
24 hours; the console shows its text).
The operator's `partnerops export` on the server does the same for every workspace."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.core.commands import ExportSpec, Handler, excerpt
from bot.core.errors import DeliveryError, UserError
from bot.core.outbox import OutFile
from bot.core.responses import Reply, Response
from bot.core.words import counted
from handlers.common.context import CommandContext
from storage.common import files

ExportersOf = Callable[[], dict[str, ExportSpec]]
LINK_LASTS = timedelta(hours=24)  # how long an export's link works


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
        name, text = f"{spec.name}-{now:%Y-%m-%d}.csv", spec.csv(rows)
        async with ctx.services.db.session() as session:
            shared = await files.keep(session, workspace_id=ctx.workspace.id or 0, name=name,
                                      data=text, now=now, lasts=LINK_LASTS)
        link = f"{ctx.services.config.public_url.rstrip('/')}/exports/{shared.token}"
        file = OutFile(name, text.encode("utf-8"), title=f"PartnerOps {spec.name}, "
                                                         f"{now:%Y-%m-%d}", link=link)
        about = f"{counted(len(rows), 'row')} of {spec.name}, this workspace only"
        try:
            await ctx.services.outbox.send_file(ctx.invocation.conversation,
                                                ctx.invocation.actor.user_id, file, f"{about}.")
        except DeliveryError as problem:
            raise UserError(f"I couldn't send you the file ({problem}); `partnerops export "
                            f"{spec.name}` on the server writes it too.") from None
        return Reply(f"Sent {file.name} to our direct messages: {about}.")

    return export
