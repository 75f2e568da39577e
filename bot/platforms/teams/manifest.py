"""The Teams app package: manifest.json plus the two icons Teams requires, as one zip.

The manifest follows Microsoft's schema for its manifestVersion (MANIFEST_SCHEMA); the icons
are drawn here with Pillow (a white elephant: on the brand colour for the colour icon, on a
transparent background for the outline icon), so the package needs no files beside the code.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from PIL.Image import Image

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


def _elephant(size: int) -> Image:
    """An elephant facing left, as an 8-bit coverage mask `size` pixels square, drawn at
    eight times the size and scaled down (smooth edges), centred."""
    from PIL import Image, ImageDraw  # only `partnerops manifest teams` draws

    big = size * 8
    mask = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(mask)

    def box(x0: float, y0: float, x1: float, y1: float) -> list[float]:
        return [x0 * big, y0 * big, x1 * big, y1 * big]

    def width(fraction: float) -> int:
        return round(fraction * big)

    draw.ellipse(box(0.36, 0.28, 0.94, 0.72), fill=255)  # body
    draw.rounded_rectangle(box(0.42, 0.52, 0.56, 0.90), radius=width(0.04), fill=255)
    draw.rounded_rectangle(box(0.74, 0.52, 0.88, 0.90), radius=width(0.04), fill=255)
    draw.ellipse(box(0.10, 0.20, 0.50, 0.58), fill=255)  # head
    trunk = [(0.17 * big, 0.44 * big), (0.12 * big, 0.62 * big), (0.11 * big, 0.76 * big),
             (0.16 * big, 0.84 * big)]
    draw.line(trunk, fill=255, width=width(0.11), joint="curve")
    radius = width(0.055)
    for x, y in (trunk[0], trunk[-1]):  # round ends
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=255)
    draw.line([(0.93 * big, 0.44 * big), (0.98 * big, 0.62 * big)], fill=255,
              width=width(0.04))  # tail
    ear, gap = (0.30, 0.22, 0.58, 0.60), 0.035  # the ear, set off from head and body
    draw.ellipse(box(ear[0] - gap, ear[1] - gap, ear[2] + gap, ear[3] + gap), fill=0)
    draw.ellipse(box(*ear), fill=255)
    draw.ellipse(box(0.20, 0.31, 0.27, 0.38), fill=0)  # eye
    cropped = mask.crop(mask.getbbox())
    scale = big / max(cropped.size)
    cropped = cropped.resize((round(cropped.width * scale), round(cropped.height * scale)),
                             Image.Resampling.LANCZOS)
    centred = Image.new("L", (big, big), 0)
    centred.paste(cropped, ((big - cropped.width) // 2, (big - cropped.height) // 2))
    return centred.resize((size, size), Image.Resampling.LANCZOS)


def _png(image: Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def color_icon() -> bytes:
    """192 x 192: the white elephant inside Teams' safe area on the brand colour, full bleed."""
    from PIL import Image

    glyph_size = COLOR_ICON_SIZE * 5 // 8
    icon = Image.new("RGBA", (COLOR_ICON_SIZE, COLOR_ICON_SIZE), (*BRAND_RGB, 255))
    white = Image.new("RGBA", (glyph_size, glyph_size), (255, 255, 255, 255))
    offset = (COLOR_ICON_SIZE - glyph_size) // 2
    icon.paste(white, (offset, offset), _elephant(glyph_size))
    return _png(icon.convert("RGB"))


def outline_icon() -> bytes:
    """32 x 32: the elephant in white, everything else fully transparent."""
    from PIL import Image

    glyph_size = OUTLINE_ICON_SIZE - 2  # a pixel's margin
    alpha = Image.new("L", (OUTLINE_ICON_SIZE, OUTLINE_ICON_SIZE), 0)
    alpha.paste(_elephant(glyph_size), (1, 1))
    icon = Image.new("RGBA", (OUTLINE_ICON_SIZE, OUTLINE_ICON_SIZE), (255, 255, 255, 0))
    icon.putalpha(alpha)
    return _png(icon)


def teams_version(version: str) -> str:
    """The app version as Teams takes it: MAJOR.MINOR.PATCH and nothing more."""
    found = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", version)
    if found is None:
        return "1.0.0"
    major, minor, patch = found.groups()
    return f"{int(major)}.{int(minor)}.{int(patch or 0)}"


def _clip(text: str, limit: int) -> str:
    """`text` within `limit` characters, cut at a word with an ellipsis when too long."""
    if len(text) <= limit:
        return text
    return text[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "\u2026"


def teams_manifest(*, app_id: str, public_url: str, commands: list[TeamsCommand],
                   version: str, app_name: str = "PartnerOps") -> dict[str, Any]:
    listed = [{"title": _clip(command.title, COMMAND_TITLE_MAX),
               "description": _clip(command.description, COMMAND_DESCRIPTION_MAX)}
              for command in commands[:COMMANDS_PER_LIST]]
    return {
        "$schema": MANIFEST_SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": teams_version(version),
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
    """The zip Teams uploads: manifest.json, color.png (192 px) and outline.png (32 px), at
    the root of the archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        package.writestr(manifest["icons"]["color"], color_icon())
        package.writestr(manifest["icons"]["outline"], outline_icon())
    return buffer.getvalue()
