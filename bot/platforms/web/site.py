"""The read-only dashboard's routes on the bot's aiohttp server.

Sign-in: a single-use link from chat opens a page with a button; only pressing it (a POST)
spends the link, so a chat's link preview cannot use it up. The session is a signed
cookie (HttpOnly, SameSite=Lax, Secure on https). Every response forbids scripts, frames
and outside resources by its Content-Security-Policy and is never cached."""

from __future__ import annotations

import logging
from importlib.resources import files

from aiohttp import web

from bot.core.pages import SESSION_LASTS, DashboardSource, Viewer
from bot.platforms.web.render import message_html, page_html
from bot.platforms.web.session import COOKIE, SessionCookies

log = logging.getLogger(__name__)

CSP = ("default-src 'none'; img-src 'self' data:; style-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
           "X-Frame-Options": "DENY"}
ASK_AGAIN = "Ask the bot for a new link: type `partnerops dashboard` (Slack: /partnerops " \
            "dashboard)."


def _html(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html", charset="utf-8")


class DashboardSite:
    def __init__(self, source: DashboardSource, secret: str, *, secure_cookie: bool) -> None:
        self._source = source
        self._cookies = SessionCookies(secret)
        self._secure = secure_cookie

    def add_routes(self, app: web.Application) -> None:
        app.middlewares.append(self._headers)
        app.router.add_get("/dashboard", self.home)
        app.router.add_get("/dashboard/static/style.css", self.style)
        app.router.add_get("/dashboard/signin/{token}", self.sign_in_page)
        app.router.add_post("/dashboard/signin/{token}", self.sign_in)
        app.router.add_post("/dashboard/signout", self.sign_out)
        app.router.add_get("/dashboard/{slug}", self.page)

    @web.middleware
    async def _headers(self, request: web.Request, handler: web.Handler) -> web.StreamResponse:
        """Every dashboard answer carries the headers: errors, and the router's 404 and 405,
        too; a failure of ours is a page, never a traceback."""
        if not request.path.startswith("/dashboard"):
            return await handler(request)
        try:
            response = await handler(request)
        except web.HTTPException as error:
            error.headers.update(HEADERS)
            raise
        except Exception:
            log.exception("a dashboard page failed")
            response = _html(message_html("Something went wrong", "This page could not be "
                                          "shown; please try again in a moment."), 500)
        response.headers.update(HEADERS)
        return response

    async def _viewer(self, request: web.Request) -> Viewer | None:
        session_id = self._cookies.read(request.cookies.get(COOKIE))
        return None if session_id is None else await self._source.viewer(session_id)

    @staticmethod
    def _signed_out() -> web.Response:
        return _html(message_html("Sign in from chat", "The dashboard opens from a link the "
                                  f"bot sends you, never on its own. {ASK_AGAIN}"), 401)

    async def home(self, request: web.Request) -> web.StreamResponse:
        viewer = await self._viewer(request)
        if viewer is None:
            return self._signed_out()
        links = self._source.pages(viewer)
        if not links:
            return _html(message_html("Nothing to show", "There is no page for you yet."), 403)
        return web.Response(status=303, headers={"Location": f"/dashboard/{links[0].slug}"})

    async def style(self, _: web.Request) -> web.Response:
        css = files("bot.platforms.web").joinpath("static/style.css").read_text("utf-8")
        return web.Response(text=css, content_type="text/css", charset="utf-8")

    async def sign_in_page(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        if not await self._source.check_link(token):
            return _html(message_html("This link no longer works", "Sign-in links work once "
                                      f"and for ten minutes. {ASK_AGAIN}"), 410)
        return _html(message_html("Sign in to PartnerOps", "This link is yours alone and works "
                                  "once.", form_action=f"/dashboard/signin/{token}",
                                  button="Open the dashboard"))

    async def sign_in(self, request: web.Request) -> web.StreamResponse:
        session_id = await self._source.spend_link(request.match_info["token"])
        if session_id is None:
            return _html(message_html("This link no longer works", "Sign-in links work once "
                                      f"and for ten minutes. {ASK_AGAIN}"), 410)
        response = web.Response(status=303, headers={"Location": "/dashboard"})
        response.set_cookie(COOKIE, self._cookies.value(session_id),
                            max_age=int(SESSION_LASTS.total_seconds()), path="/dashboard",
                            httponly=True, samesite="Lax", secure=self._secure)
        log.info("dashboard: someone signed in")
        return response

    async def sign_out(self, request: web.Request) -> web.Response:
        """Ends the session where it is kept: a copy of the cookie opens nothing after."""
        session_id = self._cookies.read(request.cookies.get(COOKIE))
        if session_id is not None:
            await self._source.end_session(session_id)
        response = _html(message_html("Signed out", f"You are signed out. {ASK_AGAIN}"))
        response.del_cookie(COOKIE, path="/dashboard")
        return response

    async def page(self, request: web.Request) -> web.Response:
        viewer = await self._viewer(request)
        if viewer is None:
            return self._signed_out()
        slug = request.match_info["slug"]
        sort = request.query.get("sort", "")[:40]
        page = await self._source.page(viewer, slug, sort)
        if page is None:
            if slug in self._source.every_slug():
                return _html(message_html("Not for you", "This page is for others (the "
                                          "vendor team, or a partner's contacts); yours are "
                                          "in the menu."), 403)
            return _html(message_html("No such page", "There is no such dashboard page; the "
                                      "menu has yours."), 404)
        return _html(await page_html(page, self._source.pages(viewer), viewer, sort))
