"""A watchdog for the Socket Mode connection: slack_sdk's own reconnection is known to stop
after network blips (its monitor task ends and nothing restarts it), leaving a process that
looks healthy but hears nothing. We switch that off and reconnect from one loop of ours
that checks the connection every few seconds."""

from __future__ import annotations

import asyncio
import logging

from slack_sdk.socket_mode.aiohttp import SocketModeClient

log = logging.getLogger(__name__)

CHECK_SECONDS = 5.0


class SocketWatchdog:
    def __init__(self, client: SocketModeClient, every: float = CHECK_SECONDS) -> None:
        self._client = client
        self._every = every
        self.reconnects = 0
        # One reconnecting loop, ours: the SDK's monitor still pings (stale detection).
        client.auto_reconnect_enabled = client.default_auto_reconnect_enabled = False

    async def run(self) -> None:
        failed = 0  # reconnections tried and failed since the connection went down
        while not self._client.closed:
            await asyncio.sleep(self._every)
            if self._client.closed or await self._client.is_connected():
                continue
            if not failed:  # said once per outage, not at every check
                log.warning("the Slack Socket Mode connection is down; reconnecting")
            try:
                await self._client.connect_to_new_endpoint()
            except Exception as error:  # whatever it was, the next check tries again
                failed += 1
                # One line, the first time and then every 60th (Slack away for long).
                (log.warning if failed % 60 == 1 else log.debug)(
                    "could not reconnect to Slack over Socket Mode (%d tries): %s: %s; "
                    "trying again every %s s", failed, type(error).__name__, error,
                    self._every)
                continue
            if await self._client.is_connected():
                self.reconnects += 1
                failed = 0
                log.info("reconnected to Slack over Socket Mode")
