"""`partnerops run` and `partnerops console`: the bot, served or offline."""

from __future__ import annotations

import asyncio
import errno
import logging
import signal
import socket
import sys

from aiohttp import web

from bot.app import build_application
from bot.core.clock import SimulatedClock
from bot.core.conversation import Platform
from bot.operations import CommandUsageError, parse_instant
from bot.platforms.console import ConsolePlatform
from bot.settings import Settings
from bot.web import create_web_app, ensure_schema
from schedules.wakeup import FollowTime

log = logging.getLogger("partnerops")


class PortUnavailable(CommandUsageError):
    """PORT cannot be listened on (taken by another process, or not this user's to take)."""


def _bound_sockets(port: int) -> list[socket.socket]:
    """TCP sockets bound to `port` on every IPv4 interface and, where the machine has IPv6,
    every IPv6 one (as aiohttp binds them), not listening yet: taking the port is the first
    thing `run` does, so a port in use stops it before it touches the database or sends."""
    bound: list[socket.socket] = []
    try:
        for family, host in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
            try:
                candidate = socket.socket(family, socket.SOCK_STREAM)
            except OSError:  # no IPv6 on this machine
                continue
            bound.append(candidate)
            # Restarting must not wait for the last process's closed connections
            # (TIME_WAIT); another process listening on the port still makes bind fail.
            candidate.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:  # IPv4 clients keep their IPv4 address
                candidate.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                candidate.bind((host, port))
            except OSError as error:
                if family == socket.AF_INET6 and error.errno in (errno.EADDRNOTAVAIL,
                                                                 errno.EAFNOSUPPORT):
                    bound.pop().close()  # IPv6 switched off here: IPv4 alone
                    continue
                raise _unavailable(port, error) from None
            candidate.setblocking(False)
    except BaseException:
        for each in bound:
            each.close()
        raise
    return bound


def _unavailable(port: int, error: OSError) -> PortUnavailable:
    if error.errno == errno.EADDRINUSE:
        return PortUnavailable(f"port {port} is already in use (another partnerops run?): stop "
                               "that process or set PORT to a free port")
    return PortUnavailable(f"cannot listen on port {port}: {error.strerror or error} "
                           "(set PORT to another port)")


def run_server(settings: Settings) -> None:
    """Take the port, then prepare (schema, Slack), serve, and only then start the scheduler;
    SIGTERM or SIGINT stops it gracefully."""
    bound = _bound_sockets(settings.port)
    try:
        asyncio.run(_serve(settings, bound))
    finally:
        for each in bound:
            each.close()


async def _serve(settings: Settings, bound: list[socket.socket]) -> None:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stopping.set)
    application = build_application(settings)
    runner = web.AppRunner(create_web_app(application, scheduler_on_startup=False),
                           access_log=None, handle_signals=False)
    try:
        try:
            await runner.setup()  # the schema (SQLite is upgraded here), Slack, Teams
        except BaseException:  # the web app's own cleanup runs after a whole start-up only
            await application.close()
            raise
        try:
            for each in bound:
                await web.SockSite(runner, each).start()
        except OSError as error:  # another process started listening on it meanwhile
            raise _unavailable(settings.port, error) from None
        log.info("PartnerOps listening on port %s (public URL %s)", settings.port,
                 settings.public_url)
        await application.start_scheduler()  # catch-up sends begin once the bot answers
        await stopping.wait()
        log.info("stopping: finishing the requests in flight")
    finally:
        await runner.cleanup()  # stops taking requests, waits for those in flight, then
        # the scheduler and the rest (the web app's cleanup)


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
