"""More fuzzing than the suite affords: the same properties (every command's text, every
form's and button's payload: never the apology, a refusal changes nothing), with many
examples and a fresh random seed each run. `python -m bench.fuzz [examples]`."""

from __future__ import annotations

import os
import subprocess
import sys

DEFAULT_EXAMPLES = 2000


def main() -> int:
    examples = sys.argv[1] if len(sys.argv) > 1 else str(DEFAULT_EXAMPLES)
    env = {**os.environ, "PARTNEROPS_FUZZ_EXAMPLES": examples}
    print(f"fuzzing every command and every form and button with {examples} examples each")
    return subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            "-n", "0", "tests/handlers/test_fuzz_commands.py"], env=env)


if __name__ == "__main__":
    raise SystemExit(main())
