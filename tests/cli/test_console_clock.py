"""The console's simulated clock drives run-due: moving it shows the prompts that fall due."""

from __future__ import annotations

import io
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import serve
from bot.app import build_application
from bot.core.clock import SimulatedClock
from bot.settings import Settings
from storage.engine import Database
from tests.schedules.conftest import make_cadence

MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


async def _console(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                   capsys: pytest.CaptureFixture[str], *lines: str) -> list[str]:
    """Run `partnerops console --at 2026-11-23T08:00` on `lines`; what each clock move printed."""
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    await serve.run_console(settings, user="ana", start=MONDAY.isoformat())
    printed = capsys.readouterr().out
    # Each clock move prints a note starting with "*"; cut the transcript there.
    return [chunk for chunk in printed.split("\n* ") if chunk.strip()]


@pytest.fixture
def migrated(tmp_path: Path, sqlite_template: Path) -> Path:
    """The console's database, already at head (migrating one costs seconds)."""
    shutil.copyfile(sqlite_template, tmp_path / "c.db")
    return tmp_path / "c.db"


@pytest.fixture
async def standup(tmp_path: Path, migrated: Path) -> None:
    """A console standup at 09:00 UTC for ana, with a 30-minute reminder."""
    database = Database.from_url(f"sqlite+aiosqlite:///{migrated}")
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    application = build_application(settings, clock=SimulatedClock(MONDAY), database=database)
    await make_cadence(application, zones={"ana": "UTC"}, now=MONDAY, reminder_minutes=30)
    await application.close()


async def test_the_prompt_appears_when_the_clock_reaches_it(
        standup: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]):
    before, at_nine = await _console(tmp_path, monkeypatch, capsys,
                                     ":at 2026-11-23T08:59", ":advance 1m")
    assert before.startswith("* Clock set. Now Mon 2026-11-23 08:59 UTC")
    assert "bot:" not in before
    assert at_nine.startswith("Advanced 1m. Now Mon 2026-11-23 09:00 UTC")
    assert "[dm-ana] bot: Channel standup: Mon 23 Nov 2026" in at_nine
    assert "Time for your standup" in at_nine and "[Answer] (:press 1)" in at_nine


async def test_a_day_moved_on_shows_its_reminder_close_and_the_next_prompt(
        standup: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]):
    at_nine, next_day = await _console(tmp_path, monkeypatch, capsys,
                                          ":at 2026-11-23T09:00", ":advance 1d")
    assert at_nine.count("Time for your standup") == 1
    assert next_day.index("Reminder: Channel standup") \
        < next_day.index("Did not answer: Ana") \
        < next_day.index("Channel standup: Tue 24 Nov 2026")
    assert next_day.count("Time for your standup") == 1


async def test_moving_the_clock_back_sends_nothing_twice(
        standup: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]):
    first, back, again = await _console(tmp_path, monkeypatch, capsys,
                                           ":at 2026-11-23T09:00", ":at 2026-11-23T08:00",
                                           ":at 2026-11-23T09:05")
    assert "Time for your standup" in first
    assert "bot:" not in back and "bot:" not in again


async def test_now_shows_the_zone_prompts_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]):
    """A zone chosen with `partnerops tz` is the one `:now` shows, not the console's."""
    said = await _console(tmp_path, monkeypatch, capsys, "partnerops tz Asia/Tokyo", ":now")
    assert "for ana (Asia/Tokyo, chosen with partnerops tz) it is Mon 2026-11-23 17:00 JST" \
        in said[-1]


async def test_tz_moves_the_next_prompt_before_anything_is_typed(
        standup: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]):
    """`:tz` is learned at once, as a profile change: the prompt comes at 09:00 in Tokyo
    (00:00 UTC), not at 09:00 UTC, without ana typing to the bot first."""
    changed, now, evening, midnight = await _console(
        tmp_path, monkeypatch, capsys, ":tz Asia/Tokyo", ":now", ":at 2026-11-23T23:59",
        ":advance 1m")
    assert changed.startswith("* ana's time zone is now Asia/Tokyo. Now Mon 2026-11-23 08:00 UTC;"
                              " for ana (Asia/Tokyo) it is Mon 2026-11-23 17:00 JST.")
    assert now.startswith("Now Mon 2026-11-23 08:00 UTC; for ana (Asia/Tokyo, set with :tz) "
                          "it is Mon 2026-11-23 17:00 JST.")
    assert "bot:" not in evening  # 09:00 UTC is no longer her morning
    assert midnight.startswith("Advanced 1m. Now Tue 2026-11-24 00:00 UTC; for ana "
                               "(Asia/Tokyo) it is Tue 2026-11-24 09:00 JST.")
    assert midnight.count("Time for your standup") == 1


