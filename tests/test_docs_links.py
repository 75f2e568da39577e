"""Everything an operator reads lives in this repository: every relative link in the
Markdown files resolves to a file (and heading) in it, and every `*.md` file a document
names exists here. Links to the web (https://...) are not followed."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
NAMED_FILE = re.compile(r"(?<![\w/.-])([\w./-]*[\w-]+\.md)\b")
FENCE = re.compile(r"^```.*?^```", re.DOTALL | re.MULTILINE)


def _documents() -> list[Path]:
    try:
        listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "--cached", "--others",
                                 "--exclude-standard", "*.md"], check=True,
                                capture_output=True, text=True, timeout=30).stdout.split()
    except (OSError, subprocess.CalledProcessError):  # no git: the files on disk
        listed = [str(path.relative_to(ROOT)) for path in ROOT.rglob("*.md")
                  if not {".venv", ".git", "node_modules"} & set(path.parts)]
    found = [ROOT / name for name in listed]
    for name in ("README.md", "docs/CONTRACT.md", "docs/DEPLOY.md"):
        assert ROOT / name in found, name
    return found


def _anchors(document: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    text = FENCE.sub("", document.read_text())
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
            for heading in re.findall(r"^#+\s+(.*)$", text, re.MULTILINE)}


def _inside(path: Path) -> bool:
    return path.resolve().is_relative_to(ROOT)


@pytest.mark.parametrize("document", _documents(), ids=lambda path: str(path.relative_to(ROOT)))
def test_relative_links_resolve_inside_the_repository(document: Path):
    for target in LINK.findall(document.read_text()):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
            assert target.startswith(("https://", "http://", "mailto:")), target
            continue
        path_part, _, anchor = target.partition("#")
        linked = (document.parent / unquote(path_part)).resolve() if path_part else document
        assert _inside(linked), f"{document.name}: {target} points outside the repository"
        assert linked.exists(), f"{document.name}: {target} does not exist"
        if anchor and linked.suffix == ".md":
            assert anchor in _anchors(linked), f"{document.name}: no heading #{anchor} there"


@pytest.mark.parametrize("document", _documents(), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_markdown_file_a_document_names_is_in_the_repository(document: Path):
    for named in set(NAMED_FILE.findall(document.read_text())):
        candidates = (document.parent / named, ROOT / named)
        assert any(_inside(path) and path.exists() for path in candidates), \
            f"{document.name} names {named}, which is not in this repository"


def test_the_checks_catch_what_they_are_for(tmp_path: Path):
    assert LINK.findall("see [the design](../shared/DESIGN.md) and [x](https://a.b)") == \
        ["../shared/DESIGN.md", "https://a.b"]
    assert "PRODUCT.md" in NAMED_FILE.findall("The grammar is in PRODUCT.md and README.")
    assert not _inside(ROOT / ".." / "shared" / "DESIGN.md")
    assert "upgrading" in _anchors(ROOT / "docs" / "DEPLOY.md")
