"""The Teams app package: manifest.json plus the two icons Teams requires, as one zip."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

MANIFEST_SCHEMA = ("https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/"
                   "MicrosoftTeams.schema.json")
MANIFEST_VERSION = "1.17"
COLOR_ICON_SIZE = 192
OUTLINE_ICON_SIZE = 32
BRAND_RGB = (0x1D, 0x35, 0x57)
COMMAND_TITLE_MAX = 32
COMMAND_DESCRIPTION_MAX = 128
COMMANDS_PER_LIST = 10


@dataclass(frozen=True)
class TeamsCommand:
    title: str
    description: str


def _png(size: int, rgba: tuple[int, int, int, int]) -> bytes:
    """A solid square PNG, written with the standard library only."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    row = b"\x00" + bytes(rgba) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(row * size)) + chunk(b"IEND", b""))


def teams_manifest(*, app_id: str, public_url: str, commands: list[TeamsCommand],
                   version: str, app_name: str = "PartnerOps") -> dict[str, Any]:
    listed = [{"title": command.title[:COMMAND_TITLE_MAX],
               "description": command.description[:COMMAND_DESCRIPTION_MAX]}
              for command in commands[:COMMANDS_PER_LIST]]
    return {
        "$schema": MANIFEST_SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": app_id,
        "developer": {"name": app_name, "websiteUrl": public_url,
                      "privacyUrl": f"{public_url}/privacy",
                      "termsOfUseUrl": f"{public_url}/terms"},
        "name": {"short": app_name, "full": f"{app_name}: partner channel routine"},
        "description": {
            "short": "Cadences, partner objectives, feedback and elephant reports.",
            "full": "Runs the partner channel's routine: standups and partner check-ins, "
                    "partners' own objectives, feedback campaigns before conference planning, "
                    "and elephant reports of friction between direct sales and partners.",
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*BRAND_RGB),
        "bots": [{
            "botId": app_id,
            "scopes": ["personal", "team", "groupChat"],
            "supportsFiles": False,
            "isNotificationOnly": False,
            "commandLists": [{"scopes": ["personal", "team", "groupChat"], "commands": listed}],
        }],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [urlsplit(public_url).hostname or "localhost"],
    }


def teams_package(manifest: dict[str, Any]) -> bytes:
    """The zip Teams uploads: manifest.json, color.png (192 px) and outline.png (32 px)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, indent=2))
        package.writestr("color.png", _png(COLOR_ICON_SIZE, (*BRAND_RGB, 255)))
        package.writestr("outline.png", _png(OUTLINE_ICON_SIZE, (255, 255, 255, 255)))
    return buffer.getvalue()
