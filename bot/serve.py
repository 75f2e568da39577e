"""`partnerops run` and `partnerops console`: the bot, served or offline."""

from __future__ import annotations

import logging
import sys

from aiohttp import web

from bot.app import build_application
from bot.core.clock import SimulatedClock
from bot.core.conversation import Platform
from bot.operations import parse_instant
from bot.platforms.console import ConsolePlatform
from bot.settings import Settings
from bot.web import create_web_app, ensure_schema
from schedules.wakeup import FollowTime

log = logging.getLogger("partnerops")


def run_server(settings: Settings) -> None:
    application = build_application(settings)
    app = create_web_app(application)
    log.info("PartnerOps listening on port %s (public URL %s)", settings.port, settings.public_url)
    web.run_app(app, port=settings.port, print=None, access_log=None,
                handle_signals=True)


async def run_console(settings: Settings, *, user: str, start: str | None) -> None:
    clock = SimulatedClock(parse_instant(start))
    application = build_application(settings, clock=clock)
    try:
        await ensure_schema(application)
        console = ConsolePlatform(dispatcher=application.dispatcher, clock=clock, user=user,
                                  command_prefix=settings.command_prefix,
                                  default_timezone=settings.timezone,
                                  stdin=sys.stdin, stdout=sys.stdout,
                                  on_time_change=FollowTime(application.services, clock.now()),
                                  zones=application.services.zones)
        application.add_platform(Platform.CONSOLE, console.outbox, channels=console.channels,
                                 style=console.style)
        await console.run()
    finally:
        await application.close()
