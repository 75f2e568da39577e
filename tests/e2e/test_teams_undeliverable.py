"""A Teams user who has not installed the app (Bot Framework answers 403
BotNotInConversationRoster) is recorded as undeliverable with the reason, never retried,
and the cadence's report says who could not be reached and why."""

from __future__ import annotations

from sqlmodel import select

from storage.ledger.models import Delivery, DeliveryStatus
from tests.e2e.conftest import RunningBot
from tests.e2e.test_teams_cadence import (
    ANA,
    BOTH_OPEN,
    CLOSE,
    _introduce,
    _open_setup_form,
    _run,
    _submit_setup,
)
from tests.e2e.test_teams_partners import _said


async def test_a_user_without_the_app_is_undeliverable_once_and_named_in_the_report(
        bot: RunningBot):
    await _introduce(bot)
    await _submit_setup(bot, await _open_setup_form(bot), ["aad-ana", "aad-bob"])
    bot.connector.not_installed.update({"a:bob-1on1", "29:bob"})  # Bob removed the app
    bot.connector.log.clear()
    await _run(bot, BOTH_OPEN)  # twice
    bobs = [call for call in bot.connector.of("send")
            if call.args["_conversation_id"] == "a:bob-1on1"]
    assert len(bobs) == 1  # tried once, never again
    async with bot.application.database.session() as session:
        [row] = (await session.exec(select(Delivery).where(
            Delivery.kind == "prompt", Delivery.conversation_id == "29:bob"))).all()
    assert row.status is DeliveryStatus.UNDELIVERABLE
    assert "BotNotInConversationRoster" in (row.error or "")
    await _run(bot, CLOSE)
    assert len([call for call in bot.connector.of("send")
                if call.args["_conversation_id"] == "a:bob-1on1"]) == 1
    report = await _said(bot, ANA, "standup report")
    assert "Could not be reached" in report
    assert "Bob: not reachable in Teams: they have not installed PartnerOps" in report
