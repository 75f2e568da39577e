"""How the bot proves who it is to Bot Framework, and checks who calls /api/messages.

Three app types, as Azure Bot Service names them (`MICROSOFT_APP_TYPE`):

- MultiTenant: an app registration and its client secret; tokens from the
  `botframework.com` tenant. Azure no longer creates these; existing bots keep working.
- SingleTenant: an app registration in one Entra tenant and its client secret; tokens from
  `login.microsoftonline.com/<tenant>`.
- UserAssignedMSI: a user-assigned managed identity (MICROSOFT_APP_ID is its client id); no
  secret: tokens come from the Azure host's identity endpoint.

With an app id, every inbound request must carry a Bot Framework token (botbuilder checks its
signature, issuer and audience); without one, nothing is authenticated (local mode).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from botbuilder.integration.aiohttp import (
    ConfigurationBotFrameworkAuthentication,
    ConfigurationServiceClientCredentialFactory,
)
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import ClaimsIdentity, ConnectorFactory

MULTI_TENANT = "MultiTenant"
CALL_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class BotIdentity:
    """The configuration object botbuilder's Configuration* classes read (their names)."""

    APP_ID: str
    APP_PASSWORD: str = field(repr=False)
    APP_TENANTID: str
    APP_TYPE: str


def bot_identity(*, app_id: str, app_password: str, tenant_id: str,
                 app_type: str) -> BotIdentity:
    """What the bot signs in with, keeping only what its type uses. Settings has refused
    the combinations that cannot sign in (bot/settings.py); botbuilder refuses them too."""
    if not app_id:
        return BotIdentity("", "", "", MULTI_TENANT)
    if app_type.lower() == MULTI_TENANT.lower():  # botbuilder ignores a tenant here
        return BotIdentity(app_id, app_password, "", MULTI_TENANT)
    return BotIdentity(app_id, app_password, tenant_id, app_type)


@dataclass(frozen=True)
class Authentication:
    """The credentials factory (outbound tokens) and the Bot Framework authentication built
    on it (inbound JWT validation and the connector clients of every turn)."""

    identity: BotIdentity
    credentials: ConfigurationServiceClientCredentialFactory
    framework: ConfigurationBotFrameworkAuthentication  # a TimedAuthentication


class TimedConnectors(ConnectorFactory):
    """botbuilder's connector clients, each giving up on a call after `timeout` seconds.

    The connector sends with `requests` in the event loop's default executor, so cancelling
    the awaiting task leaves the thread blocked for msrest's 100 s default: a few hung calls
    would hold every executor thread (getaddrinfo's too). Its own timeout frees the thread.
    """

    def __init__(self, inner: ConnectorFactory, timeout: float) -> None:
        self._inner, self._timeout = inner, timeout

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        client = await self._inner.create(service_url, audience)  # type: ignore[arg-type]
        client.config.connection.timeout = self._timeout
        return client


class TimedAuthentication(ConfigurationBotFrameworkAuthentication):
    """The configuration-based authentication, its connector clients timed (above)."""

    def __init__(self, identity: BotIdentity, *,
                 credentials: ConfigurationServiceClientCredentialFactory,
                 timeout: float) -> None:
        super().__init__(identity, credentials_factory=credentials)
        self._timeout = timeout

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return TimedConnectors(super().create_connector_factory(claims_identity),
                               self._timeout)


def authentication(identity: BotIdentity,
                   timeout: float = CALL_TIMEOUT_SECONDS) -> Authentication:
    credentials = ConfigurationServiceClientCredentialFactory(identity)
    framework = TimedAuthentication(identity, credentials=credentials, timeout=timeout)
    return Authentication(identity, credentials, framework)
