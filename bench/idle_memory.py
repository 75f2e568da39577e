"""Idle memory of `partnerops run`, and what the charting library would cost it if it were
imported at start-up, against a bare aiohttp server measured in the same run.

Three real processes, each asked for /healthz before its RSS is read from /proc: the floor
(aiohttp alone), `partnerops run` on an upgraded SQLite database (idle: no chart drawn, no
Teams request yet, so neither matplotlib nor botbuilder is loaded), and the same
application after drawing one chart in-process (what an eager import would add).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

FLOOR = """
import sys
from aiohttp import web
app = web.Application()
app.router.add_get("/healthz", lambda request: web.json_response({"status": "ok"}))
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
"""

AFTER_A_CHART = """
import sys
from aiohttp import web
from bot.app import build_application
from bot.charting.png import render_png
from bot.core.charts import Chart, ChartKind, Series
from bot.settings import Settings
from bot.web import create_web_app

render_png(Chart(ChartKind.BARS, "warm-up", ("a", "b"), (Series("s", (1, 2)),)))
settings = Settings(_env_file=None, database_url=sys.argv[2])
web.run_app(create_web_app(build_application(settings)), host="127.0.0.1",
            port=int(sys.argv[1]), print=None)
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def _measure(command: list[str], port: int, env: dict[str, str]) -> float:
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"{command[0]} did not answer /healthz")
        time.sleep(1.0)  # let start-up settle (the scheduler's first plan)
        return _rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=20)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "PARTNEROPS_TIMEZONE": "UTC", "LOG_FORMAT": "text"}
        for key in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
            env.pop(key, None)
        floor_port = _free_port()
        floor = _measure([sys.executable, "-c", FLOOR, str(floor_port)], floor_port, env)
        port = _free_port()
        database = f"sqlite+aiosqlite:///{folder}/bench.db"
        # Upgraded beforehand, as a deployment does (`partnerops db upgrade`): a process
        # starting on an up-to-date schema never loads Alembic.
        subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], check=True,
                       env={**env, "DATABASE_URL": database}, stdout=subprocess.DEVNULL)
        idle = _measure([sys.executable, "-m", "bot", "run"], port,
                        {**env, "PORT": str(port), "DATABASE_URL": database})
        charted_port = _free_port()
        charted = _measure([sys.executable, "-c", AFTER_A_CHART, str(charted_port), database],
                           charted_port, env)
    print(f"floor (bare aiohttp server): {floor:.1f} MB")
    print(f"partnerops run, idle:        {idle:.1f} MB  (ratio {idle / floor:.2f} to the floor)")
    print(f"after drawing one chart:     {charted:.1f} MB  (+{charted - idle:.1f} MB: what "
          "the charting library would cost every idle process if loaded at start-up)")
    print("goal: idle < 110 MB; the chart library loads on the first chart only")


if __name__ == "__main__":
    main()
