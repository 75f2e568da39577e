"""With SLACK_APP_TOKEN, Slack arrives over Socket Mode instead of /slack/events."""

from __future__ import annotations

from pathlib import Path

from bot.core.clock import SimulatedClock
from tests.e2e.conftest import bot_settings, start_bot
from tests.fakes import FakeBotConnector, FakeSlackApi
from tests.fakes.slack_requests import slash_command, socket_envelope


async def test_slash_command_over_socket_mode(tmp_path: Path, clock: SimulatedClock,
                                              fake_slack: FakeSlackApi,
                                              fake_connector: FakeBotConnector):
    settings = bot_settings(tmp_path, fake_slack, slack_app_token="xapp-socket-token",
                            slack_signing_secret="")
    bot = await start_bot(settings, clock, fake_slack, fake_connector)
    try:
        [opened] = await fake_slack.wait_for("apps.connections.open")
        assert opened.headers["Authorization"] == "Bearer xapp-socket-token"
        await fake_slack.wait_for("socket_connect")
        assert (await bot.client.post("/slack/events", data=b"{}")).status == 404

        await fake_slack.socket_send(socket_envelope(
            slash_command("/elephant", "Partner marketing never sees the launch plan",
                          response_url=fake_slack.response_url()),
            envelope_id="env-42"))

        [ack] = await fake_slack.wait_for("socket_ack")
        assert ack.args["envelope_id"] == "env-42"
        [posted] = await fake_slack.wait_for("chat.postMessage")
        assert "E-1" in posted.args["text"]
        [private] = await fake_slack.wait_for("response_url")
        assert "Filed *E-1*" in private.args["text"]
    finally:
        await bot.client.close()


async def test_a_dropped_connection_is_noticed_and_made_again(
        tmp_path: Path, clock: SimulatedClock, fake_slack: FakeSlackApi,
        fake_connector: FakeBotConnector):
    """The connection drops without warning: the watchdog (the SDK's own reconnection is
    off: it is known to stop) asks for a new URL, connects again, and commands arrive."""
    settings = bot_settings(tmp_path, fake_slack, slack_app_token="xapp-socket-token",
                            slack_signing_secret="", slack_socket_check_seconds=0.1)
    bot = await start_bot(settings, clock, fake_slack, fake_connector)
    try:
        await fake_slack.wait_for("socket_connect")
        await fake_slack.socket_drop()

        await fake_slack.wait_for("socket_connect", count=2)
        assert len(await fake_slack.wait_for("apps.connections.open", count=2)) == 2
        await fake_slack.socket_send(socket_envelope(
            slash_command("/elephant", "Quotes reach partners a week late",
                          response_url=fake_slack.response_url()),
            envelope_id="env-after-drop"))
        [ack] = await fake_slack.wait_for("socket_ack")
        assert ack.args["envelope_id"] == "env-after-drop"
        [posted] = await fake_slack.wait_for("chat.postMessage")
        assert "E-1" in posted.args["text"]
    finally:
        await bot.client.close()
