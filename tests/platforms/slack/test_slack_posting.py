"""chat.postMessage under Slack's rate limit: a 429 pauses every post of the workspace for
its Retry-After (Slack limits a method, not a call), with no random extra, and a post gives
up after a bounded number of refusals."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from slack_sdk.errors import SlackApiError

from bot.platforms.slack.client import build_posting_client
from bot.platforms.slack.posting import RATE_LIMIT_RETRIES, Pauses, Poster
from tests.fakes import FakeSlackApi

TOKEN = "xoxb-test"


async def nowhere(channel: str, key: str, since: datetime) -> str | None:
    raise AssertionError("a 429 is certain: nothing to look for")


async def test_a_429_pauses_every_post_with_its_token_until_the_retry_after(
        slack_api: FakeSlackApi) -> None:
    """Posts started while the method is closed wait for it to open instead of going out
    only to be refused; each lands once, none before the Retry-After has passed."""
    slack_api.close_on_429("chat.postMessage")
    slack_api.fail_next("chat.postMessage", status=429, retry_after=1)
    waits: list[float] = []
    paused = asyncio.Event()

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        paused.set()
        await asyncio.sleep(seconds)

    poster = Poster(build_posting_client(slack_api.url), sleep=sleep)
    try:
        first = asyncio.create_task(poster.post(TOKEN, "C0000", None, "k0", nowhere, text="0"))
        async with asyncio.timeout(5):
            await paused.wait()  # refused: the pause has begun
        later = [poster.post(TOKEN, f"C000{n}", None, f"k{n}", nowhere, text=str(n))
                 for n in range(1, 6)]
        await asyncio.gather(first, *later)
    finally:
        await poster.close()

    calls = slack_api.of("chat.postMessage")
    [refused] = [call for call in calls if call.args.get("_injected_status")]
    assert all(call.at - refused.at >= 1.0 for call in calls if call is not refused)
    assert {channel: len(posted) for channel, posted in slack_api.history.items()} == {
        f"C000{n}": 1 for n in range(6)}
    assert waits and max(waits) <= 1.0  # the Retry-After, not a second more


async def test_a_post_refused_more_than_the_bound_gives_up_without_looking(
        slack_api: FakeSlackApi) -> None:
    slack_api.fail_next("chat.postMessage", status=429, retry_after=0,
                        times=RATE_LIMIT_RETRIES + 1)
    poster = Poster(build_posting_client(slack_api.url))
    try:
        with pytest.raises(SlackApiError) as refused:
            await poster.post(TOKEN, "C0001", None, "k1", nowhere, text="refused")
        posted = await poster.post(TOKEN, "C0001", None, "k2", nowhere, text="later")
    finally:
        await poster.close()

    assert refused.value.response.status_code == 429
    assert len(slack_api.of("chat.postMessage")) == RATE_LIMIT_RETRIES + 2
    assert posted["channel"] == "C0001" and slack_api.history["C0001"][0]["text"] == "later"


def _simulated_pauses() -> tuple[Pauses, list[float], list[float]]:
    """Pauses on a simulated clock at 100.0 (the list's one item), whose sleeps advance it
    and are kept in the second list."""
    now = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    return Pauses(sleep, clock=lambda: now[0]), now, slept


async def test_a_pause_is_per_workspace_and_only_grows() -> None:
    pauses, now, slept = _simulated_pauses()
    pauses.pause("xoxb-a", 2)
    pauses.pause("xoxb-a", 1)  # a shorter Retry-After later does not cut the pause short
    await pauses.wait("xoxb-b")  # another workspace's token is not paused
    assert slept == []
    await pauses.wait("xoxb-a")
    assert slept == [2.0] and now[0] == 102.0
    await pauses.wait("xoxb-a")
    assert slept == [2.0]


async def test_every_refusal_is_waited_out_in_full_from_when_it_came() -> None:
    """A post in flight when the method closed, refused 0.7 s later with Retry-After 1
    (Slack's rounding of the time left), is not called again before that second is over:
    no call goes before its Retry-After; the pause grows by the 0.7 s only."""
    pauses, now, slept = _simulated_pauses()
    pauses.pause("xoxb-a", 1)  # the first refusal
    now[0] += 0.7
    pauses.pause("xoxb-a", 1)  # the same closing seen late
    await pauses.wait("xoxb-a")
    assert now[0] == pytest.approx(101.7)
    assert slept == [pytest.approx(1.0)]  # one sleep: the pause grew while it was waited
