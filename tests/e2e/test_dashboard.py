"""The read-only dashboard over real HTTP: a single-use link from Slack, a signed cookie,
every page escaped and locked down by its CSP, and a partner contact kept to their own
partner."""

from __future__ import annotations

import re

from tests.e2e.conftest import RunningBot
from tests.e2e.test_slack_partners import _command, _objective, _say

LINK = re.compile(r"https?://[^/\s]+(/dashboard/signin/[A-Za-z0-9_-]+)")
TEAM_PAGES = ("partners", "objectives", "participation", "herd", "campaigns")


async def sign_in_path(bot: RunningBot, user: str = "U0001", name: str = "ana") -> str:
    """Asked in a channel, the link comes in a direct message, never in the channel."""
    posted = len(bot.slack.of("chat.postMessage"))
    said = await _command(bot, "/partnerops", "dashboard", user=user, name=name)
    assert "I sent you the dashboard link in our direct messages" in said
    [direct] = (await bot.slack.wait_for("chat.postMessage", count=posted + 1))[posted:]
    assert direct.args["channel"] == user  # the app's DM with them
    found = LINK.search(direct.args["text"])
    assert found, direct.args
    return found.group(1)


async def signed_in(bot: RunningBot, path: str) -> None:
    """Opens the link, then presses its button: the POST spends it and sets the cookie."""
    bot.client.session.cookie_jar.clear()
    page = await bot.client.get(path)
    assert page.status == 200 and "Open the dashboard" in await page.text()
    spent = await bot.client.post(path, allow_redirects=False)
    assert spent.status == 303 and spent.headers["Location"] == "/dashboard"
    assert "HttpOnly" in spent.headers["Set-Cookie"]
    assert "SameSite=Lax" in spent.headers["Set-Cookie"]


async def test_a_member_signs_in_once_and_sees_every_team_page(bot: RunningBot):
    await _say(bot, 'add "<script>alert(1)</script> Traders" type VAR tier Gold')
    await _say(bot, "add Contoso type MSP")
    await _objective(bot, "add Contoso Certify 3 engineers by 2026-12-15")
    assert (await bot.client.get("/dashboard")).status == 401  # never anonymous
    path = await sign_in_path(bot)
    await signed_in(bot, path)
    home = await bot.client.get("/dashboard", allow_redirects=False)
    assert home.status == 303 and home.headers["Location"] == "/dashboard/partners"
    for slug in TEAM_PAGES:
        page = await bot.client.get(f"/dashboard/{slug}")
        assert page.status == 200, slug
        csp = page.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp  # no script at all
        assert page.headers["Cache-Control"] == "no-store"
        html = await page.text()
        assert "<script" not in html
    partners_page = await (await bot.client.get("/dashboard/partners")).text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Traders" in partners_page
    assert "Contoso" in partners_page and 'href="?sort=class"' in partners_page
    objectives = await (await bot.client.get("/dashboard/objectives")).text()
    assert "<img src=\"data:image/png;base64," in objectives
    # The link was spent: a second press, or a stranger who got it, signs nobody in.
    bot.client.session.cookie_jar.clear()
    assert (await bot.client.post(path, allow_redirects=False)).status == 410
    assert (await bot.client.get(path)).status == 410
    assert (await bot.client.get("/dashboard/partners")).status == 401
    forged = await bot.client.get("/dashboard/partners",
                                  cookies={"partnerops_dashboard": "[1, 1]"})
    assert forged.status == 401
    # The router's own answers carry the headers too.
    for method, path, status in (("GET", "/dashboard/a/b", 404), ("POST", "/dashboard/herd", 405)):
        answer = await bot.client.request(method, path)
        assert answer.status == status and "default-src 'none'" in answer.headers[
            "Content-Security-Policy"]


async def test_signing_out_ends_the_session_for_every_copy_of_the_cookie(bot: RunningBot):
    await signed_in(bot, await sign_in_path(bot))
    [cookie] = [c for c in bot.client.session.cookie_jar if c.key == "partnerops_dashboard"]
    copy = {"partnerops_dashboard": cookie.value}
    assert (await bot.client.get("/dashboard/partners")).status == 200
    assert (await bot.client.post("/dashboard/signout")).status == 200
    bot.client.session.cookie_jar.clear()
    assert (await bot.client.get("/dashboard/partners", cookies=copy)).status == 401


async def test_sorting_puts_the_partners_that_need_a_look_first(bot: RunningBot):
    for name in ("Alpha", "Beta"):
        await _say(bot, f"add {name} type VAR")
    await signed_in(bot, await sign_in_path(bot))
    by_name = await (await bot.client.get("/dashboard/partners?sort=-name")).text()
    assert by_name.index("Beta") < by_name.index("Alpha")
    odd = await bot.client.get("/dashboard/partners?sort=nonsense")
    assert odd.status == 200  # an unknown column sorts by nothing, never fails


async def test_a_partner_contact_sees_their_partner_only(bot: RunningBot):
    bot.slack.add_user("U0003", name="pat", real_name="Pat Price", email="pat@northwind.test")
    await _say(bot, "add Northwind type VAR")
    await _say(bot, "add Contoso type MSP")
    await _say(bot, "contact add Northwind <@U0003|pat>")
    await signed_in(bot, await sign_in_path(bot, "U0003", "pat"))
    home = await bot.client.get("/dashboard", allow_redirects=False)
    assert home.headers["Location"] == "/dashboard/partner"
    own = await (await bot.client.get("/dashboard/partner")).text()
    assert "Northwind" in own and "Contoso" not in own
    assert "Class" not in own and "Health" not in own  # nothing internal
    for slug in TEAM_PAGES:
        assert (await bot.client.get(f"/dashboard/{slug}")).status == 403, slug
    assert (await bot.client.get("/dashboard/nope")).status == 404
