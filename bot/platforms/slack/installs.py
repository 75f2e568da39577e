"""Installing PartnerOps into many Slack workspaces (OAuth), and letting them go.

`GET /slack/install` sends the browser to Slack's authorize page with a fresh state (kept in
the database and in a cookie); `GET /slack/oauth_redirect` is where Slack sends it back:
bolt's AsyncOAuthFlow checks the state, trades the code for the workspace's bot token
(oauth.v2.access) and saves the install through slack_sdk's SQLAlchemy installation store,
on our database (its tables come from our migrations: the stores never create them).

`app_uninstalled` and `tokens_revoked` delete the install and forget its cached token:
the workspace's next request is refused, and what was due there settles as undeliverable.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms.slack.manifest import BOT_SCOPES, OAUTH_REDIRECT_PATH
from bot.platforms.slack.tokens import SlackTokens

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
# How long an install link's state is good for (bolt's default): start to finish.
STATE_SECONDS = 600


@dataclass(frozen=True)
class OAuthConfig:
    """SLACK_CLIENT_ID/SECRET, where Slack sends the browser back, and the database engine
    (an SQLAlchemy AsyncEngine) slack_sdk's stores run on."""

    client_id: str
    client_secret: str
    public_url: str
    engine: Any

    @property
    def redirect_uri(self) -> str:
        return f"{self.public_url.rstrip('/')}{OAUTH_REDIRECT_PATH}"

    @property
    def install_url(self) -> str:
        return f"{self.public_url.rstrip('/')}{INSTALL_PATH}"


# What each way the flow can fail means to the person who clicked the link.
FAILURES = {
    "invalid_browser": "This install link was opened in another browser, or its cookie "
                       "was blocked.",
    "invalid_state": "This install link has expired or was already used.",
    "missing_code": "Slack sent no install code.",
    "invalid_code": "Slack did not accept the install code (it may have been used already).",
    "access_denied": "The install was cancelled in Slack: nothing was installed.",
    "storage_error": "The install could not be saved. Please try again in a moment.",
}


def _page(title: str, text: str, again: str | None) -> str:
    link = (f'<p><a href="{html.escape(again)}">Start the install again</a> and finish it '
            f"within {STATE_SECONDS // 60} minutes, in the same browser.</p>") if again else ""
    return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{html.escape(title)}"
            f"</title></head><body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>"
            f"{link}</body></html>")


