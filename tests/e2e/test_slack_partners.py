"""`/partner` over real Slack HTTP: a partner owned by a mentioned colleague, a Slack
Connect contact invited by email and linked when they first write, a lead, and what that
contact then sees (their own card, never another partner's)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from storage.common import workspaces
from storage.partners import repository as partners
from tests.e2e.conftest import RunningBot
from tests.fakes.slack_modal import fill
from tests.fakes.slack_requests import (
    block_suggestion,
    event_callback,
    slash_command,
    view_submission,
)

STARTED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def _command(bot: RunningBot, command: str, text: str, *, user: str = "U0001",
                   name: str = "ana") -> str:
    """`command text` from `user`; what the bot answered them privately: the summary, then
    the card's blocks as Slack gets them."""
    token = f"r{len(bot.slack.calls)}"
    answered = len(bot.slack.of("response_url"))
    response = await bot.slack_post(slash_command(
        command, text, user_id=user, user_name=name,
        response_url=bot.slack.response_url(token)))
    assert response.status == 200
    for call in await bot.slack.wait_for("response_url", count=answered + 1):
        if call.args["_token"] == token:
            return call.args["text"] + "\n" + json.dumps(call.args.get("blocks", []),
                                                          ensure_ascii=False)
    raise AssertionError(f"no answer to {command} {text}")


async def _say(bot: RunningBot, text: str, **who: str) -> str:
    return await _command(bot, "/partner", text, **who)


async def _objective(bot: RunningBot, text: str, **who: str) -> str:
    return await _command(bot, "/objective", text, **who)


async def test_a_partner_from_add_to_what_its_contact_sees(bot: RunningBot):
    bot.slack.add_user("U0003", name="pat", real_name="Pat Price", email="pat@northwind.test",
                       tz="Europe/London")
    added = await _say(bot, "add “Northwind Traders” type VAR tier Gold owner <@U0002|bob>")
    assert "Added Northwind Traders (VAR, Gold tier, owned by bob)" in added
    assert "Added Contoso" in await _say(bot, "add Contoso type MSP")
    invited = await _say(bot, 'contact add "Northwind Traders" pat@northwind.test')
    assert "pat@northwind.test will be a contact of Northwind Traders" in invited
    lead = await _say(bot, 'lead "Northwind Traders" "Contoso renewal" won hours 12')
    assert "win rate 1/1 (100%)" in lead

    # Pat writes for the first time: Slack's profile has the invited email.
    own = await _say(bot, "show", user="U0003", name="pat")
    assert "Northwind Traders" in own and "1 lead" in own and "Owner" not in own
    other = await _say(bot, "show Contoso", user="U0003", name="pat")
    assert "As a partner contact you see Northwind Traders only" in other
    assert "/partner show" in other  # the example as Slack people type it
    card = await _say(bot, "show Northwind Traders")
    assert "*Contacts*\\npat" in card and "*Owner*\\nbob" in card  # Slack display names
    [row] = [row for row in await bot.export("partners") if row["name"] == "Northwind Traders"]
    assert (row["owner"], row["contacts"], row["invited_emails"]) == \
        ("bob", ["pat"], [])


async def test_objectives_from_add_to_review_over_slack(bot: RunningBot):
    bot.slack.add_user("U0003", name="pat", real_name="Pat Price", email="pat@northwind.test")
    await _say(bot, "add Northwind type VAR")
    await _say(bot, "contact add Northwind <@U0003|pat>")
    assert "Added O-1 for Northwind" in await _objective(
        bot, "add Northwind Certify 3 engineers by 2026-12-15 target 3 engineers")
    assert "Added O-2 for Northwind" in await _objective(
        bot, "add Run a webinar by 2026-12-10", user="U0003", name="pat")  # her own partner
    assert "O-1 (Northwind): open · 2 of 3" in await _objective(
        bot, "update O-1 2 two booked", user="U0003", name="pat")
    assert "O-1 (Northwind) is met" in await _objective(bot, "done O-1")
    review = await _objective(bot, "review 2026-Q4")
    # O-2 is open and not due yet on 23 November: shown, not judged.
    assert "Northwind: 1/1 met (100%) · 1 met · 1 open" in review.replace("*", "").replace(
        "\\n", ": ")


