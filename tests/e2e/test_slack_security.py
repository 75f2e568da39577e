"""Requests Slack did not sign are refused with 401 and change nothing."""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import RunningBot
from tests.fakes.slack_requests import sign, slash_command


def _body(bot: RunningBot) -> bytes:
    return slash_command("/elephant", "Forged elephant", response_url=bot.slack.response_url())


async def _nothing_happened(bot: RunningBot) -> None:
    assert await bot.export("elephants") == []
    assert await bot.export("people") == []
    assert [call.method for call in bot.slack.calls] == ["auth.test"]  # from start-up only


async def test_wrong_secret_is_401(bot: RunningBot):
    response = await bot.slack_post(_body(bot), secret="not-the-secret")
    assert response.status == 401
    await _nothing_happened(bot)


async def test_stale_timestamp_is_401(bot: RunningBot):
    response = await bot.slack_post(_body(bot), timestamp=int(time.time()) - 6 * 60)
    assert response.status == 401
    await _nothing_happened(bot)


@pytest.mark.parametrize("drop", ["X-Slack-Signature", "X-Slack-Request-Timestamp"])
async def test_missing_signature_headers_are_401(bot: RunningBot, drop: str):
    headers = sign(_body(bot), "e2e-signing-secret-0123456789abcdef")
    del headers[drop]
    response = await bot.slack_post(_body(bot), headers=headers)
    assert response.status == 401
    await _nothing_happened(bot)


async def test_tampered_body_is_401(bot: RunningBot):
    headers = sign(_body(bot), "e2e-signing-secret-0123456789abcdef")
    tampered = _body(bot).replace(b"Forged", b"Tampered")
    response = await bot.slack_post(tampered, headers=headers)
    assert response.status == 401
    await _nothing_happened(bot)


@pytest.mark.parametrize("body", [b"{not json", b"payload=%7Bbad"])
async def test_a_signed_but_malformed_body_is_400_not_500(bot: RunningBot, body: bytes):
    response = await bot.slack_post(body)
    assert response.status == 400
    await _nothing_happened(bot)
