"""Shared steps of the elephant tests."""

from __future__ import annotations

from tests.handlers.cadence_team import Team
from tests.handlers.test_partners import say


async def filed(team: Team, user: str = "cem", text: str = "Reps hide the forecast") -> None:
    for person in ("ana", "bob", "cem"):
        await say(team, person, "partnerops whoami")  # Ana, the first, is the admin
    assert "Filed **E-" in await say(team, user, f"elephant {text}")
