"""A standup over real Slack HTTP: set up in a modal, prompted by DM, answered in the thread,
a reminder only for the silent, and the parent message closed with who answered."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from schedules.run_due import run_due
from tests.e2e.conftest import RunningBot
from tests.fakes.slack_modal import fill
from tests.fakes.slack_requests import block_actions, slash_command, view_submission

# Monday 23 November 2026. Ana is in Berlin, Bob in New York (their Slack profiles say so).
BOTH_OPEN = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # 15:00 Berlin, 09:00 New York
BOBS_REMINDER = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 60 minutes after his prompt
CLOSE = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)  # 17:00 in New York, the last to close
REPORT = "C0REPORT"


async def _run(bot: RunningBot, instant: datetime) -> None:
    bot.application.clock.set(instant)  # type: ignore[attr-defined]
    for _ in range(2):  # twice: nothing may go out twice
        await run_due(bot.application.services, instant)


def _calls(bot: RunningBot, method: str, **match: str) -> list[dict]:
    return [call.args for call in bot.slack.of(method)
            if all(call.args.get(key) == value for key, value in match.items())]


async def _submit(bot: RunningBot, view: dict, answers: dict, user_id: str = "U0001") -> dict:
    response = await bot.slack_post(view_submission(
        view["callback_id"], fill(view, answers), user_id=user_id,
        private_metadata=view["private_metadata"]))
    assert response.status == 200
    body = await response.text()
    return json.loads(body) if body else {}


async def _set_up(bot: RunningBot) -> None:
    await bot.slack_post(slash_command("/standup", "setup", trigger_id="t-setup",
                                       response_url=bot.slack.response_url("setup")))
    [opened] = await bot.slack.wait_for("views.open")
    answer = await _submit(bot, opened.args["view"], {
        "name": "Partner team", "report_channel": REPORT, "participants": ["U0001", "U0002"],
        "days": ["mon", "tue", "wed", "thu", "fri"], "local_time": "09:00",
        "close_time": "17:00", "reminder_minutes": "60", "skip_weekends": True,
        "questions": "What moved with your partners?\nWhat is blocked?",
    })
    assert answer.get("response_action") != "errors", answer
    await bot.slack.wait_for("chat.postEphemeral")  # the private summary


async def test_standup_from_setup_to_close(bot: RunningBot):
    await _set_up(bot)
    [notice] = _calls(bot, "chat.postMessage", channel=REPORT)
    assert "Partner team" in notice["text"]

    await _run(bot, BOTH_OPEN)
    prompts = [args for args in bot.slack.of("chat.postMessage")
               if args.args["channel"] in ("U0001", "U0002")]
    assert sorted(p.args["channel"] for p in prompts) == ["U0001", "U0002"]
    parents = _calls(bot, "chat.postMessage", channel=REPORT)
    assert len(parents) == 2  # the setup notice and the one parent of Monday
    assert "Waiting for" in json.dumps(parents[1]["blocks"])
    bobs_prompt = next(p.args for p in prompts if p.args["channel"] == "U0002")
    assert "Open until 17:00" in json.dumps(bobs_prompt["blocks"])  # his New York close

    anas_prompt = next(p.args for p in prompts if p.args["channel"] == "U0001")
    answer_button = next(element for block in anas_prompt["blocks"]
                         if block["type"] == "actions" for element in block["elements"]
                         if element["action_id"] == "partnerops.cadence.answer")
    await bot.slack_post(block_actions(
        "partnerops.cadence.answer", answer_button["value"], user_id="U0001",
        channel_id="D0001", trigger_id="t-answer", response_url=bot.slack.response_url("a")))
    opened = await bot.slack.wait_for("views.open", count=2)
    form = opened[1].args["view"]
    fields = [block["block_id"] for block in form["blocks"] if block["type"] == "input"]
    assert len(fields) == 2
    await _submit(bot, form, {fields[0]: "Northwind signed the renewal",
                              fields[1]: "Waiting on MDF approval"})

    [reply] = [args for args in _calls(bot, "chat.postMessage", channel=REPORT)
               if args.get("thread_ts")]
    assert "Northwind signed the renewal" in json.dumps(reply["blocks"])
    updates = await bot.slack.wait_for("chat.update")
    assert all(update.args["ts"] == reply["thread_ts"] for update in updates)
    assert "Answered" in json.dumps(updates[-1].args["blocks"])

    await _run(bot, BOBS_REMINDER)
    reminders = [args for args in bot.slack.of("chat.postMessage")
                 if "Reminder" in args.args["text"]]
    assert [args.args["channel"] for args in reminders] == ["U0002"]

    await _run(bot, CLOSE)
    closing = bot.slack.of("chat.update")[-1].args
    text = json.dumps(closing["blocks"])
    assert closing["ts"] == reply["thread_ts"]
    assert "Did not answer" in text and "closed" in text
    final_posts = len(bot.slack.of("chat.postMessage"))
    await _run(bot, CLOSE)
    assert len(bot.slack.of("chat.postMessage")) == final_posts


async def test_commands_quoted_in_answers_are_written_as_slack_types_them(bot: RunningBot):
    """Handlers quote commands platform-neutrally (`standup back`); Slack people read the
    slash command, and in Teams and the console the plain words stay as they are."""
    await bot.slack_post(slash_command("/standup", "",
                                       response_url=bot.slack.response_url("bare")))
    [answer] = await bot.slack.wait_for("response_url")
    assert "Set one up with `/standup setup`" in answer.args["text"]
    assert "`standup setup`" not in answer.args["text"]


async def test_run_add_remove_and_tz_over_slack(bot: RunningBot):
    await _set_up(bot)
    bot.application.clock.set(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))  # type: ignore[attr-defined]

    async def command(name: str, text: str) -> str:
        token = f"r{len(bot.slack.calls)}"
        # Counted before posting: under load the answer can land before the post returns.
        answered = len(bot.slack.of("response_url"))
        await bot.slack_post(slash_command(name, text, response_url=bot.slack.response_url(token)))
        for call in await bot.slack.wait_for("response_url", count=answered + 1):
            if call.args["_token"] == token:
                return call.args["text"]
        raise AssertionError(f"no answer to {name} {text}")

    assert "Removed bob from Partner team" in await command(
        "/standup", "remove Partner team <@U0002|bob>")
    assert "Added bob to Partner team" in await command(
        "/standup", "add Partner team <@U0002|bob>")
    said = await command("/standup", "run Partner team")
    assert said.startswith("Sent Partner team to 2 people now.")
    dms = sorted(call.args["channel"] for call in bot.slack.of("chat.postMessage")
                 if call.args["channel"] in ("U0001", "U0002"))
    assert dms == ["U0001", "U0002"]
    assert "Asia/Tokyo (you chose it)" in await command("/partnerops", "tz Asia/Tokyo")


TYPED = ("What moved?\nHealth? [Green|Amber|Red]\nDemos this week? [number]\n"
         "Blocked? [yes/no]")


async def _answer_form(bot: RunningBot, user_id: str) -> dict:
    """Press the Answer button of `user_id`'s prompt; the modal that opens."""
    prompt = next(call.args for call in bot.slack.of("chat.postMessage")
                  if call.args["channel"] == user_id)
    button = next(element for block in prompt["blocks"] if block["type"] == "actions"
                  for element in block["elements"]
                  if element["action_id"] == "partnerops.cadence.answer")
    opened = len(bot.slack.of("views.open"))
    await bot.slack_post(block_actions(
        "partnerops.cadence.answer", button["value"], user_id=user_id,
        channel_id=f"D{user_id}", trigger_id=f"t-{user_id}",
        response_url=bot.slack.response_url(f"a-{user_id}")))
    views = await bot.slack.wait_for("views.open", count=opened + 1)
    return views[-1].args["view"]


