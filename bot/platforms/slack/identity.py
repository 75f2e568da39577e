"""Who the bot is in its workspace: learned once from auth.test, never on a request's path."""

from __future__ import annotations

import logging

import aiohttp
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)


class SlackIdentity:
    """The ids of SLACK_BOT_TOKEN's bot, learned once from auth.test in the background."""

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
