"""Every setting of CONTRACT.md, read once from the environment or a `.env` file."""

from __future__ import annotations

import re
from typing import Annotated, Literal
from urllib.parse import unquote, urlsplit

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.dates import known_zone
from storage.engine import check_url

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./partnerops.db"
_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
# MICROSOFT_APP_TYPE as Azure Bot Service spells it (botbuilder reads it case-insensitively).
MICROSOFT_APP_TYPES = ("MultiTenant", "SingleTenant", "UserAssignedMSI")


def _env(name: str) -> AliasChoices:
    """Accept the CONTRACT.md variable name and the field's own name (for keyword use)."""
    return AliasChoices(name, name.lower())


class Settings(BaseSettings):
    """The process configuration; built once in the composition root and passed down."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    database_url: str = Field(DEFAULT_DATABASE_URL, validation_alias=_env("DATABASE_URL"))
    port: int = Field(3978, ge=0, le=65535, validation_alias=_env("PORT"))
    # Unset: http://localhost:<PORT> (see _public_url_follows_port).
    public_url: str = Field("", validation_alias=_env("PUBLIC_URL"))
    # How often a standby process tries to take the scheduler over (seconds): the longest
    # a dead leader's due sends wait for another process.
    leader_retry_seconds: float = Field(
        15.0, ge=1, le=600, validation_alias=_env("PARTNEROPS_LEADER_RETRY_SECONDS"))

    slack_bot_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_BOT_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(
        None, validation_alias=_env("SLACK_SIGNING_SECRET")
    )
    slack_app_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_APP_TOKEN"))
    # How often the Socket Mode watchdog checks the connection (seconds).
    slack_socket_check_seconds: float = Field(
        5.0, gt=0, le=300, validation_alias=_env("PARTNEROPS_SLACK_SOCKET_CHECK_SECONDS"))
    slack_client_id: str | None = Field(None, validation_alias=_env("SLACK_CLIENT_ID"))
    slack_client_secret: SecretStr | None = Field(
        None, validation_alias=_env("SLACK_CLIENT_SECRET")
    )
    slack_api_url: str = Field("https://slack.com/api/", validation_alias=_env("SLACK_API_URL"))
    # A Web API call without an answer by then fails (and is retried: posts after a look).
    slack_api_timeout_seconds: float = Field(
        15.0, gt=0, le=120, validation_alias=_env("SLACK_API_TIMEOUT_SECONDS"))

    # Teams. A connector call without an answer by then is tried again, as after a 503.
    teams_api_timeout_seconds: float = Field(
        30.0, gt=0, le=120, validation_alias=_env("TEAMS_API_TIMEOUT_SECONDS"))
    # MICROSOFT_APP_TYPE comes last: its validator reads the three before it.
    microsoft_app_id: str = Field("", validation_alias=_env("MICROSOFT_APP_ID"))
    microsoft_app_password: SecretStr = Field(
        SecretStr(""), validation_alias=_env("MICROSOFT_APP_PASSWORD")
    )
    microsoft_app_tenant_id: str = Field("", validation_alias=_env("MICROSOFT_APP_TENANT_ID"))
    microsoft_app_type: str = Field("MultiTenant", validation_alias=_env("MICROSOFT_APP_TYPE"))

    # Signs dashboard sessions; the same in every process of a deployment.
    secret_key: SecretStr | None = Field(None, validation_alias=_env("PARTNEROPS_SECRET_KEY"))

    timezone: str = Field("UTC", validation_alias=_env("PARTNEROPS_TIMEZONE"))
    admins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=_env("PARTNEROPS_ADMINS")
    )
    command_prefix: str = Field("", validation_alias=_env("PARTNEROPS_COMMAND_PREFIX"))
    # Days before an objective's due date its owner and contacts are nudged (0: never).
    objective_nudge_days: int = Field(14, ge=0, le=365,
                                      validation_alias=_env("PARTNEROPS_OBJECTIVE_NUDGE_DAYS"))
    # How log lines are written: readable text, or one JSON object per line.
    log_format: Literal["text", "json"] = Field("text", validation_alias=_env("LOG_FORMAT"))

    @field_validator("microsoft_app_id")
    @classmethod
    def _app_id_is_a_guid(cls, value: str) -> str:
        value = value.strip()
        if value and not _GUID.fullmatch(value):
            raise ValueError(f"{value!r} is not an app id: use the bot's Microsoft App ID, a "
                             "GUID such as 00000000-0000-0000-0000-000000000000 (Azure portal: "
                             "the Azure Bot's Configuration page), or leave it unset for local "
                             "mode")
        return value

    @field_validator("microsoft_app_type")
    @classmethod
    def _known_app_type(cls, value: str, info: ValidationInfo) -> str:
        """One of the three types, with what that type needs (the other Microsoft variables
        are declared above this one, so they are read already)."""
        spelled = {kind.lower(): kind for kind in MICROSOFT_APP_TYPES}.get(
            value.strip().lower() or "multitenant")
        if spelled is None:
            raise ValueError(f"unknown app type {value!r}: use one of "
                             + ", ".join(MICROSOFT_APP_TYPES))
        if not info.data.get("microsoft_app_id"):
            return spelled  # local mode: nothing is authenticated
        password = info.data.get("microsoft_app_password")
        has_password = bool(password and password.get_secret_value())
        named = f"MICROSOFT_APP_ID is set and the app type is {spelled}"
        if spelled != "UserAssignedMSI" and not has_password:
            raise ValueError(f"{named}, which needs MICROSOFT_APP_PASSWORD (the client secret "
                             "of the app registration); a bot on a user-assigned managed "
                             "identity sets MICROSOFT_APP_TYPE=UserAssignedMSI instead")
        if spelled == "UserAssignedMSI" and has_password:
            raise ValueError(f"{named}, which signs in as the managed identity without a "
                             "password: unset MICROSOFT_APP_PASSWORD")
        if spelled != "MultiTenant" and not info.data.get("microsoft_app_tenant_id"):
            raise ValueError(f"{named}, which needs MICROSOFT_APP_TENANT_ID (the Entra tenant "
                             "of the app registration or managed identity)")
        return spelled

    @field_validator("microsoft_app_tenant_id")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        return value.strip()

    @field_validator("admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("log_format", mode="before")
    @classmethod
    def _format_in_any_case(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        if not known_zone(value):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as "
                             "'Europe/Berlin'")
        return value

    @field_validator("command_prefix")
    @classmethod
    def _plain_prefix(cls, value: str) -> str:
        value = value.strip().lstrip("/")
        if value and not all(ch.isalnum() or ch in "-_" for ch in value):
            raise ValueError("may contain only letters, digits, '-' and '_' (e.g. 'pp-')")
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        return check_url(value)

    @field_validator("public_url")
    @classmethod
    def _absolute_http_url(cls, value: str) -> str:
        value = value.strip()
        if not value:
            return value  # unset: follows PORT
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname or " " in value:
            raise ValueError(f"{value!r} is not an absolute http(s) URL; use the address Slack "
                             "and Teams reach this bot at, e.g. https://partnerops.example.com")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _public_url_follows_port(self) -> Settings:
        if not self.public_url:
            self.public_url = f"http://localhost:{self.port}"
        return self

    @field_validator("slack_api_url")
    @classmethod
    def _api_base_ends_with_slash(cls, value: str) -> str:
        # slack_sdk joins method names onto the base URL as-is.
        return value.rstrip("/") + "/"

    @property
    def slack_http_enabled(self) -> bool:
        """Slack at /slack/events: signed requests, and a token (SLACK_BOT_TOKEN, or each
        workspace's own with OAuth)."""
        return bool(self.slack_signing_secret
                    and (self.slack_bot_token or self.slack_oauth_enabled))

    @property
    def slack_socket_mode(self) -> bool:
        return bool(self.slack_app_token and (self.slack_bot_token or self.slack_oauth_enabled))

    @property
    def slack_missing(self) -> str | None:
        """The variable to set when Slack is half configured (one of the pair is there, the
        other not); None when it is complete or not configured at all."""
        if self.slack_http_enabled or self.slack_socket_mode:
            return None
        if self.slack_bot_token or self.slack_oauth_enabled:
            return "SLACK_SIGNING_SECRET"
        if self.slack_signing_secret or self.slack_app_token:
            return "SLACK_BOT_TOKEN"
        return None

    @property
    def slack_oauth_missing(self) -> str | None:
        """The other variable when only one of SLACK_CLIENT_ID and SLACK_CLIENT_SECRET is
        set; None when both or neither are."""
        has_id = bool(self.slack_client_id)
        has_secret = bool(self.slack_client_secret and self.slack_client_secret.get_secret_value())
        if has_id == has_secret:
            return None
        return "SLACK_CLIENT_SECRET" if has_id else "SLACK_CLIENT_ID"

    @property
    def slack_oauth_enabled(self) -> bool:
        return bool(self.slack_client_id and self.slack_client_secret)

    def secret_values(self) -> list[str]:
        """Every configured secret's text, for the logs to blank out."""
        found = [secret.get_secret_value() for secret in (
            self.slack_bot_token, self.slack_signing_secret, self.slack_app_token,
            self.slack_client_secret, self.microsoft_app_password, self.secret_key)
            if secret is not None and secret.get_secret_value()]
        password = urlsplit(self.database_url).password  # as written, and decoded
        return [*found, password, unquote(password)] if password else found

    def secret(self, value: SecretStr | None) -> str:
        """The plain text of a secret, for the one place that must hand it to an SDK."""
        return value.get_secret_value() if value else ""
