"""`partnerops run` as a deploy runs it: a real process, configured only by its environment."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import aiohttp
import pytest

from storage.engine import Database
from tests.conftest import CONTRACT_VARIABLES
from tests.e2e.test_crash_recovery import slack_team
from tests.fakes import FakeBotConnector, FakeSlackApi, teams_activities
from tests.fakes.slack_modal import fill
from tests.fakes.slack_requests import sign, slash_command, view_submission

SECRET = "run-signing-secret"
STARTUP_SECONDS = 30


@dataclass
class Server:
    process: asyncio.subprocess.Process
    url: str

    async def stop(self) -> str:
        """SIGTERM, then everything the process logged."""
        if self.process.returncode is None:
            self.process.terminate()
        output, _ = await asyncio.wait_for(self.process.communicate(), timeout=20)
        return output.decode()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def start_server(tmp_path: Path, **env: str) -> Server:
    port = _free_port()
    environment = {key: value for key, value in os.environ.items()
                   if key not in CONTRACT_VARIABLES}
    environment |= {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
                    "PORT": str(port), **env}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    server = Server(process, f"http://127.0.0.1:{port}")
    async with aiohttp.ClientSession() as session:
        for _ in range(STARTUP_SECONDS * 10):
            if process.returncode is not None:
                pytest.fail(f"the server exited: {await server.stop()}")
            try:
                async with session.get(f"{server.url}/healthz") as answer:
                    if answer.status == 200:
                        return server
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)  # waiting for a process to bind its port, not a schedule
    pytest.fail(f"the server did not come up: {await server.stop()}")


def _database_bytes(folder: Path) -> bytes:
    """The process's SQLite file and any journal beside it."""
    return b"".join(path.read_bytes() for path in folder.glob("run.db*") if path.is_file())


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackApi]:
    async with FakeSlackApi() as fake:
        fake.add_user("U0001", name="ana", email="ana@acme.test")
        yield fake


async def test_unconfigured_it_serves_health_and_local_teams_and_says_how_to_enable_slack(
        tmp_path: Path):
    server = await start_server(tmp_path, SLACK_BOT_TOKEN="xoxb-secret-token-value")
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{server.url}/healthz") as answer:
                assert await answer.json() == {"status": "ok", "db": "ok",
                                               "scheduler": "leader"}
            # Without MICROSOFT_APP_ID, Teams answers the Emulator in local mode.
            async with FakeBotConnector() as connector:
                activity = teams_activities.message("help", service_url=connector.url)
                async with session.post(f"{server.url}/api/messages",
                                        data=json.dumps(activity),
                                        headers={"Content-Type": "application/json"}) as answer:
                    assert answer.status == 200
                [reply] = await connector.wait_for("reply")
                assert "PartnerOps" in json.dumps(reply.args)
    finally:
        output = await server.stop()
    assert server.process.returncode == 0
    # A token without its signing secret: a warning naming what is missing, once.
    [disabled] = [line for line in output.splitlines() if "Slack is disabled" in line]
    assert " WARNING " in disabled and "SLACK_SIGNING_SECRET is not set" in disabled
    assert "xoxb-secret-token-value" not in output


async def test_signed_elephant_end_to_end_with_only_the_slack_variables(tmp_path: Path,
                                                                        slack: FakeSlackApi):
    server = await start_server(tmp_path, SLACK_BOT_TOKEN="xoxb-run", SLACK_SIGNING_SECRET=SECRET,
                                SLACK_API_URL=slack.url)
    try:
        body = slash_command("/elephant", "Channel conflict on the Contoso renewal",
                             response_url=slack.response_url())
        async with aiohttp.ClientSession() as session, session.post(
                f"{server.url}/slack/events", data=body, headers=sign(body, SECRET)) as answer:
            assert answer.status == 200
        [posted] = await slack.wait_for("chat.postMessage", timeout=15)
        assert "E-1" in posted.args["text"]
        [private] = await slack.wait_for("response_url")
        assert "Filed *E-1*" in private.args["text"]
    finally:
        output = await server.stop()
    assert "Slack is disabled" not in output and SECRET not in output
    assert " WARNING " not in output, output  # a normal start warns of nothing


