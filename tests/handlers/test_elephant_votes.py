""""I see it too": one vote per person, a second click changes nothing, "Not for me" takes
it back, the herd shows on the post, and no vote names its voter."""

from __future__ import annotations

import hashlib

from sqlalchemy import text

from bot.core.cards import Actions
from handlers.elephants.ids import ElephantAction
from tests.handlers.cadence_team import Team, text_of
from tests.handlers.elephant_lifecycle_helpers import filed
from tests.handlers.test_elephant_form import stored
from tests.handlers.test_partners import say


async def press(team: Team, user: str, action: ElephantAction) -> str:
    [elephant] = await stored(team)
    return text_of(await team.press(user, action, str(elephant.id)))


async def test_three_votes_one_clicked_twice_make_a_herd_of_three(team: Team):
    await filed(team)
    for user in ("ana", "bob", "cem"):
        assert "Your vote names nobody" in await press(team, user, ElephantAction.SEE_IT_TOO)
    again = await press(team, "bob", ElephantAction.SEE_IT_TOO)
    assert again == "You already see E-1 too; the herd stays at 3."
    assert "Herd: 3 see it too" in team.outbox.updates[-1].text
    assert await press(team, "ana", ElephantAction.NOT_FOR_ME) == "Taken back: 2 see E-1 now."
    assert "You had not said you see E-1" in await press(team, "ana", ElephantAction.NOT_FOR_ME)
    assert "Herd: 2 see it too" in team.outbox.updates[-1].text


async def test_a_vote_stores_no_one(team: Team):
    await filed(team)
    await press(team, "bob", ElephantAction.SEE_IT_TOO)
    bob = await team.person("bob")
    async with team.application.database.engine.connect() as connection:
        columns = [row[1] for row in (await connection.execute(text(
            "PRAGMA table_info(elephantvote)"))).all()]
        [(key, person_id)] = (await connection.execute(text(
            "SELECT voter_key, person_id FROM elephantvote"))).all()
    # person_id is filled only while an admin has made votes named (off by default).
    assert columns == ["elephant_id", "voter_key", "person_id"] and person_id is None
    [elephant] = await stored(team)
    # A keyed hash: not the voter's id, nor a hash anyone could recompute from it.
    unkeyed = hashlib.sha256(f"{elephant.id}:{bob.id}".encode()).hexdigest()
    assert len(key) == 64 and key not in (unkeyed, str(bob.id), "bob")


async def test_a_closed_elephant_counts_no_votes(team: Team):
    await filed(team)
    await team.command("ana", "elephant ack E-1")
    await team.command("ana", "elephant wontfix E-1 Pricing is the distributor's")
    assert "E-1 is closed (won't fix)" in await press(team, "bob", ElephantAction.SEE_IT_TOO)


async def test_named_votes_are_an_admins_choice_and_never_name_earlier_votes(team: Team):
    await filed(team)
    await press(team, "bob", ElephantAction.SEE_IT_TOO)  # cast while anonymous
    assert "Only admins" in await say(team, "bob", "elephant votes named")
    updates = len(team.outbox.updates)
    assert "Votes cast before stay anonymous" in await say(team, "ana", "elephant votes named")
    # The open post now says votes there carry names, before anyone votes on that promise.
    assert len(team.outbox.updates) == updates + 1
    assert "nothing changed" in await say(team, "ana", "elephant votes named")
    assert "Votes are named here" in await press(team, "cem", ElephantAction.SEE_IT_TOO)
    shown = await say(team, "ana", "elephant show E-1")
    assert "Named votes: Cem" in shown and "Bob" not in shown
    assert "1 named vote lost its name" in await say(team, "ana", "elephant votes anonymous")
    assert "Named votes" not in await say(team, "ana", "elephant show E-1")
    assert "Herd: 2 see it too" in team.outbox.updates[-1].text


async def test_followers_hear_of_changes_reporters_too(team: Team):
    await filed(team)  # Cem reported E-1
    followed = await say(team, "bob", "elephant follow E-1")
    assert followed.startswith("You'll hear when E-1 changes. Following is kept under your name")
    assert await say(team, "bob", "elephant follow E-1") == "You already follow E-1."
    await say(team, "ana", "elephant ack E-1")
    told = [sent.text for sent in team.outbox.posts if sent.to.id in ("bob", "cem")
            and "E-1 (" in sent.text]
    assert told == ["The elephant you reported, E-1 (Reps hide the forecast): Ana "
                    "acknowledged it; Ana owns it.",
                    "An elephant you follow, E-1 (Reps hide the forecast): Ana acknowledged "
                    "it; Ana owns it."]
    assert await say(team, "bob", "elephant unfollow E-1") == "No more news of E-1."


async def test_a_voter_opts_in_to_news_from_the_vote_itself(team: Team):
    """Voters are told of changes only if they opt in: the vote's answer offers it."""
    await filed(team)  # Cem reported E-1
    [elephant] = await stored(team)
    voted = await team.press("dee", ElephantAction.SEE_IT_TOO, str(elephant.id))
    [button] = [button for block in voted.content.blocks if isinstance(block, Actions)
                for button in block.buttons]
    assert (button.label, button.action, button.value) == (
        "Tell me when it changes", ElephantAction.FOLLOW, str(elephant.id))
    await press(team, "bob", ElephantAction.SEE_IT_TOO)  # votes, does not opt in
    followed = text_of(await team.press("dee", ElephantAction.FOLLOW, button.value))
    assert followed.startswith("You'll hear when E-1 changes")
    await say(team, "ana", "elephant ack E-1")
    told = {sent.to.id for sent in team.outbox.posts if "An elephant you follow, E-1" in sent.text}
    assert told == {"dee"}
    assert (await stored(team))[0].status.value == "acknowledged"