async def test_the_app_home_shows_your_partners_and_follows_your_changes(bot: RunningBot):
    await _say(bot, "add Northwind type VAR")
    await _objective(bot, "add Northwind Certify 3 engineers by 2026-11-30")
    response = await bot.slack_post(event_callback(
        {"type": "app_home_opened", "user": "U0001", "channel": "D0001", "tab": "home"},
        event_id="Ev-home"))
    assert response.status == 200
    [published] = await bot.slack.wait_for("views.publish")
    assert published.args["user_id"] == "U0001"
    view = published.args["view"]
    shown = json.dumps(view, ensure_ascii=False)
    assert view["type"] == "home" and "Your partners" in shown and "Northwind" in shown
    assert "O-1 Northwind: Certify 3 engineers" in shown
    # What the person does next shows on the tab at once.
    await _objective(bot, "done O-1")
    again = await bot.slack.wait_for("views.publish", count=2)
    assert "O-1" not in json.dumps(again[-1].args["view"], ensure_ascii=False)


async def test_an_admin_gets_an_export_as_a_csv_file_in_slack(bot: RunningBot):
    await _say(bot, 'add "Contoso, Ltd" type MSP')
    answered = len(bot.slack.of("response_url"))
    await bot.slack_post(slash_command("/partnerops", "export partners",
                                       response_url=bot.slack.response_url("export")))
    *_, answer = await bot.slack.wait_for("response_url", count=answered + 1)
    assert answer.args["text"].startswith("Sent partners-")
    [upload] = bot.slack.of("file_upload")
    assert upload.args["_content"].splitlines()[1].startswith('1,T0001,"Contoso, Ltd",MSP')
    [done] = bot.slack.of("files.completeUploadExternal")
    assert done.args["channel_id"] == "DU0001"  # the admin's direct messages with the app
    assert "1 row of partners, this workspace only." in done.args["initial_comment"]
    # Another workspace's rows never travel: the file holds this workspace's only.
    assert all(",T0001," in line for line in upload.args["_content"].splitlines()[1:])


async def test_a_check_in_picks_from_more_partners_than_a_slack_menu_holds(bot: RunningBot):
    """Past Slack's 100 static options the partner menu is searched as the admin types:
    Slack asks the bot (a signed block_suggestion) and gets the matching partners."""
    async with bot.application.database.session() as session:
        slack = await workspaces.for_external_id(session, "slack", "T0001", now=STARTED)
        for number in range(120):
            await partners.add(session, workspace_id=slack.id or 0, name=f"Partner {number:03}",
                               type=None, tier=None, owner_id=None, now=STARTED)
    await bot.slack_post(slash_command("/checkin", "setup", trigger_id="t-setup",
                                       response_url=bot.slack.response_url("setup")))
    [opened] = await bot.slack.wait_for("views.open")
    view = opened.args["view"]
    [menu] = [block["element"] for block in view["blocks"] if block.get("block_id") == "partners"]
    assert menu["type"] == "multi_external_select"
    assert menu["action_id"] == "partnerops.partners.find" and "options" not in menu

    response = await bot.slack_post(block_suggestion(
        menu["action_id"], "partners", "partner 11", view=view))
    assert response.status == 200
    found = [(option["text"]["text"], option["value"])
             for option in (await response.json())["options"]]
    assert [label for label, _ in found] == [f"Partner {n}" for n in range(110, 120)]

    answer = await bot.slack_post(view_submission(
        view["callback_id"], fill(view, {
            "name": "Big list", "kind": "checkin", "report_channel": "C0REPORT",
            "participants": ["U0001"], "days": ["mon"], "local_time": "09:00",
            "close_time": "17:00", "reminder_minutes": "0", "skip_weekends": True,
            "partners": [found[0][1], found[-1][1]]}),
        private_metadata=view["private_metadata"]))
    assert answer.status == 200 and "errors" not in (await answer.text())
    [row] = [row for row in await bot.export("cadences") if row["name"] == "Big list"]
    assert row["partners"] == ["Partner 110", "Partner 119"]