async def test_an_anonymous_report_leaves_no_trace_in_a_real_process(tmp_path: Path,
                                                                     slack: FakeSlackApi):
    """The deployed process: Carol, never seen, opens the form and files anonymously; a
    forged request carrying her id is refused. Neither the process's log, its database file
    nor any call it made to Slack holds her id, name or email."""
    slack.add_user("U0777", name="carol", real_name="Carol Chen", email="carol@acme.test")
    server = await start_server(tmp_path, SLACK_BOT_TOKEN="xoxb-run", SLACK_SIGNING_SECRET=SECRET,
                                SLACK_API_URL=slack.url)
    try:
        async with aiohttp.ClientSession() as session:
            opening = slash_command("/elephant", "", user_id="U0777", user_name="carol",
                                    trigger_id="trig-7", response_url=slack.response_url("o"))
            async with session.post(f"{server.url}/slack/events", data=opening,
                                    headers=sign(opening, SECRET)) as answer:
                assert answer.status == 200
            [opened] = await slack.wait_for("views.open", timeout=15)
            view = opened.args["view"]
            filed = view_submission(view["callback_id"], fill(view, {
                "title": "Bonuses pay direct reps for partner deals", "anonymous": True}),
                user_id="U0777", user_name="carol", private_metadata=view["private_metadata"])
            async with session.post(f"{server.url}/slack/events", data=filed,
                                    headers=sign(filed, SECRET)) as answer:
                assert "Filed" in await answer.text()
            async with session.post(f"{server.url}/slack/events", data=filed,
                                    headers=sign(filed, "not-the-secret")) as answer:
                assert answer.status == 401
        [posted] = await slack.wait_for("chat.postMessage", timeout=15)
        assert "E-1" in posted.args["text"]
    finally:
        output = await server.stop()
    stored = _database_bytes(tmp_path)
    calls = json.dumps([[call.path, call.args] for call in slack.calls])
    for trace in ("U0777", "carol", "Carol Chen"):
        assert trace.lower() not in output.lower(), trace
        assert trace.lower().encode() not in stored.lower(), trace
        assert trace.lower() not in calls.lower(), trace
    assert b"Bonuses pay direct reps" in stored


async def _due_now(path: Path, people: int) -> None:
    """A standup of `people`, open all day every day (UTC), so `run` starts sending at once."""
    await slack_team(Database.from_url(f"sqlite+aiosqlite:///{path}"), people=people,
                     zone="UTC", now=datetime.now(UTC) - timedelta(days=1),
                     days="mon,tue,wed,thu,fri,sat,sun", skip_weekends=False,
                     local_time="00:00", close_time="23:59", timezone="UTC")


@pytest.mark.heavy
async def test_sigterm_mid_fan_out_finishes_the_sends_in_flight_and_exits_0(
        tmp_path: Path, slack: FakeSlackApi, sqlite_template: Path):
    if datetime.now(UTC).time() >= time(23, 58):
        pytest.skip("the day's standup closes at 23:59 UTC: too close to run it now")
    people = 60
    shutil.copyfile(sqlite_template, tmp_path / "run.db")
    await _due_now(tmp_path / "run.db", people)
    slack.delay_next("chat.postMessage", 0.3, times=people + 1)  # a fan-out of seconds
    server = await start_server(tmp_path, SLACK_BOT_TOKEN="xoxb-term",
                                SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=slack.url)
    await slack.wait_for("chat.postMessage", count=3, timeout=20)  # sends in flight
    started = asyncio.get_running_loop().time()
    output = await server.stop()  # SIGTERM
    assert server.process.returncode == 0, output
    assert asyncio.get_running_loop().time() - started < 25  # the scheduler's grace, bounded
    received = [len(slack.history.get(f"DU{n:04d}", [])) for n in range(people)]
    assert received == [1] * people  # the run in flight finished: nobody lost, nobody twice
    assert "scheduler stopped" in output
