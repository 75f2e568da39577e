"""Slack's user directory as a ProfileSource (users.info)."""

from __future__ import annotations

import logging

import aiohttp
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.conversation import Profile
from bot.platforms.slack.tokens import NotInstalled, SlackTokens

log = logging.getLogger(__name__)


class SlackDirectory:
    """Looks people up once; the caller stores the result, so this never needs a cache."""

    def __init__(self, client: AsyncWebClient, tokens: SlackTokens) -> None:
        self._client = client
        self._tokens = tokens

    async def profile(self, user_id: str, workspace: str = "") -> Profile | None:
        try:
            token = await self._tokens.token(workspace)
            user = (await self._client.users_info(user=user_id, token=token)).get("user") or {}
        except (TimeoutError, SlackClientError, aiohttp.ClientError, NotInstalled) as error:
            # The person can still use the bot; their profile is filled on a later request.
            log.warning("users.info failed: %s", type(error).__name__)
            return None
        profile = user.get("profile") or {}
        team_id = user.get("team_id") or profile.get("team")
        home = workspace or self._tokens.home_team
        return Profile(
            display_name=profile.get("display_name") or profile.get("real_name")
            or user.get("real_name") or user.get("name", ""),
            email=profile.get("email"),
            timezone=user.get("tz"),
            team_id=team_id,
            # Slack Connect: a person from another organisation's workspace.
            is_external=bool(user.get("is_stranger")) or bool(home and team_id and
                                                              team_id != home),
        )
