"""Every command and subcommand, as each role: never a crash, and a partner contact never
learns anything about another partner or the vendor's internal work."""

from __future__ import annotations

import pytest

from bot.core.cards import as_card
from bot.core.commands import CommandSpec
from bot.core.conversation import Actor, Platform
from bot.core.requests import Invocation
from bot.core.responses import OpenForm, Reply
from tests.handlers.cadence_team import GENERAL, Team
from tests.handlers.test_partners import NORTHWIND, northwind_with_pat, say

CRASH = "something went wrong on my side"
# What only the vendor team may learn: another partner's data, internal cadences and
# elephants. The contact never types these, so any reply holding one leaked it.
SECRETS = ("Diamond", "Grow renewals", "Vendor pipeline sync", "Direct reps keep",
           "Elephant E-", "Answered")


async def internal_world(team: Team) -> None:
    """Northwind (Pat its contact, Bob its owner), Contoso with an objective, a standup and
    an elephant: all of it internal except Northwind's own objectives and leads."""
    await northwind_with_pat(team)
    await say(team, "ana", "partner edit Contoso Ltd tier Diamond")
    await say(team, "ana", "objective add Contoso Ltd Grow renewals by 2026-12-20")
    await say(team, "bob", f"objective add {NORTHWIND} Certify engineers by 2026-12-15")
    await say(team, "bob", f'partner lead {NORTHWIND} "Renewal" won')
    await team.set_up(name="Vendor pipeline sync", participants=["ana", "bob"])
    await say(team, "ana", "elephant Direct reps keep the forecast from Contoso")


def every_invocation(commands: tuple[CommandSpec, ...]) -> list[str]:
    """Each subcommand bare, with a name of another partner, and with an id of its data."""
    texts = []
    for spec in commands:
        texts.append(spec.name)
        for sub in spec.subcommands:
            # Bare; another partner's (or an unknown cadence's) name; an id of its data.
            for args in ("", "Contoso Ltd", "O-1 10%"):
                texts.append(f"{spec.name} {sub.name} {args}".strip())
    return texts


async def answer(team: Team, user: str, text: str) -> str:
    """Whatever the bot answers `text`: a reply's text, or a form's title and fields."""
    word, _, rest = text.partition(" ")
    response = await team.application.dispatcher.command(Invocation(
        Actor(Platform.CONSOLE, user, user.capitalize()), GENERAL, word, rest))
    if isinstance(response, OpenForm):
        form = response.form
        return " | ".join([form.title, *(f"{item.label}={item.initial or ''}"
                                          for item in form.fields)])
    assert isinstance(response, Reply), (text, response)
    return as_card(response.content).plain_text()


# Pat, a partner contact, runs every command in the test after this one.
@pytest.mark.parametrize("user", ["ana", "bob", "cem"])
async def test_no_command_crashes_for_any_role(team: Team, user: str):
    await internal_world(team)
    await say(team, "cem", "partnerops whoami")
    for text in every_invocation(team.application.registry.commands):
        said = await answer(team, user, text)
        assert CRASH not in said, (user, text, said)


async def test_a_partner_contact_learns_nothing_internal_from_any_command(team: Team):
    await internal_world(team)
    for text in every_invocation(team.application.registry.commands):
        said = await answer(team, "pat", text)
        assert CRASH not in said, (text, said)
        leaked = [secret for secret in SECRETS if secret in said]
        assert not leaked, (text, said)


async def test_a_partner_contact_files_no_elephant_and_sees_no_internal_cadence(team: Team):
    await internal_world(team)
    refused = await answer(team, "pat", "elephant Our leads get taken by direct reps")
    assert "Elephant reports are for the vendor's own teams" in refused
    assert "E-2" not in refused
    said = await answer(team, "pat", "standup")
    assert "Daily" not in said and "nothing to answer" in said