async def test_now_names_each_cadence_that_asks_in_its_own_zone(
        tmp_path: Path, migrated: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]):
    """ana has no zone: Daily standup asks her at its New York time; a paused cadence, one
    she is not in, and one in her own zone are not named."""
    database = Database.from_url(f"sqlite+aiosqlite:///{migrated}")
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    application = build_application(settings, clock=SimulatedClock(MONDAY), database=database)
    nobody = {"ana": None}
    await make_cadence(application, zones=nobody, now=MONDAY,  # type: ignore[arg-type]
                       name="Daily standup", timezone="America/New_York")
    await make_cadence(application, zones=nobody, now=MONDAY,  # type: ignore[arg-type]
                       name="Paused standup", timezone="Asia/Tokyo", paused=True)
    await make_cadence(application, zones=nobody, now=MONDAY,  # type: ignore[arg-type]
                       name="UTC standup", timezone="UTC")
    await make_cadence(application, zones={"bob": None},  # type: ignore[dict-item]
                       now=MONDAY, name="Bob's standup", timezone="Europe/Berlin")
    await application.close()

    [said] = await _console(tmp_path, monkeypatch, capsys, ":now", "partnerops whoami")
    now, *whoami = said.splitlines()
    assert now == ("* Now Mon 2026-11-23 08:00 UTC; ana's time zone is UTC (the workspace "
                   "default); Daily standup asks ana at America/New_York time (its zone for "
                   "people without one).")
    assert whoami[3:5] == [
        "  Time zone: UTC (the workspace default)",
        "             Daily standup asks you at America/New_York time (its zone for people "
        "without one)"]


async def test_typed_questions_are_menus_and_numbers_in_the_console(
        tmp_path: Path, migrated: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]):
    database = Database.from_url(f"sqlite+aiosqlite:///{migrated}")
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    application = build_application(settings, clock=SimulatedClock(MONDAY), database=database)
    await make_cadence(application, zones={"ana": "UTC"}, now=MONDAY, questions=[
        "Health? [green|amber|red]", "Demos this week? [number]", "Blocked? [yes|no]"])
    await application.close()

    [answered] = await _console(tmp_path, monkeypatch, capsys, ":at 2026-11-23T09:00",
                                ":press 1", "purple", "amber", "three", "4", "n",
                                "standup report")
    assert "[1/3] Health? (optional: Enter skips)\n    1. 🟢 Green\n    2. 🟠 Amber\n" \
           "    3. 🔴 Red\n  ! 'purple' is not one of the options for Health?" in answered
    assert "[2/3] Demos this week? (a number, such as 3 or 2.5" in answered
    assert "! 'three' is not a number; type digits such as 3 or 2.5." in answered
    assert "[3/3] Blocked? (optional: Enter skips)\n    1. Yes\n    2. No\n" in answered
    posted, report = answered.split("Thanks, posted to #standups.")
    assert "  Health?           🟠 Amber\n" in posted and "  Blocked?          No\n" in posted
    assert "  Health?           amber 1\n" in report
    assert "  Demos this week?  total 4 · average 4 · 1 answer\n" in report
    assert "  • Health? 🟠 Amber\n  • Demos this week? 4\n" in report


async def test_a_quarterly_schedule_set_up_in_the_console_skips_a_holiday(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """"quarterly on the last friday" with US holidays: 25 December is Christmas, so the
    next run is 26 March; the clock moved there shows one prompt, and none on the 25th."""
    [setup, christmas, _, march, _] = await _console(
        tmp_path, monkeypatch, capsys,
        "standup setup", "Board prep", "#standups", "ana", "",
        "monthly", "quarterly on the last friday",  # the first is refused and asked again
        "", "", "", "", "0", "", "", "US",
        ":at 2026-12-25T09:00", ":at 2027-03-26T09:00")
    assert "[5/13] Repeats (Enter keeps 'weekly', '-' clears it)" in setup
    assert "! Say which day of the month; use monthly on the 15th, monthly on the first " \
           "monday or monthly on the last weekday." in setup
    assert setup.count("[5/13] Repeats") == 2 and "[6/13] Days" in setup
    assert "quarterly on the last friday at 09:00, closes 17:00" in setup
    assert "Fri 26 Mar 2027 at 09:00" in setup
    assert christmas.startswith("Clock set. Now Fri 2026-12-25") and "bot:" not in christmas
    assert march.startswith("Clock set. Now Fri 2027-03-26")
    assert march.count("Time for your standup") == 1
    assert "ooo until 2027-04-09" in march  # an example date that is not in the past