async def test_typed_questions_from_the_modal_to_the_report(bot: RunningBot):
    await bot.slack_post(slash_command("/standup", "setup", trigger_id="t-setup",
                                       response_url=bot.slack.response_url("setup")))
    [opened] = await bot.slack.wait_for("views.open")
    setup = {"name": "Partner team", "report_channel": REPORT,
             "participants": ["U0001", "U0002"], "days": ["mon", "tue", "wed", "thu", "fri"],
             "local_time": "09:00", "close_time": "17:00", "skip_weekends": True,
             "questions": "What moved?\nHealth? [green|amber"}
    refused = await _submit(bot, opened.args["view"], setup)
    assert refused["response_action"] == "errors"
    assert "opens a [ it never closes" in refused["errors"]["questions"]
    assert "Health? [green|amber|red]" in refused["errors"]["questions"]
    assert (await _submit(bot, opened.args["view"], {**setup, "questions": TYPED})) == {}
    await _run(bot, BOTH_OPEN)

    # Each type is its own input: text, a health menu, a number box, a yes/no menu.
    form = await _answer_form(bot, "U0001")
    inputs = [block for block in form["blocks"] if block["type"] == "input"]
    assert [block["label"]["text"] for block in inputs] == \
        ["What moved?", "Health?", "Demos this week?", "Blocked?"]
    assert [block["element"]["type"] for block in inputs] == \
        ["plain_text_input", "static_select", "number_input", "static_select"]
    assert [option["value"] for option in inputs[1]["element"]["options"]] == \
        ["green", "amber", "red"]
    assert inputs[2]["element"]["is_decimal_allowed"] is True
    ids = [block["block_id"] for block in inputs]
    assert await _submit(bot, form, dict(zip(ids, ["Signed Northwind", "green", "3", "no"],
                                             strict=True))) == {}
    bobs = await _answer_form(bot, "U0002")
    assert await _submit(bot, bobs, dict(zip(ids, ["", "red", "2", "yes"], strict=True)),
                         user_id="U0002") == {}

    replies = [args for args in _calls(bot, "chat.postMessage", channel=REPORT)
               if args.get("thread_ts")]
    assert "🟢 Green" in json.dumps(replies[0]["blocks"], ensure_ascii=False)
    await bot.slack_post(slash_command("/standup", "report Partner team",
                                       response_url=bot.slack.response_url("report")))
    [report] = await bot.slack.wait_for("response_url")
    shown = json.dumps(report.args["blocks"], ensure_ascii=False)
    assert "green 1 · red 1" in shown
    assert "total 5 · average 2.5 · 2 answers" in shown
    assert "yes 1 · no 1" in shown
    [exported] = [row for row in await bot.export("answers") if row["person"] == "ana"]
    assert exported["answers"][1:] == [
        {"question": "Health?", "type": "health", "value": "green"},
        {"question": "Demos this week?", "type": "number", "value": 3},
        {"question": "Blocked?", "type": "yes_no", "value": False}]


