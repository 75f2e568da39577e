"""The deploy files say what docs/DEPLOY.md says they do.

Docker is not available where these tests run: they read Dockerfile, .dockerignore and
compose.yaml; they do not build the image or start the stack. What the image runs
(`pip install .` of the copied folders, then `partnerops run`) is what the rest of the
suite runs.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of every instruction, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            instructions.append((word.upper(), rest.strip()))
    return instructions


def _arguments(name: str) -> list[str]:
    return [rest for word, rest in _dockerfile() if word == name]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def _contract_variables() -> set[str]:
    """Every variable of docs/CONTRACT.md's configuration table."""
    contract = (ROOT / "docs" / "CONTRACT.md").read_text()
    table = contract.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return {name for row in table.splitlines() if row.startswith("| `")
            for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}


def test_the_image_is_slim_python_3_11_and_runs_partnerops_as_a_user_of_its_own():
    [base] = _arguments("FROM")
    assert base == "python:3.11-slim"
    users = _arguments("USER")
    assert users and users[-1] not in ("root", "0", "0:0")
    names = [word for word, _ in _dockerfile()]
    assert names.index("USER") > max(i for i, word in enumerate(names) if word == "RUN")
    [install] = [rest for rest in _arguments("RUN") if "pip install" in rest]
    assert "pip install ." in install and "-e" not in shlex.split(install)
    assert "useradd --system --uid 10001 --user-group" in install
    [command] = _arguments("CMD")
    assert yaml.safe_load(command) == ["partnerops", "run"]
    assert _arguments("EXPOSE") == ["3978"]
    [health] = _arguments("HEALTHCHECK")
    assert "/healthz" in health and " CMD " in f" {health} "


def test_the_image_gets_every_folder_the_package_needs_and_none_of_the_local_state():
    copied = {source for rest in _arguments("COPY") for source in shlex.split(rest)[:-1]}
    assert {"bot", "handlers", "schedules", "storage", "pyproject.toml", "README.md"} <= copied
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", ".env", "*.db"} <= set(ignored)


def test_compose_has_postgres_a_one_shot_upgrade_and_the_bot_after_it(compose: dict[str, Any]):
    services = compose["services"]
    assert set(services) == {"postgres", "upgrade", "bot"}
    postgres = services["postgres"]
    assert postgres["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])

    upgrade, bot = services["upgrade"], services["bot"]
    assert upgrade["command"] == ["partnerops", "db", "upgrade"]
    assert upgrade["restart"] == "no"
    assert upgrade["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert bot["command"] == ["partnerops", "run"]
    assert bot["depends_on"] == {"postgres": {"condition": "service_healthy"},
                                 "upgrade": {"condition": "service_completed_successfully"}}
    assert upgrade["build"] == bot["build"] == "." and upgrade["image"] == bot["image"]
    assert bot["ports"] == ["3978:3978"]


def test_compose_gives_both_the_same_postgres_and_passes_every_variable(
        compose: dict[str, Any]):
    upgrade = compose["services"]["upgrade"]["environment"]
    bot = compose["services"]["bot"]["environment"]
    assert upgrade["DATABASE_URL"] == bot["DATABASE_URL"]
    assert bot["DATABASE_URL"].startswith("postgresql+asyncpg://partnerops:")
    assert bot["DATABASE_URL"].endswith("@postgres:5432/partnerops")
    variables = _contract_variables()
    assert {"DATABASE_URL", "PORT", "PUBLIC_URL", "SLACK_BOT_TOKEN"} <= variables
    assert set(bot) <= variables, "compose passes a variable the contract does not know"
    # Everything an operator may set passes, SLACK_API_URL (proxies) too.
    assert variables <= set(bot), variables - set(bot)


def test_the_procfile_runs_the_same_command():
    assert (ROOT / "Procfile").read_text().strip() == "web: partnerops run"
