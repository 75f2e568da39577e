"""Configuration `partnerops` refuses, and defaults that follow each other, as an operator
meets them: through the real process where it is about the process."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.app import build_application
from bot.settings import Settings
from bot.web import create_web_app
from tests.cli.invoke import environment, in_process


@pytest.mark.parametrize("url", ["not-a-url", "localhost:3978", "ftp://bot.acme.test",
                                 "https://"])
def test_a_public_url_that_is_no_url_is_refused(tmp_path: Path, url: str):
    """Every command reads the same settings (`run` itself: the next test)."""
    result = in_process(tmp_path, "run.db", "manifest", "slack", PUBLIC_URL=url)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("partnerops: invalid configuration: PUBLIC_URL: ")
    assert url in result.stderr and len(result.stderr.splitlines()) == 1


def test_a_public_url_that_is_no_url_is_refused_by_the_real_process(tmp_path: Path):
    env = environment(tmp_path, "run.db", PUBLIC_URL="not-a-url")
    done = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "PUBLIC_URL" in done.stderr and "not-a-url" in done.stderr
    assert not (tmp_path / "run.db").exists()


def test_the_default_public_url_follows_the_port(tmp_path: Path):
    manifest = yaml.safe_load(in_process(tmp_path, "run.db", "manifest", "slack",
                                         PORT="3981").stdout)
    assert manifest["settings"]["interactivity"]["request_url"] == \
        "http://localhost:3981/slack/events"
    assert "3978" not in yaml.safe_dump(manifest)
    explicit = yaml.safe_load(in_process(tmp_path, "run.db", "manifest", "slack", PORT="3981",
                                         PUBLIC_URL="https://bot.acme.test/").stdout)
    assert explicit["settings"]["interactivity"]["request_url"] == \
        "https://bot.acme.test/slack/events"


@pytest.mark.parametrize(("given", "missing"), [
    ({"slack_client_id": "1.2"}, "SLACK_CLIENT_SECRET"),
    ({"slack_client_secret": "shh"}, "SLACK_CLIENT_ID"),
])
def test_half_of_slack_oauth_is_a_warning_naming_the_other_half(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, given: dict[str, str], missing: str):
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}",
                        slack_bot_token="xoxb-1", slack_signing_secret="s", **given)
    assert settings.slack_oauth_missing == missing and not settings.slack_oauth_enabled
    with caplog.at_level(logging.WARNING):
        create_web_app(build_application(settings))
    [warning] = [record for record in caplog.records if "OAuth" in record.getMessage()]
    assert warning.levelno == logging.WARNING and f"{missing} is not set" in warning.getMessage()
