"""Feedback campaigns on the real application: started, answered by form and in the thread,
one reminder to the silent partner only, closed with the right rates; bad input changes
nothing."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.cards import Actions
from bot.core.conversation import Actor, ConversationKind, ConversationRef, MessageRef, Platform
from bot.core.requests import Invocation, ThreadChange, ThreadMessage
from bot.core.responses import Reply
from handlers.feedback import summary
from handlers.feedback.ids import FeedbackAction
from schedules.run_due import run_due
from storage.common.models import Role
from storage.feedback import repository as campaigns
from tests.conftest import START
from tests.handlers.cadence_team import Team, form_of, text_of
from tests.handlers.test_partners import say

SUMMIT = ConversationRef(Platform.CONSOLE, "#summit", ConversationKind.CHANNEL)
CLOSES = datetime(2026, 12, 15, 17, 0, tzinfo=UTC)  # Ana's zone is UTC here
QUICK = 'start "Partner Summit 2027 planning" in #summit closes 2026-12-15'


async def feedback(team: Team, user: str, text: str) -> str:
    actor = Actor(Platform.CONSOLE, user, user.capitalize())
    channels = (SUMMIT,) if "#summit" in text else ()
    return text_of(await team.application.dispatcher.command(
        Invocation(actor, ConversationRef(Platform.CONSOLE, "#general",
                                          ConversationKind.CHANNEL), "feedback", text,
                   channels=channels)))


async def partners_with_contacts(team: Team) -> None:
    for name, tier, contact in (("Northwind", "Gold", "pat"), ("Contoso", "Silver", "quinn"),
                                ("Fabrikam", "Gold", "rey")):
        await say(team, "ana", f"partner add {name} type VAR tier {tier}")
        await say(team, contact, "partnerops whoami")  # seen once, then named as contact
        assert "contact" in await say(team, "ana", f"partner contact add {name} @{contact}")


def invitations(team: Team) -> dict[str, str]:
    """Contact -> the value of the Answer button they were sent."""
    found = {}
    for sent in team.outbox.posts:
        for block in sent.card.blocks:
            if isinstance(block, Actions) and sent.to.kind is ConversationKind.DIRECT:
                for button in block.buttons:
                    if button.action is FeedbackAction.ANSWER:
                        found.setdefault(sent.to.id, button.value)
    return found


async def thread_reply(team: Team, user: str, message_id: str, text: str,
                       change: ThreadChange = ThreadChange.NEW) -> object:
    [parent] = [sent for sent in team.outbox.posts if sent.to.id == "#summit"][:1]
    return await team.application.dispatcher.thread(ThreadMessage(
        Actor(Platform.CONSOLE, user, user.capitalize()), MessageRef(SUMMIT, parent.message.id),
        message_id, text, change))


async def test_start_answer_remind_close(team: Team):
    await partners_with_contacts(team)
    started = await feedback(team, "ana", QUICK)
    assert "Started F-1 (Partner Summit 2027 planning) in #summit: asked 3 partners, invited " \
        "3 contacts" in started.replace("*", "")
    [parent] = [sent for sent in team.outbox.posts if sent.to.id == "#summit"]
    assert "Answer in this message's thread" in parent.text
    invited = invitations(team)
    assert sorted(invited) == ["pat", "quinn", "rey"]

    # Pat answers by form; Quinn in the thread (delivered twice); Ana, internal, too.
    form = form_of(await team.press("pat", FeedbackAction.ANSWER, invited["pat"]))
    saved = await team.submit("pat", form, {"q0": "Hands-on labs on the new API",
                                            "q1": "hands-on labs", "q2": ""})
    assert "2 answers saved to F-1" in text_of(saved)
    for _ in range(2):
        assert await thread_reply(team, "quinn", "t1", "More hands-on labs, fewer keynotes") \
            is None
    await thread_reply(team, "ana", "t2", "Remember the partner awards")
    status = await feedback(team, "ana", "status F-1")
    assert "Contoso, Northwind" in status and "Fabrikam" in status.split("Not yet")[1]
    async with team.application.database.session() as session:
        stored = await campaigns.replies(session, 1)
    assert [(reply.source.value, reply.internal) for reply in stored] == \
        [("form", False), ("form", False), ("thread", False), ("thread", True)]

    # The reminder, 48 h before close: Fabrikam's contact only, once.
    before = len(team.outbox.posts)
    for hours in (47, 46):
        await run_due(team.application.services, CLOSES - timedelta(hours=hours))
    reminders = [sent for sent in team.outbox.posts[before:] if "A reminder" in sent.text]
    assert [sent.to.id for sent in reminders] == ["rey"]

    await run_due(team.application.services, CLOSES)
    summaries = [sent for sent in team.outbox.posts if "partners answered" in sent.card.summary]
    assert sorted(sent.to.id for sent in summaries) == ["#summit", "ana"]
    thread = next(sent for sent in summaries if sent.to.id == "#summit")
    assert thread.thread is not None and thread.thread.id == parent.message.id
    assert "2/3 (67%)" in thread.text and "Tier Gold" in thread.text \
        and "1/2 (50%)" in thread.text
    assert "hands-on labs" in thread.text and "hands-on labs 1" in thread.text
    tiers, partners, question = thread.card.charts
    assert (tiers.title, question.title) == ("Partners that answered, by tier",
                                             "2. Which format helps you most?")
    answered = {line.split(":")[0][2:]: line.endswith("answered 1, not yet 0")
                for line in partners.text().splitlines()[1:]}  # by partner
    assert answered == {"Northwind": True, "Contoso": True, "Fabrikam": False}
    await run_due(team.application.services, CLOSES + timedelta(hours=1))
    assert len([sent for sent in team.outbox.posts
                if "partners answered" in sent.card.summary]) == 2  # exactly once

    late = await thread_reply(team, "rey", "t3", "Sorry, late: webinars")
    assert isinstance(late, Reply) and "no longer collected" in text_of(late)


async def test_edits_and_deletions_in_the_thread_follow_the_message(team: Team):
    await partners_with_contacts(team)
    await feedback(team, "ana", QUICK)
    await thread_reply(team, "quinn", "t1", "Labs")
    await thread_reply(team, "quinn", "t1", "Labs and a partner award", ThreadChange.EDITED)
    await thread_reply(team, "pat", "t2", "Webinars")
    await thread_reply(team, "pat", "t2", "", ThreadChange.DELETED)
    async with team.application.database.session() as session:
        kept = await campaigns.replies(session, 1)
    assert [(reply.text, reply.edited_at is not None) for reply in kept] == \
        [("Labs and a partner award", True)]


async def test_bad_input_is_refused_and_creates_nothing(team: Team):
    await partners_with_contacts(team)
    assert "close is in the past" in await feedback(
        team, "ana", 'start "Summit" in #summit closes 2026-11-01')
    assert "There is no campaign F-9" in await feedback(team, "ana", "status F-9")
    team.outbox.refuse.add("#summit")
    assert "I can't post in #summit" in await feedback(team, "ana", QUICK)
    form = form_of(await team.command("ana", "feedback start"))
    refused = await team.submit("ana", form, {
        "title": "Summit", "questions": "", "audience": "tier", "tier": "",
        "channel": "#summit", "closes": "2026-11-01", "remind": "0", "anonymous": False})
    assert isinstance(refused, Reply)
    assert set(refused.field_errors) == {"questions", "tier", "closes", "remind"}
    async with team.application.database.session() as session:
        assert await campaigns.in_workspace(session, 1) == []
    assert invitations(team) == {}


async def test_partner_contacts_only_answer(team: Team):
    await partners_with_contacts(team)
    await feedback(team, "ana", QUICK)
    assert "Partner contacts answer campaigns" in await feedback(team, "pat", "list")
    assert "Partner contacts answer campaigns" in await feedback(team, "pat", QUICK)
    assert "You have not answered F-1 yet" in await feedback(team, "pat", "status F-1")
    assert "Only F-1's owner and admins" in await feedback(team, "bob", "close F-1")


async def test_an_anonymous_campaign_names_nobody_but_to_its_owner(team: Team):
    await partners_with_contacts(team)
    form = form_of(await team.command("ana", "feedback start"))
    await team.submit("ana", form, {
        "title": "Summit", "questions": "Format? [labs|keynotes]", "audience": "all",
        "channel": "#summit", "closes": "2026-12-15", "anonymous": True})
    await thread_reply(team, "pat", "t1", "Labs")
    await thread_reply(team, "quinn", "t2", "Labs again")
    shown = await feedback(team, "bob", "status F-1")  # an admin? no: a member
    assert "Northwind" not in shown and "Answered: 2" in shown.replace("\n", " ")
    assert "Northwind" in await feedback(team, "ana", "status F-1")  # its owner
    async with team.application.database.session() as session:
        rows = await team.application.registry.exporters["feedback"].rows(session, None)
    assert [row["person"] for row in rows] == ["", ""]
    await run_due(team.application.services, CLOSES)
    [summary] = [sent for sent in team.outbox.posts if sent.to.id == "#summit"
                 and "partners answered" in sent.card.summary]
    # Two partners answered: no breakdown that could point at one of them.
    assert "no breakdown is shown" in summary.text and "Tier Gold" not in summary.text
    assert "2/3 (67%)" in summary.text


async def test_the_reminder_goes_when_the_form_said(team: Team):
    await partners_with_contacts(team)
    form = form_of(await team.command("ana", "feedback start"))
    await team.submit("ana", form, {
        "title": "Summit", "questions": "Topics?", "audience": "tier", "tier": "gold",
        "channel": "#summit", "closes": "2026-12-15 17:00", "remind": "24"})
    assert sorted(invitations(team)) == ["pat", "rey"]  # the Gold partners' contacts
    await run_due(team.application.services, CLOSES - timedelta(hours=25))
    assert not [sent for sent in team.outbox.posts if "A reminder" in sent.text]
    await run_due(team.application.services, CLOSES - timedelta(hours=24))
    assert sorted(sent.to.id for sent in team.outbox.posts if "A reminder" in sent.text) == \
        ["pat", "rey"]


async def test_nobody_gets_two_reminders_in_a_day(team: Team):
    await partners_with_contacts(team)
    await feedback(team, "ana", QUICK)
    day_of_reminder = CLOSES - timedelta(hours=48)
    team.clock.set(day_of_reminder - timedelta(hours=2))  # same day, before the timed one
    assert "Reminded 3 contacts" in await feedback(team, "ana", "remind F-1")
    assert "Nobody was reminded" in await feedback(team, "ana", "remind F-1")
    await run_due(team.application.services, day_of_reminder)
    reminded = Counter(sent.to.id for sent in team.outbox.posts if "A reminder" in sent.text)
    assert reminded == {"pat": 1, "quinn": 1, "rey": 1}


async def test_a_campaign_closing_sooner_than_its_reminder_gets_none(team: Team):
    await partners_with_contacts(team)
    said = await feedback(team, "ana", 'start "Quick poll" in #summit closes 2026-11-24')
    assert "none: it closes within 48 h" in said
    await run_due(team.application.services, START + timedelta(minutes=1))
    assert not [sent for sent in team.outbox.posts if "A reminder" in sent.text]


async def test_a_reply_from_a_partner_not_asked_is_refused_privately(team: Team):
    await partners_with_contacts(team)
    form = form_of(await team.command("ana", "feedback start"))
    await team.submit("ana", form, {"title": "Gold only", "questions": "Topics?",
                                    "audience": "tier", "tier": "Gold", "channel": "#summit",
                                    "closes": "2026-12-15"})
    answer = await thread_reply(team, "quinn", "t1", "We are Silver but here we are")
    assert isinstance(answer, Reply) and "asks other partners" in text_of(answer)
    async with team.application.database.session() as session:
        assert await campaigns.replies(session, 1) == []
    assert "There is no campaign F-99999" in await feedback(team, "ana", "status F-99999")
    assert "Name the campaign by its id" in await feedback(
        team, "ana", "status F-99999999999999999999")


async def test_an_outside_guest_no_partner_claims_is_told_how_to_be_counted(team: Team):
    await partners_with_contacts(team)
    await feedback(team, "ana", QUICK)
    await say(team, "zoe", "partnerops whoami")
    await team.make_role("zoe", Role.PARTNER_CONTACT)  # a guest, no partner named yet
    answer = await thread_reply(team, "zoe", "t9", "Labs!")
    assert isinstance(answer, Reply) and "which partner you speak for" in text_of(answer)


async def test_the_scorecard_counts_the_campaigns_a_partner_answered(team: Team):
    await partners_with_contacts(team)
    await feedback(team, "ana", QUICK)
    await thread_reply(team, "pat", "t1", "Labs")
    assert "Feedback: answered 1 of 1 campaign (100%)" in await say(
        team, "ana", "partner show Northwind")
    assert "Feedback: answered 0 of 1 campaign (0%)" in await say(
        team, "ana", "partner show Contoso")


async def test_the_report_counts_every_answer_finds_topics_in_the_latest_and_says_so(
        team: Team, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(summary, "TOPICS_SAMPLE", 3)
    await partners_with_contacts(team)
    await feedback(team, "ana", QUICK)
    invited = invitations(team)
    for user, topic, choice in (("pat", "Pricing tiers", "hands-on labs"),
                                ("quinn", "Partner awards", "keynotes")):
        form = form_of(await team.press(user, FeedbackAction.ANSWER, invited[user]))
        await team.submit(user, form, {"q0": topic, "q1": choice, "q2": ""})
    for user, message_id, text in (("rey", "t1", "Hands-on labs, please"),
                                   ("pat", "t2", "More hands-on labs"),
                                   ("ana", "t3", "Hands-on labs for us too")):
        await thread_reply(team, user, message_id, text)

    said = await feedback(team, "ana", "report F-1")
    assert "Sent f-1-feedback-2026-11-23.csv" in said and "7 answers to F-1" in said
    assert "3/3 (100%)" in said
    assert "“Pricing tiers”; “Partner awards”" in said
    assert "keynotes 1, hands-on labs 1, roundtables 0, 1:1 meetings 0" in said
    assert "Thread replies: 2" in said
    # Four texts in partners' own words (two answers, two thread replies); the latest three.
    assert "Most requested topics (from the latest 3 of 4 answers in partners' own words)" \
        in said.replace("*", "")
    assert "hands-on labs (2)" in said  # ours, in the thread, is not counted
    assert "1 answer from our own people" in said
    [(user, file, _)] = team.outbox.files
    lines = file.data.decode().splitlines()
    assert user == "ana" and len(lines) == 1 + 7

    monkeypatch.setattr(summary, "TOPICS_SAMPLE", 4)
    said = await feedback(team, "ana", "report F-1")
    assert "Most requested topics\n" in said.replace("*", "")  # all of them: no note


async def test_a_partner_contact_sees_only_their_own_answers(team: Team):
    await partners_with_contacts(team)
    await feedback(team, "ana", QUICK)
    await thread_reply(team, "pat", "t1", "Labs, please")
    await thread_reply(team, "quinn", "t2", "Keynotes")
    await thread_reply(team, "pat", "t3", "And pricing")
    await thread_reply(team, "pat", "t3", "", ThreadChange.DELETED)
    mine = await feedback(team, "pat", "status F-1")
    assert mine == "- In the thread: Labs, please"  # not Quinn's, not the one withdrawn
