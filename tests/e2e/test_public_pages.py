"""/, /privacy and /terms: the pages the Teams app package links to, served by the bot."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import RunningBot


@pytest.mark.parametrize(("path", "says"), [
    ("/", ["PartnerOps: the bot's server", "<code>help</code>", 'href="/privacy"',
           'href="/terms"']),
    ("/privacy", ["PartnerOps: Privacy", "Anonymous reports", "e-mail",
                  "24 hours", "90 days"]),
    ("/terms", ["PartnerOps: Terms of use", "Apache License 2.0", 'href="/privacy"']),
])
async def test_the_pages_the_teams_package_links_to_are_served(bot: RunningBot, path: str,
                                                               says: list[str]):
    response = await bot.client.get(path)
    assert response.status == 200
    assert response.content_type == "text/html" and response.charset == "utf-8"
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    page = await response.text()
    assert page.startswith("<!doctype html>")
    for text in says:
        assert text in page
    assert "{name}" not in page
    head = await bot.client.head(path)
    assert head.status == 200
