"""Installing the bot into a Slack workspace the way a browser does: GET /slack/install
(redirected to Slack's authorize page, with a state and its cookie), then, as Slack sends
the browser back, GET /slack/oauth_redirect with the code and that state."""

from __future__ import annotations

from pathlib import Path

from aiohttp import ClientResponse
from yarl import URL

from bot.settings import Settings
from tests.e2e.conftest import RunningBot, bot_settings
from tests.fakes import FakeSlackApi

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "oauth-client-secret"
PUBLIC_URL = "https://partnerops.test"
STATE_COOKIE = "slack-app-oauth-state"


def oauth_settings(tmp_path: Path, slack: FakeSlackApi, **overrides: str) -> Settings:
    """The e2e settings with OAuth (SLACK_BOT_TOKEN stays set: it must not be used)."""
    return bot_settings(tmp_path, slack, slack_client_id=CLIENT_ID,
                        slack_client_secret=CLIENT_SECRET, public_url=PUBLIC_URL, **overrides)


async def begin_install(bot: RunningBot) -> tuple[URL, str]:
    """Slack's authorize URL the bot sends the browser to, and the cookie it set."""
    response = await bot.client.get("/slack/install", allow_redirects=False)
    assert response.status == 302, await response.text()
    authorize = URL(response.headers["Location"])
    cookie = response.cookies[STATE_COOKIE].value
    bot.client.session.cookie_jar.clear()  # each request below says what it carries
    return authorize, cookie


async def come_back(bot: RunningBot, *, cookie: str | None = None,
                    **query: str) -> ClientResponse:
    """Slack sending the browser back to the redirect URL with `query`."""
    headers = {"Cookie": f"{STATE_COOKIE}={cookie}"} if cookie is not None else {}
    return await bot.client.get("/slack/oauth_redirect", params=query, headers=headers,
                                allow_redirects=False)


async def install(bot: RunningBot, code: str) -> ClientResponse:
    """The whole flow: the installer approves in Slack, which hands back `code`."""
    authorize, cookie = await begin_install(bot)
    return await come_back(bot, cookie=cookie, code=code, state=authorize.query["state"])
