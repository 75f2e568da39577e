"""`GET /`, `GET /privacy` and `GET /terms`: the pages a Teams app package links to (its
website, privacy and terms URLs).

Plain HTML written here (no template engine, nothing loaded), the same for every
installation: they describe what the software keeps, and leave the rest to whoever runs it.
"""

from __future__ import annotations

from html import escape

from aiohttp import web

HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
           "X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=3600"}

PRIVACY = (
    "Privacy",
    """<p>{name} is run by your organisation on its own server and database. Nothing is sent
to the makers of the software. Messages to and from the bot travel through Slack or
Microsoft Teams like any other chat message.</p>
<h2>What it keeps</h2>
<ul>
<li>For each person who uses it or is named in it: their chat user id, display name, e-mail
address and time zone as Slack or Microsoft Teams provide them (for Teams also the Entra
object id), their role, and the time zone they chose.</li>
<li>What people enter: standup and check-in answers, partners and their contacts, leads,
objectives, feedback campaigns and their answers, and reports of friction between sales and
partners ("elephants") with their votes and comments.</li>
<li>Where to post: the channels and chats the bot was added to, and which messages it has
sent, so that nothing is sent twice.</li>
</ul>
<h2>Anonymous reports</h2>
<p>A report filed as anonymous is stored without its reporter and with its date only; the
bot writes nothing about the person filing it, and its logs never contain the text of a
request.</p>
<h2>Links</h2>
<p>Exports the bot hands out as links expire after 24 hours, charts after 90 days.</p>
<h2>Questions and removal</h2>
<p>Ask the administrators of {name} in your organisation: they can export every row
(<code>partnerops export</code>) and remove what you ask them to.</p>""",
)

ABOUT = (
    "the bot's server",
    """<p>{name} runs the partner channel's routine in Slack and Microsoft Teams: standups and
partner check-ins, partners' objectives, feedback campaigns and elephant reports.</p>
<p>There is nothing to do here: talk to the bot in Slack or Teams, and type
<code>help</code> to see what it can do.</p>
<p>For help, ask the administrators of {name} in your organisation.</p>
<p><a href="/privacy">Privacy</a> &middot; <a href="/terms">Terms of use</a></p>""",
)

TERMS = (
    "Terms of use",
    """<p>{name} is provided by your organisation for its partner channel work: standups,
partner check-ins and objectives, feedback campaigns and elephant reports. Use it for that
work and follow your organisation's policies when you do.</p>
<p>Your organisation decides who may use it, keeps what it stores (see
<a href="/privacy">Privacy</a>) and answers questions about it.</p>
<p>The software is open source under the Apache License 2.0 and comes without warranty of
any kind.</p>""",
)


def _page(title: str, body: str, name: str) -> str:
    name = escape(name)
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{name}: {title}</title>"
            "<style>body{font-family:system-ui,sans-serif;max-width:42em;margin:2em auto;"
            "padding:0 1em;line-height:1.5}</style></head>\n"
            f"<body><h1>{name}: {title}</h1>\n{body.format(name=name)}\n</body></html>\n")


def add_public_pages(app: web.Application, *, name: str = "PartnerOps") -> None:
    """Mount /, /privacy and /terms (GET and HEAD)."""
    for path, (title, body) in (("/", ABOUT), ("/privacy", PRIVACY), ("/terms", TERMS)):
        page = _page(title, body, name)

        async def serve(_: web.Request, page: str = page) -> web.Response:
            return web.Response(text=page, content_type="text/html", charset="utf-8",
                                headers=HEADERS)

        app.router.add_get(path, serve)
