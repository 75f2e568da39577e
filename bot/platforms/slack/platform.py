"""The Slack platform: a bolt AsyncApp served inside our aiohttp app, or over Socket Mode."""

from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.core.commands import Registry
from bot.core.ports import Dispatcher
from bot.platforms.slack.client import build_web_client
from bot.platforms.slack.directory import SlackDirectory
from bot.platforms.slack.listeners import SlackListeners
from bot.platforms.slack.outbox import SlackOutbox

log = logging.getLogger(__name__)


class SlackPlatform:
    """Everything Slack: the bolt app, its outbox and directory, and the transport."""

    def __init__(self, *, bot_token: str, signing_secret: str, api_url: str,
                 dispatcher: Dispatcher, registry: Registry, command_prefix: str = "",
                 app_token: str = "") -> None:
        self.client = build_web_client(bot_token, api_url)
        self.outbox = SlackOutbox(self.client)
        self.directory = SlackDirectory(self.client)
        self._app_token = app_token
        self._socket: AsyncSocketModeHandler | None = None
        self.app = AsyncApp(
            client=self.client,  # carries the bot token and SLACK_API_URL
            signing_secret=signing_secret,
            # Socket Mode requests arrive authenticated by the app token instead.
            request_verification_enabled=bool(signing_secret) or not app_token,
            # The HTTP answer goes at ack(); the work continues as a task after it.
            process_before_response=False,
            logger=logging.getLogger("slack_bolt"),
        )
        SlackListeners(dispatcher, self.outbox, command_prefix).register(self.app, registry)

    @property
    def socket_mode(self) -> bool:
        return bool(self._app_token)

    async def handle(self, request: web.Request) -> web.Response:
        """POST /slack/events: commands, interactivity and events on one Request URL."""
        bolt_response = await self.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def start(self) -> None:
        if self.socket_mode:
            self._socket = AsyncSocketModeHandler(self.app, self._app_token)
            await self._socket.connect_async()
            log.info("Slack connected over Socket Mode")

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
