"""The one aiohttp application: Slack, Teams and health checks side by side."""

from __future__ import annotations

import asyncio
import base64
import logging
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

from bot.app import Application
from bot.collector import SERVING
from bot.core.conversation import Platform
from bot.metrics import metrics_route, observe_http
from bot.operations import CommandUsageError
from bot.platforms.slack import SlackPlatform
from bot.platforms.slack.installs import INSTALL_PATH, OAuthConfig
from bot.platforms.slack.manifest import OAUTH_REDIRECT_PATH
from bot.platforms.teams import LazyTeams
from bot.platforms.web import DashboardSite
from bot.platforms.web.public import add_public_pages
from handlers.insight.dashboard import Dashboard
from storage.common import files
from storage.migrate import out_of_date

if TYPE_CHECKING:
    from bot.platforms.teams.platform import TeamsPlatform

log = logging.getLogger(__name__)

HEALTH_TIMEOUT_SECONDS = 5.0
APPLICATION = web.AppKey("application", Application)
SLACK = web.AppKey("slack", SlackPlatform)

SLACK_DISABLED = ("Slack is disabled: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to receive it "
                  "at /slack/events, or SLACK_BOT_TOKEN and SLACK_APP_TOKEN for Socket Mode "
                  "(SLACK_CLIENT_ID and SLACK_CLIENT_SECRET instead of SLACK_BOT_TOKEN to "
                  "install it in many workspaces).")


class SchemaOutOfDate(CommandUsageError):
    """The database schema is behind this version of PartnerOps: the operator upgrades it
    (exit code 2, as every command that finds it so)."""


async def healthz(request: web.Request) -> web.Response:
    application = request.app[APPLICATION]
    try:
        await asyncio.wait_for(application.database.ping(), HEALTH_TIMEOUT_SECONDS)
    except Exception as error:  # any failure means the database cannot serve us
        log.warning("health check: database unreachable (%s)", type(error).__name__)
        return web.json_response({"status": "error", "db": "unreachable",
                                  "scheduler": application.scheduler_state}, status=503)
    return web.json_response({"status": "ok", "db": "ok",
                              "scheduler": application.scheduler_state})


async def shared_file(request: web.Request) -> web.Response:
    """`GET /exports/<token>`: a file the bot handed out as a link, until it expires."""
    application = request.app[APPLICATION]
    async with application.database.session() as session:
        found = await files.fetch(session, request.match_info["token"],
                                  application.clock.now())
    if found is None or found.name.endswith(".png"):  # charts are served at /charts/
        raise web.HTTPNotFound(text="This link has expired or never existed: ask the bot "
                                    "for the export again.")
    return web.Response(text=found.data, content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{found.name}"',
                                 "Cache-Control": "no-store"})


async def chart_image(request: web.Request) -> web.Response:
    """`GET /charts/<token>.png`: a chart the bot linked from a message, until it expires."""
    application = request.app[APPLICATION]
    async with application.database.session() as session:
        found = await files.fetch(session, request.match_info["token"],
                                  application.clock.now())
    if found is None or not found.name.endswith(".png"):
        raise web.HTTPNotFound(text="This chart has expired or never existed.")
    return web.Response(body=base64.b64decode(found.data), content_type="image/png",
                        headers={"Cache-Control": "private, max-age=86400",
                                 "X-Content-Type-Options": "nosniff"})


def _slack(application: Application) -> SlackPlatform | None:
    settings = application.settings
    if settings.slack_oauth_missing:  # one of the pair: surely a mistake
        log.warning("Slack OAuth installs are off: %s is not set (set SLACK_CLIENT_ID and "
                    "SLACK_CLIENT_SECRET together)", settings.slack_oauth_missing)
    if not (settings.slack_http_enabled or settings.slack_socket_mode):
        if settings.slack_missing:  # half configured: surely a mistake, so a warning
            log.warning("Slack is disabled: %s is not set. %s", settings.slack_missing,
                        SLACK_DISABLED.replace("Slack is disabled: set", "Set"))
        else:
            log.info(SLACK_DISABLED)
        return None
    oauth = None
    if settings.slack_oauth_enabled:
        oauth = OAuthConfig(settings.slack_client_id or "",
                            settings.secret(settings.slack_client_secret), settings.public_url,
                            application.database.engine)
        log.info("Slack OAuth: workspaces install PartnerOps at %s", oauth.install_url)
        if settings.slack_bot_token:
            log.warning("SLACK_BOT_TOKEN is not used with SLACK_CLIENT_ID/SECRET: every "
                        "workspace, its own too, speaks with the token of its install")
    slack = SlackPlatform(
        bot_token=settings.secret(settings.slack_bot_token),
        signing_secret=settings.secret(settings.slack_signing_secret),
        app_token=settings.secret(settings.slack_app_token),
        api_url=settings.slack_api_url,
        api_timeout=settings.slack_api_timeout_seconds,
        dispatcher=application.dispatcher,
        registry=application.registry,
        command_prefix=settings.command_prefix,
        installations=application.installations,
        socket_check_seconds=settings.slack_socket_check_seconds,
        telemetry=application.metrics,
        oauth=oauth,
    )
    application.add_platform(Platform.SLACK, slack.outbox, profiles=slack.directory,
                             channels=slack.channels, picker=slack.picker, style=slack.style)
    return slack


