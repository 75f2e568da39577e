"""The dashboard in a real browser: Debian's headless Chromium, driven by Selenium through
Debian's chromedriver. Signs in through the link from chat, opens every page, checks that
every chart loaded (its image has a size) and that the console stayed clean, and that a
partner contact's link opens none of the team's pages. Skips where Chromium is missing;
.ci/run installs it."""

from __future__ import annotations

import asyncio
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import RunningBot
from tests.e2e.test_dashboard import TEAM_PAGES, sign_in_path
from tests.e2e.test_slack_partners import _objective, _say

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
pytestmark = [
    pytest.mark.skipif(not (Path(CHROMIUM).exists() and shutil.which(CHROMEDRIVER)),
                       reason="no Chromium here: apt-get install chromium chromium-driver "
                              "(.ci/run does)"),
    pytest.mark.heavy,
]


def _browser(profile: Path) -> Any:
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    # The closed network refuses Chromium's own background calls: keep them off, or the
    # console fills with errors that are not ours.
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def _errors(driver: Any) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE"]


def _sign_in(driver: Any, link: str, lands_on: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    driver.delete_all_cookies()
    driver.get(link)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    # The click returns before the POST and its redirects land: wait for the page after.
    WebDriverWait(driver, 20).until(lambda browser: browser.current_url == lands_on)


def _team_visit(driver: Any, base: str, link: str) -> dict[str, int]:
    """Every page through its menu link; how many charts each drew."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    _sign_in(driver, link, f"{base}/dashboard/partners")
    menu = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "nav a")]
    assert [href.rsplit("/", 1)[-1] for href in menu] == list(TEAM_PAGES)
    charts = {}
    for href in menu:
        driver.get(href)
        assert driver.find_element(By.TAG_NAME, "h1").text
        images = driver.find_elements(By.CSS_SELECTOR, "figure.chart img")
        for image in images:
            assert int(image.get_property("naturalWidth")) == 640, href
            assert int(image.get_property("naturalHeight")) == 320, href
            assert image.get_attribute("alt")  # the numbers, for screen readers
        charts[href.rsplit("/", 1)[-1]] = len(images)
    # Sorting works without JavaScript: a header link.
    driver.get(f"{base}/dashboard/partners")
    driver.find_element(By.LINK_TEXT, "Health, last check-ins").click()
    WebDriverWait(driver, 20).until(lambda browser: browser.current_url.endswith("?sort=health"))
    return charts


def _partner_visit(driver: Any, base: str, link: str) -> list[str]:
    from selenium.webdriver.common.by import By

    _sign_in(driver, link, f"{base}/dashboard/partner")
    refused = []
    for slug in TEAM_PAGES:
        driver.get(f"{base}/dashboard/{slug}")
        refused.append(driver.find_element(By.TAG_NAME, "h1").text)
    return refused


async def test_the_dashboard_in_chromium(bot: RunningBot, tmp_path: Path):
    bot.slack.add_user("U0003", name="pat", real_name="Pat Price", email="pat@northwind.test")
    await _say(bot, "add Northwind type VAR tier Gold")
    await _say(bot, "contact add Northwind <@U0003|pat>")
    await _objective(bot, f"add Northwind Certify 3 engineers by {date(2026, 12, 15)}")
    base = str(bot.client.make_url("")).rstrip("/")
    team_link = base + await sign_in_path(bot)
    partner_link = base + await sign_in_path(bot, "U0003", "pat")

    driver = await asyncio.to_thread(_browser, tmp_path / "chromium")
    try:
        charts = await asyncio.to_thread(_team_visit, driver, base, team_link)
        assert charts["objectives"] >= 1 and charts["herd"] >= 1
        refused = await asyncio.to_thread(_partner_visit, driver, base, partner_link)
        # The 403 answers are the server's own pages; the console logs their status.
        errors = [error for error in await asyncio.to_thread(_errors, driver)
                  if "403" not in error]
    finally:
        await asyncio.to_thread(driver.quit)
    assert refused == ["Not for you"] * len(TEAM_PAGES)
    assert errors == []
