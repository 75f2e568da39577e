"""Who the bot is in its workspace: learned once from auth.test, never on a request's path."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import aiohttp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)


class SlackIdentity:
    """The bot's own ids, and bolt's `authorize` built from them without a network call.

    bolt's default single-workspace authorization calls auth.test before the first ack
    (and again after every failure); a slow Slack then delays acks past three seconds.
    """

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client
        self.team_id: str | None = None
        self.bot_user_id: str | None = None
        self.bot_id: str | None = None

    async def learn(self) -> bool:
        """Ask auth.test once; False (and a warning) if Slack did not answer."""
        try:
            answer = await self._client.auth_test()
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as error:
            log.warning("Slack auth.test failed (%s); check SLACK_BOT_TOKEN",
                        type(error).__name__)
            return False
        self.team_id = answer.get("team_id")
        self.bot_user_id = answer.get("user_id")
        self.bot_id = answer.get("bot_id")
        return True

    def authorizer(self) -> Callable[..., Awaitable[AuthorizeResult]]:
        """bolt's `authorize=`; a plain function, as bolt injects arguments by name."""

        async def authorize(enterprise_id: str | None, team_id: str | None,
                            user_id: str | None) -> AuthorizeResult:
            return AuthorizeResult(
                enterprise_id=enterprise_id, team_id=team_id or self.team_id,
                bot_token=self._client.token, bot_id=self.bot_id,
                bot_user_id=self.bot_user_id, user_id=user_id,
            )

        return authorize
