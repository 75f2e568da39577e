"""Which bot token speaks in which Slack workspace: an install's own, else SLACK_BOT_TOKEN.

Looked up through the Installations port and kept for a minute, so that acknowledging a
request (bolt authorizes before the listener acks) never waits on the database.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from slack_bolt.authorization import AuthorizeResult

from bot.core.conversation import Platform
from bot.core.ports import Installations, InstalledBot
from bot.platforms.slack.identity import SlackIdentity

CACHE_SECONDS = 60.0


class SlackTokens:
    def __init__(self, default_token: str, identity: SlackIdentity,
                 installations: Installations | None = None) -> None:
        self._default = default_token
        self._identity = identity
        self._installations = installations
        self._cache: dict[str, tuple[float, InstalledBot | None]] = {}

    async def _installed(self, workspace: str) -> InstalledBot | None:
        if not workspace or self._installations is None:
            return None
        cached = self._cache.get(workspace)
        if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        found = await self._installations.installed_bot(Platform.SLACK.value, workspace)
        self._cache[workspace] = (time.monotonic(), found)
        return found

    @property
    def home_team(self) -> str | None:
        """SLACK_BOT_TOKEN's own team, once auth.test has told."""
        return self._identity.team_id

    async def token(self, workspace: str) -> str:
        """The token for `workspace` ("" or unknown: SLACK_BOT_TOKEN's)."""
        installed = await self._installed(workspace)
        return installed.token if installed is not None else self._default

    async def bot_user_id(self, workspace: str) -> str | None:
        installed = await self._installed(workspace)
        if installed is not None:
            return installed.user_id
        if self._identity.bot_user_id is None:
            await self._identity.learn()
        return self._identity.bot_user_id

    def authorizer(self) -> Callable[..., Awaitable[AuthorizeResult]]:
        """bolt's `authorize=`, a plain function (bolt injects arguments by name).

        bolt's default single-workspace authorization calls auth.test before the first ack
        (and again after every failure); a slow Slack then delays acks past three seconds.
        """

        async def authorize(enterprise_id: str | None, team_id: str | None,
                            user_id: str | None) -> AuthorizeResult:
            workspace = team_id or ""
            installed = await self._installed(workspace)
            if installed is not None:
                return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id,
                                       bot_token=installed.token, bot_user_id=installed.user_id,
                                       user_id=user_id)
            return AuthorizeResult(
                enterprise_id=enterprise_id, team_id=team_id or self._identity.team_id,
                bot_token=self._default, bot_id=self._identity.bot_id,
                bot_user_id=self._identity.bot_user_id, user_id=user_id,
            )

        return authorize

    def forget(self, workspace: str) -> None:
        """Look the workspace up again next time (an install or uninstall happened)."""
        self._cache.pop(workspace, None)
