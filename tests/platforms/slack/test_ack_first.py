"""Acks first: the work after an ack waits while another Slack request waits for its answer,
never longer than the bound, and not at all when no other request is waiting."""

from __future__ import annotations

import asyncio

from bot.platforms.slack.ack_first import AckFirst


async def test_work_waits_until_every_waiting_request_is_answered():
    acks = AckFirst(max_wait=30)
    answered = asyncio.Event()

    async def another_request() -> None:
        async with acks.answering():
            await answered.wait()

    other = asyncio.create_task(another_request())
    await asyncio.sleep(0)  # it is being answered now
    work = asyncio.create_task(acks.acked())
    await asyncio.sleep(0)
    assert not work.done()  # held back while the other request waits for its ack
    answered.set()
    await asyncio.wait_for(work, 1)
    await other


async def test_work_goes_ahead_after_the_bound_however_busy():
    acks = AckFirst(max_wait=0.05)
    async with acks.answering():  # a request that is never answered
        await asyncio.wait_for(acks.acked(), 1)  # returns after 0.05 s, not never


async def test_alone_the_work_starts_at_once():
    acks = AckFirst(max_wait=30)
    async with acks.answering():
        pass
    await asyncio.wait_for(acks.acked(), 0.5)
