"""Who the bot is to Bot Framework, per MICROSOFT_APP_TYPE: the credentials each type signs
in with, a managed identity's token on the wire, and 401 for any request without a valid
token. Nothing here reaches Microsoft: no test sends a token botbuilder would check against
Microsoft's published keys."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from aiohttp.test_utils import TestClient
from botframework.connector.auth import (
    AuthenticationConstants,
    ManagedIdentityAppCredentials,
    MicrosoftAppCredentials,
)

from bot.app import Application
from bot.core.cards import Card
from bot.core.conversation import ConversationKind, ConversationRef, Platform
from bot.platforms.teams import TeamsPlatform
from bot.platforms.teams.auth import BotIdentity
from tests.fakes import FakeBotConnector, teams_activities
from tests.platforms.teams.conftest import say, serve
from tests.platforms.teams.test_teams_http import RecordingDispatcher

APP_ID = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
PASSWORD = "client-secret-value"
SCOPE = AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE  # https://api.botframework.com
LOGIN = AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL  # .../botframework.com
CHANNEL = ConversationRef(Platform.TEAMS, teams_activities.CHANNEL_ID, ConversationKind.CHANNEL)

MODES = {
    "MultiTenant": {"app_password": PASSWORD, "tenant_id": TENANT},  # a tenant is ignored
    "SingleTenant": {"app_password": PASSWORD, "tenant_id": TENANT},
    "UserAssignedMSI": {"app_password": "", "tenant_id": TENANT},
}


def platform(application: Application, app_type: str, *, app_id: str = APP_ID,
             dispatcher: Any = None) -> TeamsPlatform:
    """The Teams platform as bot/web.py builds it from valid Settings of this type."""
    return TeamsPlatform(app_id=app_id, app_type=app_type, **MODES[app_type],
                         dispatcher=dispatcher or application.dispatcher,
                         references=application.installations,
                         directory_ids=application.installations)


@pytest.mark.parametrize("app_type", list(MODES))
async def test_each_app_type_signs_in_with_what_azure_gave_it(application: Application,
                                                              app_type: str) -> None:
    teams = platform(application, app_type)
    identity = teams.authentication.identity
    credentials = teams.authentication.credentials

    made = await credentials.create_credentials(APP_ID, SCOPE, LOGIN, True)

    assert not await credentials.is_authentication_disabled()
    assert await credentials.is_valid_app_id(APP_ID)
    assert not await credentials.is_valid_app_id("00000000-0000-0000-0000-000000000000")
    if app_type == "MultiTenant":
        assert identity == BotIdentity(APP_ID, PASSWORD, "", "MultiTenant")
        assert type(made) is MicrosoftAppCredentials
        assert made.microsoft_app_id == APP_ID and made.microsoft_app_password == PASSWORD
        assert made.oauth_endpoint == "https://login.microsoftonline.com/botframework.com"
    elif app_type == "SingleTenant":
        assert identity == BotIdentity(APP_ID, PASSWORD, TENANT, "SingleTenant")
        assert type(made) is MicrosoftAppCredentials
        assert made.microsoft_app_id == APP_ID and made.microsoft_app_password == PASSWORD
        assert made.oauth_endpoint == f"https://login.microsoftonline.com/{TENANT}"
    else:
        assert identity == BotIdentity(APP_ID, "", TENANT, "UserAssignedMSI")
        assert type(made) is ManagedIdentityAppCredentials
        assert made.microsoft_app_id == APP_ID and made.oauth_scope == SCOPE
        # The user-assigned identity, by its client id (not the VM's system identity).
        assert made._managed_identity == {"ManagedIdentityIdType": "ClientId", "Id": APP_ID}
    assert PASSWORD not in repr(identity)


async def test_without_an_app_id_nothing_is_authenticated(application: Application) -> None:
    teams = TeamsPlatform(app_id="", app_password=PASSWORD, tenant_id=TENANT,
                          app_type="SingleTenant", dispatcher=application.dispatcher,
                          references=application.installations,
                          directory_ids=application.installations)
    assert teams.authentication.identity == BotIdentity("", "", "", "MultiTenant")
    assert await teams.authentication.credentials.is_authentication_disabled()


def _foreign_token() -> str:
    """A well-formed JWT from an issuer Bot Framework does not trust: refused unread (a
    token claiming Bot Framework's issuer would make botbuilder fetch Microsoft's keys)."""
    claims = {"iss": "https://evil.example/", "aud": APP_ID, "serviceurl": "http://x/",
              "exp": int(time.time()) + 600}
    return jwt.encode(claims, "a-key-that-is-at-least-thirty-two-bytes-long", algorithm="HS256")


@pytest.mark.parametrize("app_type", list(MODES))
@pytest.mark.parametrize("authorization", ["", "Bearer not-a-jwt", "Basic YWxhZGRpbjpvcGVu",
                                           "Bearer", "foreign"])
async def test_a_request_without_a_valid_token_is_401_and_runs_nothing(
        application: Application, connector: FakeBotConnector, app_type: str,
        authorization: str) -> None:
    dispatcher = RecordingDispatcher()
    client = await serve(platform(application, app_type, dispatcher=dispatcher))
    headers = {"Authorization": f"Bearer {_foreign_token()}" if authorization == "foreign"
               else authorization} if authorization else {}
    try:
        response = await client.post("/api/messages", headers=headers, json=teams_activities
                                     .message("help", service_url=connector.url))
        assert response.status == 401
    finally:
        await client.close()
    assert dispatcher.requests == [] and connector.calls == []


class _IdentityEndpoint(BaseHTTPRequestHandler):
    """App Service's managed identity endpoint (IDENTITY_ENDPOINT): what MSAL asks for a
    user-assigned identity's token on Azure App Service, Functions and Container Apps."""

    asked: list[dict[str, Any]] = []

    def do_GET(self) -> None:
        query = {key: value[0] for key, value in parse_qs(urlsplit(self.path).query).items()}
        self.asked.append({"query": query, "header": self.headers.get("X-IDENTITY-HEADER")})
        body = json.dumps({"access_token": "msi-token-for-" + query.get("client_id", "?"),
                           "expires_on": str(int(time.time()) + 3600),
                           "resource": query.get("resource"), "token_type": "Bearer"})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def identity_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """A managed identity endpoint in its own thread: botbuilder asks for tokens
    synchronously, from the event loop's thread."""
    _IdentityEndpoint.asked = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _IdentityEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    for name in ("IDENTITY_SERVER_THUMBPRINT", "MSI_ENDPOINT", "MSI_SECRET", "IMDS_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("IDENTITY_ENDPOINT", f"http://127.0.0.1:{server.server_port}/msi/token")
    monkeypatch.setenv("IDENTITY_HEADER", "identity-header-value")
    try:
        yield _IdentityEndpoint.asked
    finally:
        server.shutdown()
        server.server_close()


async def test_a_managed_identity_signs_posts_with_the_identitys_token(
        application: Application, bot: TestClient, connector: FakeBotConnector,
        identity_endpoint: list[dict[str, Any]]) -> None:
    """UserAssignedMSI: no password anywhere; the token comes from the host's identity
    endpoint, for the identity's client id, and goes to Teams with the post."""
    await say(bot, connector, "help", channel=True)  # stores the channel's reference
    teams = platform(application, "UserAssignedMSI")

    await teams.outbox.post(CHANNEL, Card(summary="Digest", title="Herd digest"))

    (sent,) = await connector.wait_for("send")
    assert sent.headers["Authorization"] == f"Bearer msi-token-for-{APP_ID}"
    (asked, *_) = identity_endpoint
    assert asked["header"] == "identity-header-value"
    assert asked["query"]["client_id"] == APP_ID and asked["query"]["resource"] == SCOPE
