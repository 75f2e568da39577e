"""The fan-out's ratio in instructions, not seconds: run_due against the raw slack_sdk loop
(bench/fan_out.py), each counted by valgrind's callgrind in a process of its own.

This machine's speed wanders (a virtual machine whose neighbours take its CPU): the same
run_due took 6.2 s and 8.7 s of CPU an hour apart, which hides a change worth a few per
cent. Instructions do not wander: two counts of one side agree to 0.01%. Each side runs
under valgrind with counting off (start-up, imports, migrations, the set-up) and turns it
on with `callgrind_control` for exactly what fan_out times, so the count is of the same
span. Both sides count the fake Slack's work too, as fan_out's inline fake does, and both
are checked for exactly one DM each. Instructions are not seconds (a cache miss or a
thread waiting costs none), so this ratio is a guide to our CPU, beside fan_out's times.

BENCH_PEOPLE sets the size (1,000 by default: about two minutes a side).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.fake_slack import InlineFakeSlack
from bench.fan_out import exactly_once, floor_loop, run_due_once

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "1000"))
SIDES = ("raw", "raw_quiet", "run_due")
COUNTED = re.compile(r"Collected : (\d+)")


def _instrument(state: str) -> None:
    subprocess.run(["callgrind_control", "--instr", state, str(os.getpid())], check=True,
                   capture_output=True)


@contextmanager
def counted() -> Iterator[None]:
    """Callgrind counts instructions inside, and only there."""
    _instrument("on")
    try:
        yield
    finally:
        _instrument("off")


async def _side(side: str) -> None:
    """One side, in the process valgrind runs, counted the second time it runs: the first
    warms the process as a served bot's earlier fan-outs have (the ledger's statements
    compiled, about 0.5 G instructions for six chunk sizes), as fan_out's best of three
    rounds does. The raw loop's blocks are those an uncounted run_due sent."""
    for counting in (_uncounted, counted):
        with tempfile.TemporaryDirectory() as folder:
            async with InlineFakeSlack() as slack:
                await run_due_once(slack, Path(folder) / "bench.db",
                                   counting if side == "run_due" else _uncounted, PEOPLE)
                served = await slack.served()
            exactly_once(served, people=PEOPLE)
        if side != "run_due":
            async with InlineFakeSlack() as slack:
                await floor_loop(slack, served.prompt_blocks, counting, PEOPLE,
                                 debug_lines=side == "raw")
                exactly_once(await slack.served(), report=False, people=PEOPLE)


@contextmanager
def _uncounted() -> Iterator[None]:
    yield


def _count(side: str) -> int:
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=/dev/null",
         sys.executable, "-m", "bench.instructions", side],
        capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"}, check=False)
    found = COUNTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"the {side} side failed under valgrind:\n{done.stderr[-3000:]}")
    return int(found.group(1))


def main() -> int:
    if len(sys.argv) > 1:  # one side, under valgrind
        if sys.argv[1] not in SIDES:
            print(f"usage: python -m bench.instructions [{'|'.join(SIDES)}] (one side; "
                  "with none, every side under valgrind)", file=sys.stderr)
            return 2
        asyncio.run(_side(sys.argv[1]))
        return 0
    missing = [tool for tool in ("valgrind", "callgrind_control") if not shutil.which(tool)]
    if missing:
        print(f"bench.instructions needs {' and '.join(missing)} (Debian: apt-get install "
              "valgrind)", file=sys.stderr)
        return 2
    counts = {}
    for side in SIDES:
        print(f"counting {side} under valgrind ({PEOPLE} DMs; a minute or two) ...", flush=True)
        counts[side] = _count(side)
        print(f"  {side}: {counts[side] / 1e6:,.0f} M instructions "
              f"({counts[side] / PEOPLE / 1e3:,.0f} k a DM); every person got exactly one DM",
              flush=True)
    print(f"run_due / raw ratio in instructions: {counts['run_due'] / counts['raw']:.2f} "
          f"(fan_out's goal for seconds: <= 1.3); against the quiet raw loop: "
          f"{counts['run_due'] / counts['raw_quiet']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
