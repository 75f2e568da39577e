"""A big cadence goes out through Slack with bounded concurrency, waiting out 429s."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

from schedules.run_due import FAN_OUT, run_due
from storage.cadences import repository as cadences
from storage.cadences.models import Cadence, CadenceKind
from storage.common.models import Person
from tests.e2e.conftest import RunningBot

PARTICIPANTS = 10_000
BERLIN_0900 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


async def _big_cadence(bot: RunningBot, size: int) -> None:
    now = bot.application.clock.now()
    async with bot.application.database.session() as session:
        team = [Person(display_name=f"Rep {n}", slack_user_id=f"U{n:06d}",
                       timezone="Europe/Berlin", created_at=now) for n in range(size)]
        session.add_all(team)
        cadence = await cadences.save(session, Cadence(
            name="All hands", kind=CadenceKind.STANDUP, platform="slack",
            report_channel_id="C0REPORT", report_channel_name="standups",
            questions=json.dumps(["Today?"]), reminder_minutes=0, created_at=now,
            updated_at=now))
        await session.flush()
        await cadences.set_participants(session, cadence.id or 0, [p.id or 0 for p in team])


async def test_ten_thousand_prompts_each_once_never_more_than_the_bound_in_flight(
        bot: RunningBot):
    await _big_cadence(bot, PARTICIPANTS)
    bot.slack.fail_next("chat.postMessage", status=429, retry_after=1, times=2)
    bot.application.clock.set(BERLIN_0900)  # type: ignore[attr-defined]

    report = await run_due(bot.application.services, BERLIN_0900)

    assert report.prompts == PARTICIPANTS
    posts = bot.slack.of("chat.postMessage")
    delivered = Counter(call.args["channel"] for call in posts
                        if "_injected_status" not in call.args)
    assert delivered["C0REPORT"] == 1
    dms = {channel: count for channel, count in delivered.items() if channel.startswith("U")}
    assert len(dms) == PARTICIPANTS and set(dms.values()) == {1}
    limited = [call for call in posts if "_injected_status" in call.args]
    assert len(limited) == 2
    for refused in limited:  # each refused DM was retried once its Retry-After had passed
        retry = next(call for call in posts if call.at > refused.at
                     and call.args["channel"] == refused.args["channel"])
        assert retry.at - refused.at >= 1.0
    assert bot.slack.max_in_flight <= FAN_OUT
    first_dm = next(call for call in posts if call.args["channel"].startswith("U"))
    assert first_dm.args["metadata"]["event_payload"]["key"].startswith("prompt:")

    again = await run_due(bot.application.services, BERLIN_0900)
    assert again.prompts == 0 and len(bot.slack.of("chat.postMessage")) == len(posts)
