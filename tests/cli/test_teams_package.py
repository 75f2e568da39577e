"""`partnerops manifest teams --out PATH`: a package Teams accepts for upload. Its manifest
is checked against Microsoft's published schema for its manifestVersion (shipped in
tests/platforms/teams/schemas/) and against the limits of that schema the manifest
touches; the icons are checked as Teams checks them."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import yaml
from PIL import Image

from bot.platforms.teams.manifest import BRAND_RGB, MANIFEST_SCHEMA, MANIFEST_VERSION
from handlers.registry import build_registry
from tests.cli.invoke import Result, as_process, in_process

APP_ID = "6f1f8a8e-1c1b-4b7e-9a39-1f2f0e9d5c11"
TEAMS = {"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "secret"}
SCHEMA = (Path(__file__).parents[1] / "platforms" / "teams" / "schemas"
          / f"MicrosoftTeams.v{MANIFEST_VERSION}.schema.json")
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
HTTP_URL = re.compile(r"^[Hh][Tt][Tt][Pp][Ss]?://")
SCOPES = {"team", "personal", "groupChat"}
# Top-level properties of the v1.17 schema (it allows no others).
TOP_LEVEL = {"$schema", "manifestVersion", "version", "id", "localizationInfo", "developer",
             "name", "description", "icons", "accentColor", "configurableTabs", "staticTabs",
             "bots", "connectors", "subscriptionOffer", "composeExtensions", "permissions",
             "devicePermissions", "validDomains", "webApplicationInfo", "graphConnector",
             "showLoadingIndicator", "isFullScreen", "activities", "configurableProperties",
             "supportedChannelTypes", "defaultBlockUntilAdminAction", "publisherDocsUrl",
             "defaultInstallScope", "defaultGroupCapability", "meetingExtensionDefinition",
             "authorization", "extensions", "dashboardCards"}


def partnerops(tmp_path: Path, *args: str, **env: str) -> Result:
    return in_process(tmp_path, "cli.db", *args, **env)


def package(tmp_path: Path, **env: str) -> tuple[Result, Path]:
    out = tmp_path / "build" / "partnerops-teams.zip"
    out.parent.mkdir()
    return partnerops(tmp_path, "manifest", "teams", "--out", str(out), **TEAMS, **env), out


def opened(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files["manifest.json"]), files


def structural_problems(manifest: dict[str, Any], files: dict[str, bytes]) -> list[str]:
    """What the v1.17 schema (and Teams' upload) refuses, for every field the manifest
    uses: required fields, no unknown fields, patterns and lengths, command list limits."""
    problems = [f"missing {key}" for key in ("manifestVersion", "version", "id", "developer",
                                              "name", "description", "icons", "accentColor")
                if key not in manifest]
    problems += [f"unknown field {key}" for key in manifest if key not in TOP_LEVEL]

    def check(ok: bool, what: str) -> None:
        if not ok:
            problems.append(what)

    check(manifest.get("manifestVersion") == MANIFEST_VERSION, "manifestVersion")
    check(bool(SEMVER.match(manifest.get("version", ""))), "version is not MAJOR.MINOR.PATCH")
    check(bool(GUID.match(manifest.get("id", ""))), "id is not a GUID")
    developer = manifest.get("developer", {})
    check(set(developer) <= {"name", "mpnId", "websiteUrl", "privacyUrl", "termsOfUseUrl"}
          and len(developer.get("name", "")) <= 32, "developer")
    for key in ("websiteUrl", "privacyUrl", "termsOfUseUrl"):
        check(bool(HTTP_URL.match(developer.get(key, ""))) and len(developer[key]) <= 2048,
              f"developer.{key}")
    name, description = manifest.get("name", {}), manifest.get("description", {})
    check(set(name) == {"short", "full"} and len(name["short"]) <= 30
          and len(name["full"]) <= 100, "name")
    check(set(description) == {"short", "full"} and len(description["short"]) <= 80
          and len(description["full"]) <= 4000, "description")
    icons = manifest.get("icons", {})
    check(set(icons) == {"color", "outline"} and all(path in files for path in icons.values()),
          "icons must name the two PNGs in the package")
    check(bool(re.fullmatch(r"#[0-9a-fA-F]{6}", manifest.get("accentColor", ""))),
          "accentColor")
    bots = manifest.get("bots", [])
    check(len(bots) == 1, "exactly one bot")
    for bot in bots:
        check(set(bot) <= {"botId", "configuration", "needsChannelSelector",
                           "isNotificationOnly", "supportsFiles", "supportsCalling",
                           "supportsVideo", "scopes", "commandLists"}, "bot fields")
        check(bool(GUID.match(bot.get("botId", ""))), "botId is not a GUID")
        check(set(bot.get("scopes", [])) <= SCOPES and len(bot["scopes"]) <= 3, "bot scopes")
        lists = bot.get("commandLists", [])
        check(len(lists) <= 3, "at most 3 command lists")
        for listed in lists:
            check(set(listed) == {"scopes", "commands"}, "command list fields")
            check(set(listed["scopes"]) <= SCOPES, "command list scopes")
            check(len(listed["commands"]) <= 10, "at most 10 commands a list")
            for command in listed["commands"]:
                check(set(command) == {"title", "description"}, f"command {command}")
                check(0 < len(command["title"]) <= 32, f"title of {command}")
                check(0 < len(command["description"]) <= 128, f"description of {command}")
    check(set(manifest.get("permissions", [])) <= {"identity", "messageTeamMembers"},
          "permissions")
    domains = manifest.get("validDomains", [])
    check(len(domains) <= 16 and all(len(domain) <= 2048 for domain in domains),
          "validDomains")
    return problems


def test_the_package_holds_the_manifest_and_both_icons_at_its_root(tmp_path: Path):
    result, out = package(tmp_path, PUBLIC_URL="https://bot.acme.test/")
    assert result.returncode == 0, result.stderr
    assert f"wrote {out}" in result.stdout and result.stderr == ""
    manifest, files = opened(out)

    assert sorted(files) == ["color.png", "manifest.json", "outline.png"]
    assert structural_problems(manifest, files) == []
    assert manifest["$schema"] == MANIFEST_SCHEMA
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID
    assert manifest["developer"] | {"name": ""} == {
        "name": "", "websiteUrl": "https://bot.acme.test",
        "privacyUrl": "https://bot.acme.test/privacy",
        "termsOfUseUrl": "https://bot.acme.test/terms"}
    assert manifest["validDomains"] == ["bot.acme.test"]
    # The bot menu: every command people type to the bot, each with its summary.
    [listed] = manifest["bots"][0]["commandLists"]
    assert set(listed["scopes"]) == SCOPES
    assert listed["commands"] == [{"title": spec.name, "description": spec.summary}
                                  for spec in build_registry().commands]


def test_the_manifest_is_valid_against_microsofts_schema(tmp_path: Path):
    from jsonschema import Draft4Validator

    schema = json.loads(SCHEMA.read_text(encoding="utf-8-sig"))
    assert schema["properties"]["manifestVersion"].get("const", MANIFEST_VERSION) \
        == MANIFEST_VERSION
    result, out = package(tmp_path, PUBLIC_URL="https://bot.acme.test")
    assert result.returncode == 0, result.stderr
    manifest, _ = opened(out)
    errors = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
              for error in Draft4Validator(schema).iter_errors(manifest)]
    assert errors == []


def test_the_icons_are_what_teams_asks_for(tmp_path: Path):
    result, out = package(tmp_path, PUBLIC_URL="https://bot.acme.test")
    assert result.returncode == 0, result.stderr
    _, files = opened(out)

    color = Image.open(io.BytesIO(files["color.png"]))
    assert color.format == "PNG" and color.size == (192, 192)
    colors = color.convert("RGB").getcolors(maxcolors=192 * 192) or []
    by_count = {rgb: count for count, rgb in colors}
    assert by_count.get(BRAND_RGB, 0) > 192 * 192 // 2  # the brand colour, full bleed
    assert by_count.get((255, 255, 255), 0) > 192 * 192 // 10  # a white glyph on it
    assert color.convert("RGBA").getextrema()[3] == (255, 255)  # opaque everywhere

    outline = Image.open(io.BytesIO(files["outline.png"]))
    assert outline.format == "PNG" and outline.size == (32, 32) and outline.mode == "RGBA"
    pixels = [outline.getpixel((x, y)) for x in range(32) for y in range(32)]
    assert all(pixel[:3] == (255, 255, 255) for pixel in pixels if pixel[3]), "white only"
    transparent = sum(1 for p in pixels if p[3] == 0)
    solid = sum(1 for p in pixels if p[3] == 255)
    assert 0.35 < transparent / len(pixels) < 0.85, "the background must be transparent"
    assert solid > 150, "the glyph must be there, in solid white"
    edge = [outline.getpixel((x, y)) for x in range(32) for y in (0, 31)] + \
           [outline.getpixel((x, y)) for y in range(32) for x in (0, 31)]
    assert all(pixel[3] == 0 for pixel in edge)


def test_without_public_url_the_links_are_local_and_it_says_so(tmp_path: Path):
    result, out = package(tmp_path)
    assert result.returncode == 0, result.stderr
    manifest, files = opened(out)
    assert structural_problems(manifest, files) == []
    assert manifest["developer"]["privacyUrl"] == "http://localhost:3978/privacy"
    assert manifest["developer"]["termsOfUseUrl"] == "http://localhost:3978/terms"
    assert "note: PUBLIC_URL is http://localhost:3978, not https" in result.stderr


def test_out_may_name_a_folder_and_never_a_missing_one(tmp_path: Path):
    folder = tmp_path / "dist"
    folder.mkdir()
    into_folder = partnerops(tmp_path, "manifest", "teams", "--out", str(folder), **TEAMS,
                             PUBLIC_URL="https://bot.acme.test")
    assert into_folder.returncode == 0, into_folder.stderr
    assert (folder / "partnerops-teams.zip").is_file()

    missing = tmp_path / "nowhere" / "app.zip"
    refused = partnerops(tmp_path, "manifest", "teams", "--out", str(missing), **TEAMS)
    assert refused.returncode == 2
    assert f"there is no folder {missing.parent}" in refused.stderr
    assert not missing.parent.exists()


def test_slack_out_writes_the_yaml_to_a_file(tmp_path: Path):
    out = tmp_path / "slack.yaml"
    result = partnerops(tmp_path, "manifest", "slack", "--out", str(out),
                        PUBLIC_URL="https://bot.acme.test")
    assert result.returncode == 0, result.stderr
    manifest = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert manifest["settings"]["interactivity"]["request_url"] == \
        "https://bot.acme.test/slack/events"


def test_as_a_real_process(tmp_path: Path):
    result = as_process(tmp_path, "cli.db", "manifest", "teams", "--out",
                        "partnerops-teams.zip", **TEAMS, PUBLIC_URL="https://bot.acme.test")
    assert result.returncode == 0, result.stderr
    manifest, files = opened(tmp_path / "partnerops-teams.zip")
    assert structural_problems(manifest, files) == [] and manifest["id"] == APP_ID