class SlackInstalls:
    """The OAuth flow and the installation store behind it."""

    def __init__(self, config: OAuthConfig, client: AsyncWebClient, tokens: SlackTokens,
                 logger: logging.Logger) -> None:
        self._config = config
        self._tokens = tokens
        self.store = AsyncSQLAlchemyInstallationStore(
            client_id=config.client_id, engine=config.engine, logger=logger)
        self.states = AsyncSQLAlchemyOAuthStateStore(
            expiration_seconds=STATE_SECONDS, engine=config.engine, logger=logger)
        self.flow = AsyncOAuthFlow(client=client, logger=logger, settings=AsyncOAuthSettings(
            client_id=config.client_id, client_secret=config.client_secret,
            scopes=list(BOT_SCOPES), user_scopes=[], redirect_uri=config.redirect_uri,
            install_path=INSTALL_PATH, redirect_uri_path=OAUTH_REDIRECT_PATH,
            # Straight to Slack's authorize page (no page of our own with a button first).
            install_page_rendering_enabled=False,
            callback_options=AsyncCallbackOptions(success=self._installed,
                                                  failure=self._failed),
            installation_store=self.store, installation_store_bot_only=True,
            state_store=self.states, state_expiration_seconds=STATE_SECONDS, logger=logger))

    async def install(self, request: web.Request) -> web.Response:
        """GET /slack/install: to Slack's authorize page, with a new state."""
        try:
            answer = await self.flow.handle_installation(await to_bolt_request(request))
        except Exception:  # the database could not keep the state
            log.exception("could not start a Slack install")
            return self._unavailable()
        return await to_aiohttp_response(answer)

    async def redirect(self, request: web.Request) -> web.Response:
        """GET /slack/oauth_redirect: Slack sends the browser back here with a code."""
        try:
            answer = await self.flow.handle_callback(await to_bolt_request(request))
        except Exception:  # the database went away while saving
            log.exception("could not complete a Slack install")
            return self._unavailable()
        return await to_aiohttp_response(answer)

    def _unavailable(self) -> web.Response:
        return web.Response(status=503, content_type="text/html", text=_page(
            "PartnerOps could not be installed", FAILURES["storage_error"],
            self._config.install_url))

    async def _installed(self, args: AsyncSuccessArgs) -> BoltResponse:
        installation = args.installation
        org = bool(installation.is_enterprise_install)
        self._tokens.forget(None if org else installation.team_id,
                            installation.enterprise_id)
        log.info("Slack: PartnerOps was installed in %s %s", "org" if org else "workspace",
                 installation.enterprise_id if org else installation.team_id)
        return await args.default.success(args)

    async def _failed(self, args: AsyncFailureArgs) -> BoltResponse:
        log.warning("a Slack install did not complete: %s", args.reason)
        cancelled = args.reason == "access_denied"
        text = FAILURES.get(args.reason, f"Slack answered {args.reason}.")
        title = "Nothing was installed" if cancelled else "PartnerOps could not be installed"
        deletion = args.settings.state_utils.build_set_cookie_for_deletion()
        return BoltResponse(
            status=200 if cancelled else args.suggested_status_code,
            headers={"Content-Type": "text/html; charset=utf-8", "Set-Cookie": deletion},
            body=_page(title, text, self._config.install_url))

    async def uninstalled(self, enterprise_id: str | None, team_id: str | None, *,
                          org: bool, user_ids: tuple[str, ...] = (),
                          bot: bool = True) -> None:
        """Delete what the install left (its bot; its installers' tokens) and forget it."""
        team = None if org else team_id
        for user_id in user_ids:
            await self.store.async_delete_installation(enterprise_id=enterprise_id,
                                                       team_id=team, user_id=user_id)
        if bot:
            await self.store.async_delete_bot(enterprise_id=enterprise_id, team_id=team)
            await self.store.async_delete_installation(enterprise_id=enterprise_id,
                                                       team_id=team)
        self._tokens.forget(team, enterprise_id)


class UninstallListeners:
    """`app_uninstalled` and `tokens_revoked`: bolt acks them without authorizing (the
    token is already gone), then these run."""

    def __init__(self, installs: SlackInstalls | None) -> None:
        self._installs = installs

    def register(self, app: AsyncApp) -> None:
        app.event("app_uninstalled")(self._on_uninstalled)
        app.event("tokens_revoked")(self._on_tokens_revoked)

    async def _on_uninstalled(self, body: dict[str, Any], context: AsyncBoltContext) -> None:
        await self._gone(body, context, bot=True, user_ids=())

    async def _on_tokens_revoked(self, body: dict[str, Any], event: dict[str, Any],
                                 context: AsyncBoltContext) -> None:
        revoked = event.get("tokens") or {}
        await self._gone(body, context, bot=bool(revoked.get("bot")),
                         user_ids=tuple(str(user) for user in revoked.get("oauth") or ()))

    async def _gone(self, body: dict[str, Any], context: AsyncBoltContext, *, bot: bool,
                    user_ids: tuple[str, ...]) -> None:
        kind = str((body.get("event") or {}).get("type") or "")
        enterprise = context.enterprise_id or body.get("enterprise_id") or None
        team = context.team_id or body.get("team_id") or None
        org = bool(context.is_enterprise_install)
        where = f"org {enterprise}" if org else f"workspace {team}"
        if self._installs is None:
            log.warning("Slack: %s for %s: SLACK_BOT_TOKEN no longer works there; what is "
                        "due there settles as undeliverable", kind, where)
            return
        await self._installs.uninstalled(enterprise, team, org=org, user_ids=user_ids,
                                         bot=bot)
        if bot:
            log.warning("Slack: %s for %s: its install is deleted; its requests are refused "
                        "and nothing more is sent there until it is installed again", kind,
                        where)
        else:
            log.info("Slack: %s for %s: %d installer token(s) deleted", kind, where,
                     len(user_ids))