async def test_a_monthly_schedule_from_the_modal_runs_on_its_day_and_no_other(bot: RunningBot):
    """`Repeats` in the modal: bad words refused beside the field (with the other bad field,
    at once), then "monthly on the last Monday" prompts on 30 November and not a week
    before."""
    bot.application.clock.set(datetime(2026, 11, 20, 12, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    await bot.slack_post(slash_command("/standup", "setup", trigger_id="t-setup",
                                       response_url=bot.slack.response_url("setup")))
    [opened] = await bot.slack.wait_for("views.open")
    view = opened.args["view"]
    [repeats] = [block for block in view["blocks"] if block.get("block_id") == "schedule"]
    assert repeats["element"]["type"] == "plain_text_input"
    assert repeats["element"]["initial_value"] == "weekly"
    setup = {"name": "Month end", "report_channel": REPORT, "participants": ["U0001", "U0002"],
             "local_time": "25:00", "close_time": "17:00", "skip_weekends": True,
             "schedule": "monthly on the 32nd"}
    refused = await _submit(bot, view, setup)
    assert refused["response_action"] == "errors"
    assert set(refused["errors"]) == {"schedule", "local_time"}
    assert "days 1 to 31" in refused["errors"]["schedule"]
    assert "monthly on the last weekday" in refused["errors"]["schedule"]  # examples
    assert await _submit(bot, view, {**setup, "local_time": "09:00",
                                      "schedule": "Monthly on the last Monday"}) == {}
    [summary] = await bot.slack.wait_for("chat.postEphemeral")
    shown = json.dumps(summary.args["blocks"])
    assert "monthly on the last monday at 09:00" in shown
    assert "Mon 30 Nov 2026 at 09:00" in shown  # the next run, in Ana's Berlin time

    await _run(bot, BOTH_OPEN)  # Monday 23 November: not the last Monday
    assert _calls(bot, "chat.postMessage", channel="U0001") == []
    await _run(bot, datetime(2026, 11, 30, 14, 0, tzinfo=UTC))
    assert [len(_calls(bot, "chat.postMessage", channel=user)) for user in ("U0001", "U0002")] \
        == [1, 1]
