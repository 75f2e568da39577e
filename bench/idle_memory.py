"""Idle memory of `partnerops run`, what the charting library would cost it if it were
imported at start-up, and its memory after a 10,000-person fan-out, against a bare aiohttp
server measured in the same run.

Real processes, each asked for /healthz before its RSS is read from /proc: the floor
(aiohttp alone), `partnerops run` on an upgraded SQLite database (idle: no chart drawn, no
Teams request yet, so neither matplotlib nor botbuilder is loaded), and the same
application after drawing one chart in-process (what an eager import would add).

Then `partnerops run` with Slack configured, against a fake Slack Web API on loopback
(served from this process), on a database holding a 10,000-person standup
(BENCH_PEOPLE): once with the standup paused (idle, with the people in the database), and
once with its day open now, so that the scheduler's catch-up at start sends every prompt.
Its RSS (and peak, VmHWM) is read once every prompt has been posted and the run is over.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from bench.team import slack_standup
from storage.engine import Database
from tests.fakes import FakeSlackApi

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "10000"))
FAN_OUT_TIMEOUT = 600  # seconds for the whole fan-out, however slow the machine
T = TypeVar("T")

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


def _status_mb(pid: int, field: str = "VmRSS") -> float:
    """A memory figure of /proc/<pid>/status (VmRSS: now; VmHWM: the peak), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field}")


def _rss_mb(pid: int) -> float:
    return _status_mb(pid)


def _measure(command: list[str], port: int, env: dict[str, str],
             settled: Callable[[], bool] = lambda: True, log: Path | None = None,
             ) -> tuple[float, float]:
    """(RSS, peak RSS) of the process once it answers /healthz and `settled()` holds."""
    with (log.open("w") if log else open(os.devnull, "w")) as errors:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
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
            deadline = time.monotonic() + FAN_OUT_TIMEOUT
            while not settled():
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{command[0]} did not settle; see its log {log}")
                time.sleep(0.2)
            time.sleep(1.0)  # let start-up (or the run) settle (the scheduler's next plan)
            return _rss_mb(process.pid), _status_mb(process.pid, "VmHWM")
        finally:
            process.terminate()
            process.wait(timeout=20)


@contextmanager
def _fake_slack() -> Iterator[tuple[FakeSlackApi, Callable[[Coroutine[Any, Any, T]], T]]]:
    """A fake Slack Web API served by an event loop of its own, in a thread of this process;
    and a way to run a coroutine on that loop."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def call(work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, loop).result()

    slack = call(FakeSlackApi().start())
    try:
        yield slack, call
    finally:
        call(slack.stop())
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


async def _team(database_url: str, *, paused: bool) -> None:
    """PEOPLE people in a standup whose day (Berlin time) is open from midnight to 23:59."""
    database = Database.from_url(database_url)
    try:
        await slack_standup(database, PEOPLE, now=datetime.now(UTC) - timedelta(days=2),
                            days="mon,tue,wed,thu,fri,sat,sun", skip_weekends=False,
                            local_time="00:00", close_time="23:59", paused=paused)
    finally:
        await database.dispose()


def _after_fan_out(folder: str, upgraded: Path, env: dict[str, str]) -> tuple[float, ...]:
    """(idle RSS, RSS after the fan-out, its peak) of `partnerops run` with Slack."""
    figures: list[float] = []
    with _fake_slack() as (slack, call):
        slack_env = {**env, "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": "bench",
                     "SLACK_API_URL": slack.url}
        for paused in (True, False):
            database = Path(folder) / f"team-{'paused' if paused else 'due'}.db"
            shutil.copyfile(upgraded, database)
            url = f"sqlite+aiosqlite:///{database}"
            asyncio.run(_team(url, paused=paused))
            log = Path(folder) / f"run-{'paused' if paused else 'due'}.log"

            async def posted() -> int:
                return len(slack.of("chat.postMessage"))

            def settled(log: Path = log, paused: bool = paused) -> bool:
                # Every prompt and the report channel's message, and the run's report logged.
                return paused or (call(posted()) >= PEOPLE + 1
                                  and "run-due at" in log.read_text())

            port = _free_port()
            rss, peak = _measure([sys.executable, "-m", "bot", "run"], port,
                                 {**slack_env, "PORT": str(port), "DATABASE_URL": url},
                                 settled, log)
            figures += [rss] if paused else [rss, peak]
        posts = [call.args["channel"] for call in slack.of("chat.postMessage")]
        assert len(posts) == len(set(posts)) == PEOPLE + 1, \
            f"{len(posts)} posts to {len(set(posts))} conversations, not {PEOPLE + 1} once each"
    return tuple(figures)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "PARTNEROPS_TIMEZONE": "UTC", "LOG_FORMAT": "text"}
        for key in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
            env.pop(key, None)
        floor_port = _free_port()
        floor, _ = _measure([sys.executable, "-c", FLOOR, str(floor_port)], floor_port, env)
        port = _free_port()
        database = f"sqlite+aiosqlite:///{folder}/bench.db"
        # Upgraded beforehand, as a deployment does (`partnerops db upgrade`): a process
        # starting on an up-to-date schema never loads Alembic.
        subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], check=True,
                       env={**env, "DATABASE_URL": database}, stdout=subprocess.DEVNULL)
        upgraded = Path(folder) / "upgraded.db"  # as it was before any process ran on it
        shutil.copyfile(Path(folder) / "bench.db", upgraded)
        idle, _ = _measure([sys.executable, "-m", "bot", "run"], port,
                           {**env, "PORT": str(port), "DATABASE_URL": database})
        charted_port = _free_port()
        charted, _ = _measure([sys.executable, "-c", AFTER_A_CHART, str(charted_port),
                               database], charted_port, env)
        idle_team, fanned, peak = _after_fan_out(folder, upgraded, env)
    print(f"floor (bare aiohttp server): {floor:.1f} MB")
    print(f"partnerops run, idle:        {idle:.1f} MB  (ratio {idle / floor:.2f} to the floor)")
    print(f"after drawing one chart:     {charted:.1f} MB  (+{charted - idle:.1f} MB: what "
          "the charting library would cost every idle process if loaded at start-up)")
    print(f"with Slack and {PEOPLE:,} people in a paused standup, idle: {idle_team:.1f} MB")
    print(f"after a {PEOPLE:,}-person fan-out:  {fanned:.1f} MB (peak {peak:.1f} MB during "
          f"it; +{fanned - idle_team:.1f} MB over the same process idle)")
    print("goal: idle < 110 MB; the chart library loads on the first chart only")


if __name__ == "__main__":
    main()
