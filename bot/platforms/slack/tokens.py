"""Which bot token speaks in which Slack workspace.

One source per mode: with OAuth (SLACK_CLIENT_ID/SECRET), each workspace's own install, as
slack_sdk's installation store keeps it (read through the Installations port), and nothing
else (SLACK_BOT_TOKEN is not used); without OAuth, SLACK_BOT_TOKEN everywhere.

An install is looked up at most once a minute per workspace and kept, so that acknowledging
a request (bolt authorizes before the listener acks) never waits on the database beyond
that; an install or uninstall in this process forgets the workspace at once.
"""

from __future__ import annotations

import time
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize

from bot.core.conversation import Platform
from bot.core.errors import Undeliverable
from bot.core.ports import Installations, InstalledBot
from bot.platforms.slack.identity import SlackIdentity

CACHE_SECONDS = 60.0


class NotInstalled(Undeliverable):
    """The app has no install in the workspace (never installed, or uninstalled): nothing
    can be sent or asked there, and trying again will not help until someone installs it."""

    def __init__(self, workspace: str) -> None:
        super().__init__(f"PartnerOps is not installed in Slack workspace {workspace or '?'} "
                         "(removed, or never installed)")
        self.workspace = workspace


class SlackTokens:
    def __init__(self, default_token: str, identity: SlackIdentity,
                 installations: Installations | None = None, *, oauth: bool = False) -> None:
        self._default = default_token
        self._identity = identity
        self._installations = installations
        self._oauth = oauth
        self._cache: dict[tuple[str, str], tuple[float, InstalledBot | None]] = {}
        # Teams served by an org-wide install, learned from their requests: a send there
        # names only the team.
        self._orgs: dict[str, str] = {}

    @property
    def oauth(self) -> bool:
        return self._oauth

    async def _installed(self, workspace: str, enterprise: str | None = None
                         ) -> InstalledBot | None:
        if not self._oauth or self._installations is None:
            return None
        enterprise = enterprise or self._orgs.get(workspace)
        key = (workspace, enterprise or "")
        cached = self._cache.get(key)
        if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        found = await self._installations.installed_bot(Platform.SLACK.value, workspace,
                                                        enterprise)
        self._cache[key] = (time.monotonic(), found)
        if found is not None and found.enterprise_id and workspace:
            self._orgs[workspace] = found.enterprise_id
        return found

    @property
    def home_team(self) -> str | None:
        """SLACK_BOT_TOKEN's own team, once auth.test has told."""
        return self._identity.team_id

    async def token(self, workspace: str) -> str:
        """The token for `workspace`: its install's with OAuth (NotInstalled without one),
        else SLACK_BOT_TOKEN."""
        if not self._oauth:
            return self._default
        installed = await self._installed(workspace)
        if installed is None:
            raise NotInstalled(workspace)
        return installed.token

    async def bot_user_id(self, workspace: str) -> str | None:
        installed = await self._installed(workspace)
        if installed is not None:
            return installed.user_id
        if self._oauth:
            return None
        if self._identity.bot_user_id is None:
            await self._identity.learn()
        return self._identity.bot_user_id

    def authorizer(self) -> AsyncAuthorize:
        """bolt's `authorize=`: the workspace's install (with OAuth; none: bolt refuses the
        request and tells the person to reinstall), else SLACK_BOT_TOKEN.

        bolt's default single-workspace authorization calls auth.test before the first ack
        (and again after every failure); a slow Slack then delays acks past three seconds.
        An AsyncAuthorize rather than a plain function, as bolt takes that beside an OAuth
        flow.
        """
        return _Authorize(self)

    async def authorize(self, enterprise_id: str | None, team_id: str | None,
                        user_id: str | None) -> AuthorizeResult | None:
        if self._oauth:
            installed = await self._installed(team_id or "", enterprise_id)
            if installed is None:
                return None
            return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id,
                                   bot_token=installed.token, bot_id=installed.bot_id,
                                   bot_user_id=installed.user_id, user_id=user_id)
        return AuthorizeResult(
            enterprise_id=enterprise_id, team_id=team_id or self._identity.team_id,
            bot_token=self._default, bot_id=self._identity.bot_id,
            bot_user_id=self._identity.bot_user_id, user_id=user_id,
        )

    def forget(self, workspace: str | None, enterprise: str | None = None) -> None:
        """Look the workspace up again next time (an install or uninstall happened); with
        no workspace, every team of `enterprise` (an org-wide install went)."""
        for key in list(self._cache):
            if (workspace and key[0] == workspace) or \
                    (not workspace and enterprise and key[1] == enterprise):
                del self._cache[key]
        if workspace:
            self._orgs.pop(workspace, None)
        elif enterprise:
            self._orgs = {team: org for team, org in self._orgs.items() if org != enterprise}


class _Authorize(AsyncAuthorize):
    def __init__(self, tokens: SlackTokens) -> None:
        super().__init__()
        self._tokens = tokens

    async def __call__(self, *, context: Any, enterprise_id: str | None,
                       team_id: str | None, user_id: str | None,
                       **_: Any) -> AuthorizeResult | None:
        return await self._tokens.authorize(enterprise_id, team_id, user_id)
