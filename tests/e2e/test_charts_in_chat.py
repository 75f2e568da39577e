"""Reports carry their charts where people are: Slack uploads a private answer's charts into
the person's direct messages (an ephemeral message holds no files); Teams puts them in the
card, inline while they fit and as a link the bot serves after that (through the real
store and the real route)."""

from __future__ import annotations

import json

from bot.core.cards import Card, Picture
from bot.core.charts import Chart, ChartKind, Series, Tone
from bot.platforms.teams.outbox import INLINE_CHART_MAX, inline_charts
from tests.e2e.conftest import RunningBot
from tests.e2e.test_slack_partners import _command, _objective, _say
from tests.e2e.test_teams_cadence import ANA, _introduce
from tests.e2e.test_teams_partners import _said


async def test_slack_private_reports_upload_their_charts_to_the_direct_messages(
        bot: RunningBot):
    await _say(bot, "add Northwind type VAR")
    await _objective(bot, "add Northwind Certify 3 engineers by 2026-12-15")
    await _objective(bot, "done O-1")
    for command, text, titles in (
            ("/objective", "review 2026-Q4", ["Objectives by partner"]),
            # No check-in asked about it yet: no health strip, the quarters only.
            ("/partner", "show Northwind", ["Northwind: objectives met per quarter"]),
            ("/elephant", "digest", ["Open elephants and hours lost per week, 8 weeks"])):
        uploaded = len(bot.slack.of("files.completeUploadExternal"))
        answer = await _command(bot, command, text)
        assert titles[0] in answer  # the numbers, in the answer itself
        done = await bot.slack.wait_for("files.completeUploadExternal",
                                        count=uploaded + len(titles))
        fresh = done[uploaded:]
        assert [call.args["files"][0]["title"] for call in fresh] == titles
        assert {call.args["channel_id"] for call in fresh} == {"DU0001"}  # ana's DM


async def test_teams_reports_carry_images_inline_then_by_link(bot: RunningBot):
    await _introduce(bot)
    await _said(bot, ANA, "partner add Northwind type MSP")
    await _said(bot, ANA, "objective add Northwind Certify 3 engineers by 2026-12-15")
    review = json.loads(await _said(bot, ANA, "objective review 2026-Q4"))
    images = [element for element in review["attachments"][0]["content"]["body"]
              if element["type"] == "Image"]
    assert [image["url"][:22] for image in images] == ["data:image/png;base64,"]
    assert images[0]["altText"].startswith("Objectives by partner\n- Northwind:")


async def test_teams_charts_beyond_the_cards_room_are_links_the_bot_serves(bot: RunningBot):
    charts = tuple(Chart(ChartKind.BARS, f"Chart {n}", tuple(f"Partner {i}" for i in range(12)),
                         (Series("met", tuple(float(i % 5) for i in range(12)), Tone.GOOD),))
                   for n in range(4))
    card = Card("Many charts", blocks=tuple(Picture(chart) for chart in charts))
    drawn = await inline_charts(card, bot.application.installations, "tenant-1")
    inline = [url for url in drawn.values() if url.startswith("data:image/png;base64,")]
    linked = [url for url in drawn.values() if "/charts/" in url]
    assert len(drawn) == 4 and inline and linked  # the first fit, the rest are linked
    assert sum(len(url) for url in inline) <= INLINE_CHART_MAX + 22 * len(inline)
    for url in linked:
        assert url.startswith("http://localhost:3978/charts/")  # PUBLIC_URL's default
        served = await bot.client.get(url[url.index("/charts/"):])
        assert served.status == 200 and served.content_type == "image/png"
        assert (await served.read()).startswith(b"\x89PNG")
    assert (await bot.client.get("/charts/not-a-token.png")).status == 404
