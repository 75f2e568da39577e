"""Pages as HTML, through Jinja2 templates with autoescaping on: every text a person typed
is escaped. Charts are PNG data: URIs (the CSP allows images from data:, no scripts)."""

from __future__ import annotations

import base64
import html
import logging
import re
from functools import cache
from typing import Any

from markupsafe import Markup

from bot.charting.png import drawn
from bot.core.cards import Actions, Context, Divider, Fields, Picture, Text, label_text
from bot.core.pages import Page, PageLink, PagePart, Table, Viewer

log = logging.getLogger(__name__)

BOLD = re.compile(r"\*\*(.+?)\*\*")
CODE = re.compile(r"`([^`]+)`")


@cache
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape  # the first page pays

    return Environment(loader=PackageLoader("bot.platforms.web", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True))


def _markup(body: str) -> Markup:
    """**bold**, `code` and `- ` bullets, after escaping everything."""
    lines, items = [], []
    for line in body.splitlines():
        escaped = CODE.sub(r"<code>\1</code>", BOLD.sub(r"<strong>\1</strong>",
                                                        html.escape(line)))
        if line.startswith("- "):
            items.append(f"<li>{escaped[2:]}</li>")
            continue
        if items:
            lines.append("<ul>" + "".join(items) + "</ul>")
            items = []
        lines.append(f"<p>{escaped}</p>")
    if items:
        lines.append("<ul>" + "".join(items) + "</ul>")
    return Markup("".join(lines))


async def _part(part: PagePart) -> dict[str, Any] | None:
    match part:
        case Text(body=body, markup=True):
            return {"kind": "markup", "html": _markup(body)}
        case Text(body=body):
            return {"kind": "text", "lines": body.splitlines()}
        case Fields(items=items):
            return {"kind": "fields", "items": [(label_text(label), value)
                                                for label, value in items]}
        case Context(body=body):
            return {"kind": "context", "html": _markup(body)}
        case Divider():
            return {"kind": "divider"}
        case Picture(chart=chart):
            try:
                png = base64.b64encode(await drawn(chart)).decode("ascii")
            except Exception:  # the page still shows, with the chart's numbers
                log.exception("a chart could not be drawn")
                return {"kind": "text", "lines": chart.text().splitlines()}
            return {"kind": "chart", "src": f"data:image/png;base64,{png}", "title": chart.title,
                    "alt": chart.text()}
        case Table(columns=columns, rows=rows):
            return {"kind": "table", "columns": columns, "rows": [row.cells for row in rows]}
        case Actions():
            return None  # the dashboard is read-only: buttons live in chat
    return None


async def page_html(page: Page, links: tuple[PageLink, ...], viewer: Viewer,
                    sort: str) -> str:
    parts = [found for part in page.parts if (found := await _part(part)) is not None]
    return _environment().get_template("page.html").render(
        page=page, links=links, viewer=viewer, parts=parts, sort=sort)


def message_html(title: str, message: str, *, form_action: str | None = None,
                 button: str = "") -> str:
    """A page that only says something (signed out, link used), or asks to sign in."""
    return _environment().get_template("message.html").render(
        title=title, message=message, form_action=form_action, button=button)
