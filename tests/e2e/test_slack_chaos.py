"""Exactly once under a misbehaving Slack: with a fifth of the calls that send or look
failing at random (429 with Retry-After, 503 before the work, 503 after the work was done,
no answer within the client's timeout: nothing done, or done and answered too late),
run-due is run until nothing fails, and every timed message landed exactly once: cadence
prompts, reminders, the day's message and its close update, objective nudges, the feedback
reminder and close summary, the observer's digest and the herd digest."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.core.conversation import Actor, ConversationKind, ConversationRef, Platform
from bot.core.requests import Invocation
from schedules.run_due import run_due
from storage.cadences import repository as cadences
from storage.cadences.models import Cadence, CadenceKind
from storage.common import people, workspaces
from storage.ledger.models import Delivery, DeliveryStatus
from tests.e2e.conftest import RunningBot

HANG_SECONDS = 60.0  # a call that hangs gets no answer before the test would have ended
SETTLED_WITHIN = 45.0
TEAM = "T0001"
GENERAL = ConversationRef(Platform.SLACK, "C0001", ConversationKind.CHANNEL, workspace=TEAM)
ELEPHANTS = ConversationRef(Platform.SLACK, "C0ELE", ConversationKind.CHANNEL, "elephants",
                            workspace=TEAM)
SUMMIT = ConversationRef(Platform.SLACK, "C0SUMMIT", ConversationKind.CHANNEL, "summit",
                         workspace=TEAM)
REPS = [f"U01{n:02d}" for n in range(8)]
SENDING = ("chat.postMessage", "chat.update", "conversations.open", "conversations.history",
           "conversations.replies")
INSTANTS = [datetime(2026, 11, 23, 9, 0, tzinfo=UTC),  # prompts, the day's message, nudges
            datetime(2026, 11, 23, 10, 0, tzinfo=UTC),  # reminders
            datetime(2026, 11, 23, 17, 0, tzinfo=UTC),  # close
            datetime(2026, 11, 25, 17, 0, tzinfo=UTC),  # the feedback reminder (48 h)
            datetime(2026, 11, 26, 9, 0, tzinfo=UTC),  # the objective nudge (14 days)
            datetime(2026, 11, 27, 17, 0, tzinfo=UTC),  # the feedback close and summary
            datetime(2026, 11, 30, 10, 0, tzinfo=UTC)]  # both digests (late: in their week)


async def _say(bot: RunningBot, user: str, command: str, text: str, *,
               people_: tuple[str, ...] = (), channels: tuple[ConversationRef, ...] = ()) -> str:
    response = await bot.application.dispatcher.command(Invocation(
        Actor(Platform.SLACK, user, user.lower(), workspace=TEAM), GENERAL, command, text,
        people=people_, channels=channels))
    return str(getattr(response, "content", response))


async def _set_up(bot: RunningBot) -> None:
    slack = bot.slack
    for user in ("U0001", "U0020", *REPS):
        slack.add_user(user, name=user.lower(), real_name=user, tz="UTC")
    await _say(bot, "U0001", "partnerops", "whoami")  # the first: the admin
    assert "now go to" in await _say(bot, "U0001", "partnerops", "settings elephants-channel",
                                     channels=(ELEPHANTS,))
    await _say(bot, "U0001", "elephant", "Reps hide the forecast from partner managers")
    await _say(bot, "U0001", "elephant", "digest schedule monday 10:00")
    await _say(bot, "U0001", "partner", "add Northwind type VAR")
    await _say(bot, "U0001", "partner", "contact add Northwind @u0020", people_=("U0020",))
    await _say(bot, "U0001", "objective", "add Northwind Certify 3 engineers by 2026-12-10")
    await _say(bot, "U0001", "partnerops", "observers add @u0100", people_=("U0100",))
    started = await _say(bot, "U0001", "feedback",
                         'start "Summit 2027" in #summit closes 2026-11-27', channels=(SUMMIT,))
    assert "F-1" in started, started
    now = bot.application.clock.now()
    async with bot.application.database.session() as session:
        workspace = await workspaces.for_external_id(session, "slack", TEAM, now=now)
        team = await people.get_or_create_many(session, workspace.id or 0, "slack", REPS,
                                               now=now)
        cadence = await cadences.save(session, Cadence(
            workspace_id=workspace.id or 0, name="Daily", kind=CadenceKind.STANDUP,
            platform="slack", report_channel_id="C0REPORT", questions=["Today?"],
            reminder_minutes=60, timezone="UTC", created_at=now, updated_at=now))
        await session.flush()
        await cadences.set_participants(session, cadence.id or 0,
                                        [person.id or 0 for person in team], now=now)


async def until_settled(bot: RunningBot, instant: datetime) -> None:
    bot.application.clock.set(instant)  # type: ignore[attr-defined]
    for _ in range(12):
        report = await run_due(bot.application.services, instant)
        if not report.failures and not report.broken:
            return
    raise AssertionError(f"still failing at {instant}: {report.failures[:3]}")



@pytest.mark.heavy
async def test_every_timed_message_lands_exactly_once_through_a_fifth_of_failures(
        impatient_bot: RunningBot):
    bot = impatient_bot  # calls that hang are given up on after IMPATIENT_SECONDS
    await _set_up(bot)
    bot.slack.chaos(0.2, SENDING, seed=20261202, hang=HANG_SECONDS)
    async with asyncio.timeout(SETTLED_WITHIN):  # only if every hung call was given up on
        for instant in INSTANTS:
            await until_settled(bot, instant)
    bot.slack.chaos(0, ())
    for instant in INSTANTS:  # nothing is owed any more
        assert (await run_due(bot.application.services, instant)).total == 0

    landed = Counter(message["metadata"]["event_payload"]["key"]
                     for channel in bot.slack.history.values() for message in channel
                     if isinstance(message.get("metadata"), dict))
    async with bot.application.database.session() as session:
        ledger = (await session.exec(select(Delivery))).all()
    assert {row.status for row in ledger} == {DeliveryStatus.SENT}
    kinds = Counter(f"{row.feature}/{row.kind}" for row in ledger)
    for kind in ("cadences/prompt", "cadences/reminder", "cadences/parent",
                 "partners/objective_nudge", "feedback/reminder", "insight/observer-digest",
                 "elephants/digest"):
        assert kinds[kind] >= 1, kinds
    days = {row.scope for row in ledger if row.kind == "prompt"}
    assert kinds["cadences/prompt"] == len(days) * len(REPS) and len(days) >= 2
    doubled = {key: count for key, count in landed.items() if count > 1}
    assert doubled == {}
    assert all(landed[row.key] == 1 for row in ledger
               if row.platform == "slack" and not row.key.startswith("close"))
    chaos = Counter(call.args.get("_chaos") for call in bot.slack.calls)
    assert all(chaos[kind] for kind in ("ratelimited", "unavailable", "lost", "hung", "slow"))
