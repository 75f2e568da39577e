"""A big cadence goes out through Slack with bounded concurrency, waiting out 429s.

A thousand people show the bound and the retries; bench/fan_out.py measures ten thousand.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from handlers.cadences.due import FAN_OUT
from schedules.run_due import run_due
from storage.cadences import repository as cadences
from storage.cadences.models import Cadence, CadenceKind
from storage.common import workspaces
from storage.common.models import Person, PersonIdentity
from tests.e2e.conftest import RunningBot
from tests.fakes.recorder import Fault

PARTICIPANTS = 1_000
BERLIN_0900 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
TEAM_ID = "T0001"  # the fake Slack's workspace


async def _big_cadence(bot: RunningBot, size: int) -> None:
    now = bot.application.clock.now()
    async with bot.application.database.session() as session:
        workspace = await workspaces.for_external_id(session, "slack", TEAM_ID, now=now)
        workspace_id = workspace.id or 0
        team = [Person(workspace_id=workspace_id, display_name=f"Rep {n}",
                       timezone="Europe/Berlin", created_at=now) for n in range(size)]
        session.add_all(team)
        await session.flush()
        session.add_all([PersonIdentity(person_id=person.id or 0, workspace_id=workspace_id,
                                        platform="slack", user_id=f"U{n:06d}", created_at=now)
                         for n, person in enumerate(team)])
        cadence = await cadences.save(session, Cadence(
            workspace_id=workspace_id, name="All hands", kind=CadenceKind.STANDUP,
            platform="slack", report_channel_id="C0REPORT", report_channel_name="standups",
            questions=["Today?"], reminder_minutes=0, created_at=now, updated_at=now))
        await session.flush()
        await cadences.set_participants(session, cadence.id or 0, [p.id or 0 for p in team],
                                        now=cadence.created_at)


@pytest.mark.heavy
async def test_a_thousand_prompts_each_once_never_more_than_the_bound_in_flight(
        bot: RunningBot):
    await _big_cadence(bot, PARTICIPANTS)
    # The day's report-channel message goes first and through; the two DMs after it are
    # refused with a 429, in the middle of the fan-out.
    bot.slack.inject("chat.postMessage", Fault())
    bot.slack.fail_next("chat.postMessage", status=429, retry_after=1, times=2)
    bot.application.clock.set(BERLIN_0900)  # type: ignore[attr-defined]

    report = await run_due(bot.application.services, BERLIN_0900)

    assert report.count("cadences", "prompt") == PARTICIPANTS and not report.failures
    posts = bot.slack.of("chat.postMessage")
    delivered = Counter(call.args["channel"] for call in posts
                        if "_injected_status" not in call.args)
    assert delivered["C0REPORT"] == 1
    dms = {channel: count for channel, count in delivered.items() if channel.startswith("U")}
    assert len(dms) == PARTICIPANTS and set(dms.values()) == {1}
    limited = [call for call in posts if "_injected_status" in call.args]
    assert len(limited) == 2 and all(call.args["channel"].startswith("U") for call in limited)
    for refused in limited:  # each refused DM was retried once its Retry-After had passed
        retry = next(call for call in posts if call.at > refused.at
                     and call.args["channel"] == refused.args["channel"])
        assert retry.at - refused.at >= 1.0
    assert bot.slack.max_in_flight <= FAN_OUT
    first_dm = next(call for call in posts if call.args["channel"].startswith("U"))
    assert first_dm.args["metadata"]["event_payload"]["key"].startswith("prompt:")

    again = await run_due(bot.application.services, BERLIN_0900)
    assert again.count("cadences", "prompt") == 0
    assert len(bot.slack.of("chat.postMessage")) == len(posts)
