"""`/partner` and `/objective` over real Teams HTTP: a partner, a guest contact by @mention
in a team channel, objectives kept by both, and the review's numbers; the guest sees their
own partner only."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from tests.e2e.conftest import RunningBot
from tests.e2e.test_teams_cadence import ANA, IN_CHANNEL, _introduce, _mentioning
from tests.fakes import teams_activities
from tests.fakes.teams_activities import Sender

PAT: Sender = {"user_id": "29:pat", "user_name": "Pat", "aad_object_id": "aad-pat",
               "timezone": "Europe/London", "conversation_id": "a:pat-1on1"}


async def _said(bot: RunningBot, sender: Sender, text: str, *, in_channel: bool = False,
                mention: Sender | None = None) -> str:
    """What the bot answered `sender` (text and card), from a 1:1 chat or a channel."""
    bot.connector.log.clear()
    url = bot.connector.url
    activity: dict[str, Any] = teams_activities.channel_mention_message(
        text, service_url=url, **{**sender, **IN_CHANNEL}) if in_channel else \
        teams_activities.message(text, service_url=url, **sender)
    if mention is not None:
        activity = _mentioning(activity, mention)
    response = await bot.teams_post(activity)
    assert response.status == 200, await response.text()
    answers = [call.args for call in bot.connector.calls
               if call.args.get("_conversation_id") == sender["conversation_id"]]
    assert answers, [str(call) for call in bot.connector.calls]
    return json.dumps(answers[-1], ensure_ascii=False)


async def test_partner_objectives_and_review_over_teams(bot: RunningBot):
    await _introduce(bot)
    await _said(bot, PAT, "partnerops whoami")  # Pat, a guest, writes to the bot once
    assert "Added Northwind" in await _said(bot, ANA, "partner add Northwind type MSP")
    linked = await _said(bot, ANA, "partner contact add Northwind @Pat", in_channel=True,
                         mention=PAT)
    assert "Pat is now a contact of Northwind" in linked
    assert "Added O-1 for Northwind" in await _said(
        bot, ANA, "objective add Northwind Certify 3 engineers by 2026-12-15")
    assert "Added O-2 for Northwind" in await _said(
        bot, PAT, "objective add Joint webinar by 2026-12-10")
    assert "O-2 (Northwind) is missed" in await _said(bot, PAT, "objective missed O-2")
    assert "O-1 (Northwind) is met" in await _said(bot, ANA, "objective done O-1")
    review = await _said(bot, ANA, "objective review 2026-Q4")
    assert "1/2 met (50%) · 1 met · 1 missed" in review
    assert "As a partner contact you see Northwind only" in await _said(
        bot, PAT, "partner show Contoso")


async def test_home_is_a_summary_card_on_teams(bot: RunningBot):
    await _introduce(bot)
    await _said(bot, ANA, "partner add Northwind type MSP")
    await _said(bot, ANA, "objective add Northwind Certify 3 engineers by 2026-12-15")
    home = await _said(bot, ANA, "home")
    assert "Your PartnerOps home" in home and "Your partners" in home
    assert "O-1 Northwind: Certify 3 engineers" in home
    assert "application/vnd.microsoft.card.adaptive" in home  # a card, not a wall of text


async def test_an_export_on_teams_is_a_link_the_bot_serves_for_a_day(bot: RunningBot):
    await _introduce(bot)
    await _said(bot, ANA, "partner add Northwind type MSP")
    await _said(bot, ANA, "partnerops export partners")
    said = json.dumps([call.args for call in bot.connector.calls
                       if call.args["_conversation_id"] == ANA["conversation_id"]],
                      ensure_ascii=False)
    assert "1 row of partners, this workspace only." in said and "Sent partners-" in said
    path = "/exports/" + said.split("/exports/")[1].split('"')[0].split()[0]
    served = await bot.client.get(path)
    assert served.status == 200 and served.content_type == "text/csv"
    assert "attachment" in served.headers["Content-Disposition"]
    lines = (await served.text()).splitlines()
    assert lines[0].startswith("id,workspace,name") and ",Northwind,MSP," in lines[1]
    assert (await bot.client.get("/exports/not-a-token")).status == 404
    # A day later the link is gone.
    bot.application.clock.advance(timedelta(hours=25))  # type: ignore[attr-defined]
    assert (await bot.client.get(path)).status == 404
