"""A CSV file handed privately to the person who asked: Slack uploads it to their direct
messages; Teams gets a link to it, served by the bot for 24 hours; the console shows it."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from bot.core.errors import DeliveryError, UserError
from bot.core.outbox import OutFile
from bot.core.requests import Invocation
from handlers.common.context import Services
from storage.common import files
from storage.common.models import Workspace

LINK_LASTS = timedelta(hours=24)  # how long a file's link works


def as_csv(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    """Rows as CSV, always starting with the header."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


async def send_text_file(services: Services, workspace: Workspace, asked: Invocation, *,
                         name: str, text: str, title: str, about: str,
                         fallback: str) -> str:
    """Give `text` as the file `name` to whoever sent `asked`; what was done, to say.
    `fallback`: another way to get it, named when the platform refused."""
    now = services.clock.now()
    async with services.db.session() as session:
        shared = await files.keep(session, workspace_id=workspace.id or 0, name=name,
                                  data=text, now=now, lasts=LINK_LASTS)
    link = f"{services.config.public_url.rstrip('/')}/exports/{shared.token}"
    file = OutFile(name, text.encode("utf-8"), title=title, link=link)
    try:
        await services.outbox.send_file(asked.conversation, asked.actor.user_id, file,
                                        f"{about}.")
    except DeliveryError as problem:
        raise UserError(f"I couldn't send you the file ({problem}); {fallback}") from None
    return f"Sent {name} to our direct messages: {about}."


async def send_csv(services: Services, workspace: Workspace, asked: Invocation, *, name: str,
                   columns: Sequence[str], rows: Sequence[dict[str, Any]], about: str) -> str:
    """`rows` as `<name>-<date>.csv`, given privately to whoever sent `asked`."""
    now = services.clock.now()
    flat = [{column: _plain(row.get(column)) for column in columns} for row in rows]
    return await send_text_file(
        services, workspace, asked, name=f"{name}-{now:%Y-%m-%d}.csv",
        text=as_csv(columns, flat), title=f"PartnerOps {name}, {now:%Y-%m-%d}", about=about,
        fallback="try again in a moment.")


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return "\n".join(str(item) for item in value)
    return "" if value is None else value
