"""The elephant's path over Teams HTTP, as the Bot Framework sends it: filed from the card,
three people see it too (one presses twice): herd 3; acknowledged, resolved, reporter told."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from tests.e2e.conftest import RunningBot
from tests.fakes import teams_activities
from tests.fakes.teams_activities import CHANNEL_ID
from tests.fakes.teams_forms import card_of, facts, submit_value, texts

PEOPLE = {"29:ana": "Ana", "29:bob": "Bob", "29:cem": "Cem", "29:dee": "Dee"}


def _from(user_id: str, **more: str) -> dict[str, str]:
    return {"user_id": user_id, "user_name": PEOPLE[user_id],
            "conversation_id": f"a:{user_id[3:]}-1on1", **more}


async def test_form_card_votes_ack_resolve_and_the_reporter_told(bot: RunningBot):
    connector = bot.connector
    for user_id in PEOPLE:  # Ana, the first, is the admin
        assert (await bot.teams_post(teams_activities.message(
            "partnerops whoami", service_url=connector.url, **_from(user_id)))).status == 200
    await connector.wait_for("reply", count=4)
    await bot.teams_post(teams_activities.channel_mention_message(
        "partnerops settings elephants-channel here", service_url=connector.url,
        **_from("29:ana", conversation_id=f"{CHANNEL_ID};messageid=1700000000000")))
    sent_before = len(await connector.wait_for("send", count=2))  # the notice, the answer

    await bot.teams_post(teams_activities.message("elephant", service_url=connector.url,
                                                  **_from("29:bob")))
    form = card_of((await connector.wait_for("reply", count=5))[-1])
    filled = submit_value(form, {"title": "Partners left out of QBRs",
                                 "sides": ["partner-sales", "direct-sales"],
                                 "category": "excluded", "hours": "2", "deals": "1"})
    await bot.teams_post(teams_activities.card_submit(filled, service_url=connector.url,
                                                      **_from("29:bob")))
    posted = (await connector.wait_for("send", count=sent_before + 1))[-1]
    assert posted.args["_conversation_id"] == CHANNEL_ID
    card = card_of(posted)
    assert facts(card)["Category"] == "Excluded from meetings"
    see_it = submit_value(card, action="I see it too")
    for user_id in ("29:ana", "29:cem", "29:dee", "29:cem"):  # Cem presses twice
        await bot.teams_post(teams_activities.card_submit(
            see_it, service_url=connector.url, **_from(user_id)))
    updates = await connector.wait_for("update", count=3)
    assert facts(card_of(updates[-1]))["Herd"] == "3 see it too"

    for typed in ("elephant ack E-1", "elephant resolve E-1 QBR invites include the partner"):
        answered = len(connector.of("reply"))  # counted first: the answer may come at once
        await bot.teams_post(teams_activities.message(typed, service_url=connector.url,
                                                      **_from("29:ana")))
        await connector.wait_for("reply", count=answered + 1)
    told = [" ".join(texts(card_of(call))) for call in connector.of("send")
            if call.args["_conversation_id"] == "a:bob-1on1"]
    assert told == [
        "The elephant you reported, E-1 (Partners left out of QBRs): Ana acknowledged it; "
        "Ana owns it.",
        "The elephant you reported, E-1 (Partners left out of QBRs): Ana marked it resolved: "
        "QBR invites include the partner"]
    [row] = await bot.export("elephants")
    assert (row["status"], row["reporter"], row["category"]) == ("resolved", "Bob", "excluded")


async def test_an_anonymous_report_is_answered_in_its_card_naming_nobody(bot: RunningBot):
    connector = bot.connector
    await bot.teams_post(teams_activities.channel_mention_message(
        "partnerops settings elephants-channel here", service_url=connector.url,
        **_from("29:ana", conversation_id=f"{CHANNEL_ID};messageid=1700000000000")))
    await connector.wait_for("send", count=2)
    await bot.teams_post(teams_activities.message("elephant", service_url=connector.url,
                                                  **_from("29:bob")))
    opened = (await connector.wait_for("reply"))[-1]
    form = card_of(opened)
    calls_before = len(connector.calls)
    references_before = await _references(bot)
    clock = bot.application.clock  # type: ignore[attr-defined]
    clock.set(clock.now() + timedelta(minutes=7))  # any row written now would show it
    filled = submit_value(form, {"title": "Bonuses pay direct reps for partner deals",
                                 "anonymous": True})
    await bot.teams_post(teams_activities.card_submit(
        filled, service_url=connector.url, reply_to_id="activity-1", **_from("29:bob")))
    [answered] = await connector.wait_for("update")
    assert answered.args["_activity_id"] == "activity-1"  # the submitted card, replaced
    assert "names nobody" in str(answered.args) and "recipient" not in answered.args
    since = [str(call.args) for call in connector.calls[calls_before:]]
    assert since and not [call for call in since if "29:bob" in call or "'Bob'" in call]
    [row] = await bot.export("elephants")
    assert (row["reporter"], row["anonymous"]) == ("", True)
    assert await _references(bot) == references_before  # no reference rewritten


async def _references(bot: RunningBot) -> list[tuple[str, str]]:
    async with bot.application.database.engine.connect() as connection:
        rows = (await connection.execute(text(
            "SELECT conversation_id, updated_at FROM conversationreference "
            "ORDER BY conversation_id"))).all()
    return [(str(conversation), str(updated)) for conversation, updated in rows]
