"""`partnerops tz`: a person chooses their own time zone when their profile has none, or the
wrong one; it wins over the profile, counts from the next prompt on, and doubles nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from schedules.run_due import run_due
from tests.handlers.cadence_team import Team, text_of

TUESDAY_0000_UTC = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)  # 09:00 in Tokyo
TUESDAY_0800_UTC = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # 09:00 in Berlin


def _prompts(team: Team, user: str) -> int:
    return sum(1 for sent in team.outbox.posts
               if sent.to.id == user and "Time for your" in sent.text)


async def test_a_chosen_zone_wins_over_the_profile_from_the_next_prompt_on(team: Team):
    team.zones["ana"] = "Europe/Berlin"  # what her client says
    assert "Europe/Berlin (from your profile)" in text_of(
        await team.command("ana", "partnerops tz"))
    await team.set_up(participants=["ana"])

    said = text_of(await team.command("ana", "partnerops tz asia/tokyo"))
    assert "Asia/Tokyo (you chose it)" in said  # spelled the tz database's way
    await team.command("ana", "partnerops whoami")  # her client still says Berlin
    assert "Asia/Tokyo (you chose it)" in text_of(await team.command("ana", "partnerops whoami"))

    prompted = []
    for instant in (TUESDAY_0000_UTC, TUESDAY_0800_UTC):
        team.clock.set(instant)
        await run_due(team.application.services, instant)
        prompted.append(_prompts(team, "ana"))
    assert prompted == [1, 1]  # at Tokyo's nine, and not again at Berlin's

    back = text_of(await team.command("ana", "partnerops tz profile"))
    assert "Europe/Berlin (from your profile)" in back


async def test_a_zone_nobody_knows_is_refused_with_the_likely_one(team: Team):
    said = text_of(await team.command("ana", "partnerops tz Europe/Berln"))
    assert "'Europe/Berln' is not a time zone I know" in said
    assert "Did you mean Europe/Berlin?" in said
    assert "Example: `partnerops tz Europe/Berlin`" in said
    assert "UTC (the workspace default)" in text_of(await team.command("ana", "partnerops tz"))
