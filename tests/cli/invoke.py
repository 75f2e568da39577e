"""Running `partnerops` the way an operator does: in this process through `main(argv)`
(fast: most tests), or as a real process (one smoke test per command)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from bot.cli import main
from tests.conftest import CONTRACT_VARIABLES


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


def environment(tmp_path: Path, database: str, **extra: str) -> dict[str, str]:
    """The process environment: no operator's variables, this test's database."""
    env = {key: value for key, value in os.environ.items() if key not in CONTRACT_VARIABLES}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / database}"
    return {**env, **extra}


def in_process(tmp_path: Path, database: str, *args: str, **env: str) -> Result:
    """`partnerops ARGS` through `main`, in `tmp_path`, with exactly this environment."""
    out, err = io.StringIO(), io.StringIO()
    previous = Path.cwd()
    try:
        os.chdir(tmp_path)
        with mock.patch.dict(os.environ, environment(tmp_path, database, **env), clear=True), \
                contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as leaving:  # argparse's own usage errors
                code = leaving.code if isinstance(leaving.code, int) else 2
    finally:
        os.chdir(previous)
    return Result(code, out.getvalue(), err.getvalue())


async def in_process_async(tmp_path: Path, database: str, *args: str, **env: str) -> Result:
    """`in_process` from an async test: its own thread, so it has its own event loop while
    the test's fakes keep serving on this one."""
    return await asyncio.to_thread(in_process, tmp_path, database, *args, **env)


def as_process(tmp_path: Path, database: str, *args: str, typed: str = "",
               **env: str) -> Result:
    """`python -m bot ARGS` as a real process; `typed` is its standard input."""
    done = subprocess.run([sys.executable, "-m", "bot", *args], cwd=tmp_path, text=True,
                          capture_output=True, env=environment(tmp_path, database, **env),
                          input=typed, timeout=60)
    return Result(done.returncode, done.stdout, done.stderr)
