"""A feedback campaign over real Teams HTTP: started in a channel, its Adaptive Card invitation
in each contact's 1:1 chat, one contact answering by the card form and another in the
campaign post's thread; both attributed to their partners."""

from __future__ import annotations

from tests.e2e.conftest import RunningBot
from tests.e2e.test_teams_cadence import ANA, IN_CHANNEL, _introduce, _mentioning
from tests.e2e.test_teams_partners import PAT, _said
from tests.fakes import teams_activities
from tests.fakes.teams_activities import CHANNEL_ID, Sender
from tests.fakes.teams_forms import card_of, submit_value

QUINN: Sender = {"user_id": "29:quinn", "user_name": "Quinn", "aad_object_id": "aad-quinn",
                 "timezone": "Europe/Paris", "conversation_id": "a:quinn-1on1"}


async def test_a_campaign_reaches_teams_contacts_and_takes_both_kinds_of_answer(
        bot: RunningBot):
    connector = bot.connector
    await _introduce(bot)
    for contact in (PAT, QUINN):
        await _said(bot, contact, "partnerops whoami")  # each writes to the bot once
    for partner, tier, contact in (("Northwind", "Gold", PAT), ("Contoso", "Silver", QUINN)):
        await _said(bot, ANA, f"partner add {partner} type MSP tier {tier}")
        activity = _mentioning(teams_activities.channel_mention_message(
            f"partner contact add {partner} @{contact['user_name']}",
            service_url=connector.url, **{**ANA, **IN_CHANNEL}), contact)
        assert (await bot.teams_post(activity)).status == 200
    connector.log.clear()

    started = await _said(bot, ANA, 'feedback start "Partner Summit 2027" in here closes '
                                    "2026-12-15", in_channel=True)
    assert "Started" in started and "F-1" in started
    [parent] = [call for call in connector.of("send")
                if call.args.get("_conversation_id") == CHANNEL_ID]
    assert "Answer in this message's thread" in str(parent.args)
    invited = {call.args["_conversation_id"]: card_of(call) for call in connector.of("send")
               if call.args.get("_conversation_id") in ("a:pat-1on1", "a:quinn-1on1")}
    assert sorted(invited) == ["a:pat-1on1", "a:quinn-1on1"]
    # Ana typed 17:00 in Berlin; each contact reads the close in their own zone.
    assert "Tue 15 Dec 2026, 16:00 (Europe/London)" in str(invited["a:pat-1on1"])
    assert "Tue 15 Dec 2026, 17:00 (Europe/Paris)" in str(invited["a:quinn-1on1"])

    # Pat answers by the card form.
    press = submit_value(invited["a:pat-1on1"], action="Answer")
    await bot.teams_post(teams_activities.card_submit(press, service_url=connector.url,
                                                      **PAT))
    form = card_of([call for call in connector.of("reply")
                    if call.args.get("_conversation_id") == "a:pat-1on1"][-1])
    filled = submit_value(form, {"q0": "A partner-only roadmap session", "q1": "hands-on labs"})
    await bot.teams_post(teams_activities.card_submit(filled, service_url=connector.url,
                                                      **PAT))
    thanks = [call for call in connector.of("reply")
              if call.args.get("_conversation_id") == "a:pat-1on1"][-1]
    assert "2 answers saved to F-1" in thanks.args["text"]

    # Quinn replies in the campaign post's thread, mentioning the bot as Teams requires.
    posted_id = await _parent_id(bot)
    thread = f"{CHANNEL_ID};messageid={posted_id}"
    await bot.teams_post(teams_activities.channel_mention_message(
        "More hands-on labs, fewer keynotes", service_url=connector.url,
        **{**QUINN, "conversation_id": thread, "activity_id": "quinn-reply-1"}))
    # A reply whose first word is a command's is still an answer in this thread.
    await bot.teams_post(teams_activities.channel_mention_message(
        "Partner pricing clarity, please", service_url=connector.url,
        **{**QUINN, "conversation_id": thread, "activity_id": "quinn-reply-2"}))
    rows = await bot.export("feedback")
    assert sorted((row["partner"], row["source"], row["platform"]) for row in rows) == [
        ("Contoso", "thread", "teams"), ("Contoso", "thread", "teams"),
        ("Northwind", "form", "teams"), ("Northwind", "form", "teams")]
    assert not [call for call in connector.of("reply")
                if call.args.get("_conversation_id") == thread
                and "don't know" in str(call.args)]  # taken as an answer, not a command


async def _parent_id(bot: RunningBot) -> str:
    [campaign] = await bot.export("campaigns")
    return str(campaign["thread_ts"])