def _teams(application: Application) -> LazyTeams:
    """Teams always (unauthenticated local mode without credentials), loaded on first use."""
    settings = application.settings

    def build() -> TeamsPlatform:
        from bot.platforms.teams.platform import TeamsPlatform
        from bot.platforms.teams.retry import RetryPolicy

        return TeamsPlatform(
            app_id=settings.microsoft_app_id,
            app_password=settings.secret(settings.microsoft_app_password),
            tenant_id=settings.microsoft_app_tenant_id,
            app_type=settings.microsoft_app_type,
            dispatcher=application.dispatcher,
            references=application.installations,
            directory_ids=application.installations,
            command_prefix=settings.command_prefix,
            images=application.installations,
            retry=RetryPolicy(telemetry=application.metrics,
                              timeout=settings.teams_api_timeout_seconds),
        )

    teams = LazyTeams(build, app_id=settings.microsoft_app_id, app_type=settings.microsoft_app_type,
                      command_prefix=settings.command_prefix,
                      directory_ids=application.installations)
    application.add_platform(Platform.TEAMS, teams.outbox,  # type: ignore[arg-type]
                             channels=teams.channels,  # type: ignore[arg-type]
                             picker=teams.picker, style=teams.style)
    return teams


@dataclass(frozen=True)
class ChatPlatforms:
    """The platforms this configuration enables, registered with the application."""

    slack: SlackPlatform | None
    teams: LazyTeams


def enable_platforms(application: Application) -> ChatPlatforms:
    """Slack when configured, Teams always (unauthenticated local mode without credentials)."""
    return ChatPlatforms(_slack(application), _teams(application))


async def ensure_schema(application: Application) -> None:
    """SQLite is upgraded in place; a shared database must be upgraded on purpose."""
    if application.database.dialect == "sqlite":
        await application.prepare_database(migrate=True)
        return
    if (problem := await out_of_date(application.database)) is not None:
        raise SchemaOutOfDate(problem)


def _dashboard_secret(application: Application) -> str:
    """PARTNEROPS_SECRET_KEY; else what the deployment keeps outside the database anyway
    (the same in every process); else one for this process alone."""
    settings = application.settings
    if settings.secret_key is not None and settings.secret_key.get_secret_value():
        return settings.secret_key.get_secret_value()
    if application.services.config.server_secret:
        return application.services.config.server_secret
    log.warning("PARTNEROPS_SECRET_KEY is not set: dashboard sign-ins last until this "
                "process stops and work in this process only.")
    return secrets.token_urlsafe(32)


def _dashboard(application: Application) -> DashboardSite:
    source = Dashboard(application.services, lambda: application.registry.pages)
    return DashboardSite(source, _dashboard_secret(application),
                         secure_cookie=application.settings.public_url.startswith("https://"))


def create_web_app(application: Application, *,
                   scheduler_on_startup: bool = True) -> web.Application:
    """The routes and the start-up and clean-up of everything behind them. `partnerops run`
    starts the scheduler itself once it serves (`scheduler_on_startup=False`)."""
    app = web.Application(middlewares=[observe_http(application.metrics)])
    app[APPLICATION] = application
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_route(application.metrics,
                                                 lambda: application.scheduler_state))
    app.router.add_get("/exports/{token}", shared_file)
    app.router.add_get("/charts/{token}.png", chart_image)
    add_public_pages(app)  # /, /privacy, /terms: the Teams app package links to them
    _dashboard(application).add_routes(app)
    platforms = enable_platforms(application)
    slack = platforms.slack
    if slack is not None:
        app[SLACK] = slack
        if not slack.socket_mode:
            app.router.add_post("/slack/events", slack.handle)
        if slack.installs is not None:
            app.router.add_get(INSTALL_PATH, slack.installs.install)
            app.router.add_get(OAUTH_REDIRECT_PATH, slack.installs.redirect)
    app.router.add_post("/api/messages", platforms.teams.handle)

    serving = False  # this application holds the collector's serving settings

    async def start(_: web.Application) -> None:
        nonlocal serving
        await ensure_schema(application)
        if slack is not None:
            await slack.start()
        if scheduler_on_startup:
            await application.start_scheduler()
        SERVING.start()
        serving = True

    async def stop(_: web.Application) -> None:
        nonlocal serving
        if serving:
            SERVING.stop()
            serving = False
        await application.stop_scheduler()
        if slack is not None:
            await slack.close()
        await application.close()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    return app
