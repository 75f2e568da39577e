"""Every setting of CONTRACT.md, read once from the environment or a `.env` file."""

from __future__ import annotations

from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.dates import known_zone
from storage.engine import check_url

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./partnerops.db"


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
    public_url: str = Field("http://localhost:3978", validation_alias=_env("PUBLIC_URL"))

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

    @field_validator("admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

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
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("slack_api_url")
    @classmethod
    def _api_base_ends_with_slash(cls, value: str) -> str:
        # slack_sdk joins method names onto the base URL as-is.
        return value.rstrip("/") + "/"

    @property
    def slack_http_enabled(self) -> bool:
        return bool(self.slack_bot_token and self.slack_signing_secret)

    @property
    def slack_socket_mode(self) -> bool:
        return bool(self.slack_bot_token and self.slack_app_token)

    @property
    def slack_oauth_enabled(self) -> bool:
        return bool(self.slack_client_id and self.slack_client_secret)

    def secret(self, value: SecretStr | None) -> str:
        """The plain text of a secret, for the one place that must hand it to an SDK."""
        return value.get_secret_value() if value else ""
