"""The Slack platform: a bolt AsyncApp served inside our aiohttp app, or over Socket Mode."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Iterator

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.core.commands import Registry
from bot.core.conversation import CommandStyle
from bot.core.ports import Dispatcher, Installations
from bot.core.telemetry import Telemetry
from bot.platforms.slack.ack_first import AckFirst
from bot.platforms.slack.channels import SlackChannels
from bot.platforms.slack.client import REQUEST_TIMEOUT_SECONDS, KeptAlive, build_web_client
from bot.platforms.slack.directory import SlackDirectory
from bot.platforms.slack.identity import SlackIdentity
from bot.platforms.slack.installs import OAuthConfig, SlackInstalls, UninstallListeners
from bot.platforms.slack.labels import label_request
from bot.platforms.slack.listeners import SlackListeners
from bot.platforms.slack.outbox import SlackOutbox
from bot.platforms.slack.picker import SlackPeoplePicker
from bot.platforms.slack.redelivery import Redeliveries
from bot.platforms.slack.socket_watchdog import CHECK_SECONDS, SocketWatchdog
from bot.platforms.slack.tokens import SlackTokens

log = logging.getLogger(__name__)


class SlackPlatform:
    """Everything Slack: the bolt app, its outbox and directories, and the transport."""

    def __init__(self, *, bot_token: str, signing_secret: str, api_url: str,
                 dispatcher: Dispatcher, registry: Registry, command_prefix: str = "",
                 app_token: str = "", installations: Installations | None = None,
                 socket_check_seconds: float = CHECK_SECONDS,
                 telemetry: Telemetry | None = None,
                 oauth: OAuthConfig | None = None,
                 api_timeout: float = REQUEST_TIMEOUT_SECONDS) -> None:
        self.client = build_web_client(bot_token or None, api_url, telemetry,
                                       timeout=api_timeout)
        self.identity = SlackIdentity(self.client)
        self.tokens = SlackTokens(bot_token, self.identity, installations,
                                  oauth=oauth is not None)
        self.outbox = SlackOutbox(self.client, self.tokens, telemetry)
        self.directory = SlackDirectory(self.client, self.tokens)
        self.channels = SlackChannels(self.client, self.tokens)
        self.picker = SlackPeoplePicker()
        self.style = CommandStyle(slash=True, prefix=command_prefix)
        self._app_token = app_token
        self._socket: AsyncSocketModeHandler | None = None
        self._socket_check_seconds = socket_check_seconds
        self.watchdog: SocketWatchdog | None = None
        self._watching: asyncio.Task[None] | None = None
        self._learning: asyncio.Task[bool] | None = None
        bolt_log = logging.getLogger("slack_bolt")
        # With OAuth, each workspace's install (tokens.py); else SLACK_BOT_TOKEN.
        self.installs = SlackInstalls(
            oauth, build_web_client(None, api_url, timeout=api_timeout), self.tokens,
            bolt_log) if oauth is not None else None
        with _unset("SLACK_BOT_TOKEN"):  # bolt would read it, then warn that it skips it
            self.app = self._bolt_app(api_url, telemetry, api_timeout, oauth, signing_secret,
                                      app_token, bolt_log)
        self.app.use(label_request)  # the request's log lines name what it is
        self.app.use(Redeliveries().middleware())
        UninstallListeners(self.installs).register(self.app)
        self.acks = AckFirst()
        # The same timeout on both: made once the platform starts, in the serving loop.
        self._connections = KeptAlive(self.client, self.app.client)
        SlackListeners(dispatcher, self.outbox, command_prefix, self.acks).register(
            self.app, registry)

    def _bolt_app(self, api_url: str, telemetry: Telemetry | None, api_timeout: float,
                  oauth: OAuthConfig | None, signing_secret: str, app_token: str,
                  bolt_log: logging.Logger) -> AsyncApp:
        return AsyncApp(
            # Token-less: bolt copies SLACK_API_URL, the timeout and the retries from it per
            # request, and takes the token from `authorize`.
            client=build_web_client(None, api_url, telemetry, timeout=api_timeout),
            authorize=self.tokens.authorizer(),
            # Given, so that bolt never builds one of its own with files under HOME.
            oauth_flow=self.installs.flow if self.installs is not None else None,
            user_facing_authorize_error_message=(
                f"PartnerOps is not installed in this workspace (or it was removed). Ask an "
                f"admin to install it: {oauth.install_url}" if oauth is not None else None),
            signing_secret=signing_secret,
            # Socket Mode requests arrive authenticated by the app token instead.
            request_verification_enabled=bool(signing_secret) or not app_token,
            # The HTTP answer goes at ack(); the work continues as a task after it.
            process_before_response=False,
            logger=bolt_log,
        )

    @property
    def socket_mode(self) -> bool:
        return bool(self._app_token)

    async def handle(self, request: web.Request) -> web.Response:
        """POST /slack/events: commands, interactivity and events on one Request URL."""
        try:
            async with self.acks.answering():
                bolt_response = await self.app.async_dispatch(await to_bolt_request(request))
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            # A body bolt cannot parse; the signature is checked after parsing.
            log.warning("refused a Slack request whose body could not be parsed")
            return web.json_response({"error": "malformed request"}, status=400)
        if bolt_response.status == 401:
            log.warning("refused a Slack request with a bad, stale or missing signature")
        return await to_aiohttp_response(bolt_response)

    async def start(self) -> None:
        self._connections.ensure()
        # In the background: a slow Slack must not hold up start-up (or Teams, or health).
        # With OAuth there is no token of our own to ask about.
        if not self.tokens.oauth:
            self._learning = asyncio.create_task(self.identity.learn())
        if self.socket_mode:
            self._socket = AsyncSocketModeHandler(self.app, self._app_token)
            self.watchdog = SocketWatchdog(self._socket.client, self._socket_check_seconds)
            await self._socket.connect_async()
            self._watching = asyncio.create_task(self.watchdog.run())
            log.info("Slack connected over Socket Mode")

    async def close(self) -> None:
        if self._watching is not None:
            self._watching.cancel()
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        if self._learning is not None:
            self._learning.cancel()
        await self.outbox.close()
        await self._connections.close()


@contextlib.contextmanager
def _unset(variable: str) -> Iterator[None]:
    """`variable` out of the environment while bolt builds its app (synchronously): our
    token comes from `authorize`, and bolt warns at every start that it skips the other."""
    kept = os.environ.pop(variable, None)
    try:
        yield
    finally:
        if kept is not None:
            os.environ[variable] = kept
