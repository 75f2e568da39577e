"""Exactly once through a misbehaving Bot Framework: with a fifth of the connector calls
answering 429 (Retry-After) or 503, or no answer within the bot's timeout, run-due until
settled sends each prompt, reminder and day's message once, and closes the day once. (A
Teams answer lost after the work was done cannot be told apart: Bot Framework has nothing
to search for a delivery, so the fake does not lose answers here; see PITFALLS.)"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from tests.e2e.conftest import RunningBot
from tests.e2e.test_slack_chaos import until_settled
from tests.e2e.test_teams_cadence import (
    BOBS_REMINDER,
    BOTH_OPEN,
    CLOSE,
    _introduce,
    _open_setup_form,
    _submit_setup,
)
from tests.fakes.teams_activities import CHANNEL_ID

HANG_SECONDS = 60.0  # a call that hangs gets no answer before the test would have ended
SETTLED_WITHIN = 45.0


@pytest.mark.heavy
async def test_each_timed_teams_message_is_sent_once_through_a_fifth_of_failures(
        impatient_bot: RunningBot):
    bot = impatient_bot  # calls that hang are given up on after IMPATIENT_SECONDS
    await _introduce(bot)
    await _submit_setup(bot, await _open_setup_form(bot), ["aad-ana", "aad-bob"])
    bot.connector.log.clear()
    bot.connector.chaos(0.2, ("send", "reply", "update", "create_conversation"), seed=7,
                           hang=HANG_SECONDS)
    async with asyncio.timeout(SETTLED_WITHIN):  # only if every hung call was given up on
        for instant in (BOTH_OPEN, BOBS_REMINDER, CLOSE):
            await until_settled(bot, instant)
    bot.connector.chaos(0, ())
    landed = Counter(call.args["_conversation_id"] for call in bot.connector.of("send")
                     if "_chaos" not in call.args)
    # Each person: the prompt and the reminder (nobody answered); the channel: the day's
    # message, once.
    assert landed == {"a:ana-1on1": 2, "a:bob-1on1": 2, CHANNEL_ID: 1}
    closes = [call for call in bot.connector.of("update") if "_chaos" not in call.args]
    assert len(closes) >= 1 and all(call.args["_conversation_id"] == CHANNEL_ID
                                    for call in closes)
    chaos = Counter(call.args.get("_chaos") for call in bot.connector.calls)
    assert chaos["ratelimited"] and chaos["unavailable"] and chaos["hung"]  # it happened
