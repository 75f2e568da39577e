"""`add`, `remove` and `run`: one participant without retyping the list, and a day sent now."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.conversation import ConversationKind, ConversationRef, Platform
from bot.core.requests import Invocation
from schedules.run_due import run_due
from tests.handlers.cadence_team import GENERAL, Team, text_of


async def mentioning(team: Team, user: str, text: str) -> str:
    """A command with @mentions, as the console (and Slack, and Teams) parse them."""
    word, _, rest = text.partition(" ")
    people = tuple(token[1:] for token in rest.split() if token.startswith("@"))
    return text_of(await team.application.dispatcher.command(
        Invocation(team.actor(user), GENERAL, word, rest, people=people)))


def prompts(team: Team, user: str) -> int:
    return sum(1 for sent in team.outbox.posts
               if sent.to.id == user and "Time for your" in sent.text)


async def test_add_and_remove_one_participant_keep_everyone_else(team: Team):
    await team.set_up(participants=["ana", "bob"])
    said = await mentioning(team, "ana", "standup add Daily @cem")
    assert "Added cem to Daily" in said  # named as the platform knows them
    assert sorted(await team.participant_ids("Daily")) == ["ana", "bob", "cem"]
    assert "bob already takes part" in await mentioning(team, "ana", "standup add Daily @bob")

    said = await mentioning(team, "ana", "standup remove Daily @bob")
    assert "Removed bob from Daily" in said
    assert sorted(await team.participant_ids("Daily")) == ["ana", "cem"]
    assert await mentioning(team, "ana", "standup remove Daily @dee") == \
        "dee is not on Daily, so nobody was removed."


async def test_add_says_who_is_missing_and_members_may_not(team: Team):
    await team.set_up()
    missing = await mentioning(team, "ana", "standup add Daily")
    assert "mention them" in missing and "Example: `standup add Daily standup @bob`" in missing
    await team.command("bob", "partnerops whoami")
    denied = await mentioning(team, "bob", "standup add Daily @bob")
    assert "Only admins can use 'standup add'" in denied


async def test_run_sends_today_now_and_never_twice(team: Team):
    team.clock.set(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))  # before anyone's nine
    await team.set_up(participants=["ana", "bob"])
    said = text_of(await team.command("ana", "standup run Daily"))
    assert said.startswith("Sent Daily to 2 people now.")
    assert (prompts(team, "ana"), prompts(team, "bob")) == (1, 1)

    again = text_of(await team.command("ana", "standup run Daily"))
    assert "Nothing to send: everyone on Daily (2) was already asked today" in again
    at_nine = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    team.clock.set(at_nine)
    await run_due(team.application.services, at_nine)  # the usual time: not again either
    assert (prompts(team, "ana"), prompts(team, "bob")) == (1, 1)


async def test_run_from_a_channel_sends_the_prompts_to_each_person_directly(team: Team):
    team.clock.set(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))
    await team.set_up(participants=["ana", "bob"])
    channel = ConversationRef(Platform.CONSOLE, "sales", ConversationKind.CHANNEL, "sales")
    await team.command("ana", "standup run Daily", where=channel)
    directs = {sent.to.id for sent in team.outbox.posts
               if "Time for your" in sent.text and sent.to.kind is ConversationKind.DIRECT}
    assert directs == {"ana", "bob"}
