"""`partnerops manifest slack|teams`: app manifests matching the configured commands."""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

import yaml

from bot.core.conversation import CommandStyle
from bot.operations import CommandUsageError
from bot.platforms.slack.manifest import SlashCommand, slack_manifest
from bot.platforms.teams.manifest import TeamsCommand, teams_manifest, teams_package
from bot.settings import Settings
from handlers.registry import build_registry

TEAMS_PACKAGE = "partnerops-teams.zip"


def print_manifest(settings: Settings, platform: str, out: TextIO, *,
                   path: str | None = None, errors: TextIO | None = None) -> None:
    """Slack: the YAML manifest on `out`, or in the file `path`. Teams: the package written
    to `path` (default partnerops-teams.zip here; a folder gets that name inside it)."""
    if platform == "teams":
        _write_teams_package(settings, _package_path(path), out, errors or out)
        return
    registry = build_registry()
    commands = [
        SlashCommand(
            name=CommandStyle(slash=True, prefix=settings.command_prefix).label(
                spec.name).lstrip("/"),
            description=spec.summary,
            usage_hint=" | ".join(sub.usage for sub in spec.every_usage() if sub.usage)
            or "help",
        )
        for spec in registry.commands if spec.slash_command
    ]
    # The app-level token alone decides: the manifest is pasted before a bot token exists.
    socket_mode = bool(settings.slack_app_token)
    manifest = slack_manifest(public_url=settings.public_url, commands=commands,
                              socket_mode=socket_mode)
    if not socket_mode and (problem := unreachable(settings.public_url)):
        print(f"warning: {problem}: Slack sends requests only to a public https URL. Set "
              "PUBLIC_URL to the address Slack can reach (a tunnel such as ngrok while "
              "developing), or SLACK_APP_TOKEN for Socket Mode, which needs no URL.",
              file=errors or sys.stderr)
    if path is None:
        yaml.safe_dump(manifest, out, sort_keys=False, allow_unicode=True)
        return
    target = Path(path)
    _check_folder(target)
    target.write_text(yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True),
                      encoding="utf-8")
    print(f"wrote {target}", file=out)


def unreachable(public_url: str) -> str:
    """Why Slack could not send requests to `public_url` ("" when it could)."""
    address = urlsplit(public_url)
    host = (address.hostname or "").lower()
    if host in {"localhost", "127.0.0.1", "::1", "0.0.0.0"} or host.endswith(".localhost"):
        return f"the manifest's URLs point at {host} ({public_url})"
    if address.scheme != "https":
        return f"the manifest's URLs are not https ({public_url})"
    return ""


def _package_path(path: str | None) -> Path:
    target = Path(path) if path else Path(TEAMS_PACKAGE)
    if target.is_dir():
        target = target / TEAMS_PACKAGE
    _check_folder(target)
    return target


def _check_folder(target: Path) -> None:
    if not target.parent.is_dir():
        raise CommandUsageError(f"cannot write {target}: there is no folder {target.parent}")


def _write_teams_package(settings: Settings, path: Path, out: TextIO, errors: TextIO) -> None:
    if not settings.microsoft_app_id:
        raise CommandUsageError("set MICROSOFT_APP_ID (the bot's Azure app id) first: the "
                                "Teams package names the bot by it")
    registry = build_registry()
    commands = [TeamsCommand(spec.name, spec.summary) for spec in registry.commands]
    manifest = teams_manifest(app_id=settings.microsoft_app_id, public_url=settings.public_url,
                              commands=commands, version=version("partnerops"))
    path.write_bytes(teams_package(manifest))
    print(f"wrote {path} (upload it in Teams: Apps > Manage your apps > Upload an app)",
          file=out)
    if not settings.public_url.startswith("https://"):
        print(f"note: PUBLIC_URL is {settings.public_url}, not https: Teams users open the "
              "package's website, privacy and terms links there; set PUBLIC_URL to the bot's "
              "public https address (Azure sends /api/messages to https only)",
              file=errors)
