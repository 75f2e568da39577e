"""Lint and the import contract are part of the suite, so the README's one command runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LIBRARY_DIRS = ("bot", "handlers", "schedules", "storage")
MAX_MODULE_LINES = 400


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, text=True, capture_output=True, timeout=120)


def test_ruff_is_clean():
    result = _run(sys.executable, "-m", "ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts_hold():
    result = _run(str(BIN / "lint-imports"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 broken" in result.stdout


@pytest.mark.parametrize("folder", LIBRARY_DIRS)
def test_no_module_is_too_big(folder: str):
    too_big = {str(path.relative_to(ROOT)): lines for path in (ROOT / folder).rglob("*.py")
               if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
               and "migrations/versions" not in str(path)}
    assert too_big == {}


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    command = next(line.strip() for line in readme.splitlines() if line.strip().endswith(
        "pytest") and "pip install" in line)
    assert command in (ROOT / ".ci" / "run").read_text()
