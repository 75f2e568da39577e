"""Teams, loaded on its first use. botbuilder and msrest cost an idle process about 28 MB:
a deployment that never hears from Teams never pays it. The first Teams request, or the
first message the bot sends to Teams, builds the platform; until then this stands in for it
at the web route and behind the core's ports."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.core.conversation import CommandStyle
from bot.core.ports import DirectoryIds
from bot.platforms.teams.picker import TeamsPeoplePicker

if TYPE_CHECKING:
    from bot.platforms.teams.platform import TeamsPlatform

log = logging.getLogger(__name__)

LOCAL_MODE = ("Teams runs unauthenticated (MICROSOFT_APP_ID unset) and accepts only requests "
              "from this machine, for Microsoft 365 Agents Playground or the Bot Framework "
              "Emulator; set MICROSOFT_APP_ID and "
              "MICROSOFT_APP_PASSWORD to connect to Teams (docs/TEAMS.md).")
AUTHENTICATED = ("Teams: /api/messages takes only requests signed by Bot Framework for app %s; "
                 "the bot signs in as a %s app")


class _Deferred:
    """One of the platform's parts (outbox, channels) as a port: every call builds the
    platform first, then goes to the real part."""

    def __init__(self, platform: Callable[[], TeamsPlatform], part: str) -> None:
        self._platform = platform
        self._part = part

    def __getattr__(self, name: str) -> Any:
        return getattr(getattr(self._platform(), self._part), name)


class LazyTeams:
    def __init__(self, build: Callable[[], TeamsPlatform], *, app_id: str, command_prefix: str,
                 directory_ids: DirectoryIds, app_type: str = "MultiTenant") -> None:
        self._build = build
        self._platform: TeamsPlatform | None = None
        self.outbox = _Deferred(self.platform, "outbox")
        self.channels = _Deferred(self.platform, "channels")
        # Neither needs botbuilder: the picker reads our people, the style is data.
        self.picker = TeamsPeoplePicker(directory_ids)
        self.style = CommandStyle(slash=False, prefix=command_prefix)
        if not app_id:
            log.info(LOCAL_MODE)
        else:
            log.info(AUTHENTICATED, app_id, app_type)

    def platform(self) -> TeamsPlatform:
        if self._platform is None:
            self._platform = self._build()
            log.info("Teams loaded on its first use")
        return self._platform

    async def handle(self, request: web.Request) -> web.Response:
        """POST /api/messages."""
        return await self.platform().handle(request)
