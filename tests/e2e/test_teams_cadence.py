"""A standup over real Teams HTTP: set up from an Adaptive Card form in a channel, prompted in
each person's 1:1 chat, answered in the channel thread, a reminder only for the silent, and
the parent message closed with who answered.

Teams has no ephemeral messages and no modals here: the setup form is a card in the channel
thread where it was asked for, answers go back as Action.Submit messages, and a private
answer goes to the person's 1:1 chat with the bot.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import select

from schedules.run_due import run_due
from storage.cadences import repository as cadences
from storage.cadences.models import Occurrence
from storage.common import people, workspaces
from storage.ledger.models import Delivery
from tests.e2e.conftest import RunningBot
from tests.fakes import teams_activities
from tests.fakes.teams_activities import CHANNEL_ID, Sender
from tests.fakes.teams_forms import actions, card_of, facts, inputs, submit_value, texts

Args = dict[str, Any]

# Monday 23 November 2026. Ana is in Berlin, Bob in New York (their Teams clients say so).
BOTH_OPEN = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # 15:00 Berlin, 09:00 New York
ANA_ANSWERS = datetime(2026, 11, 23, 14, 20, tzinfo=UTC)
JUST_BEFORE_REMINDER = datetime(2026, 11, 23, 14, 59, tzinfo=UTC)
BOBS_REMINDER = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 60 minutes after his prompt
CLOSE = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)  # 17:00 in New York, the last to close

ANA: Sender = {"user_id": "29:ana", "user_name": "Ana", "aad_object_id": "aad-ana",
               "timezone": "Europe/Berlin", "conversation_id": "a:ana-1on1"}
BOB: Sender = {"user_id": "29:bob", "user_name": "Bob", "aad_object_id": "aad-bob",
               "timezone": "America/New_York", "conversation_id": "a:bob-1on1"}
# Where the admin typed `standup setup`: a new post in the channel, i.e. its own thread.
SETUP_THREAD = f"{CHANNEL_ID};messageid=1700000000000"
IN_CHANNEL: Sender = {"conversation_id": SETUP_THREAD, "conversation_type": "channel"}
TENANT = teams_activities.DEFAULTS["tenant_id"]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
QUESTIONS = ["What moved with your partners?", "What is blocked?"]


async def _post(bot: RunningBot, activity: Args) -> None:
    response = await bot.teams_post(activity)
    assert response.status == 200, await response.text()


def _calls(bot: RunningBot, name: str, conversation: str) -> list[Args]:
    """The connector calls named `name` (send, reply, update) into one conversation."""
    return [call.args for call in bot.connector.of(name)
            if call.args["_conversation_id"] == conversation]


async def _run(bot: RunningBot, instant: datetime) -> None:
    bot.application.clock.set(instant)  # type: ignore[attr-defined]
    for _ in range(2):  # twice: nothing may go out twice
        await run_due(bot.application.services, instant)


async def _introduce(bot: RunningBot) -> None:
    """Ana (the first user, so the admin) and Bob each write to the bot once in a 1:1 chat."""
    url = bot.connector.url
    await _post(bot, teams_activities.message("partnerops whoami", service_url=url,
                                              activity_id="hello-ana", **ANA))
    await _post(bot, teams_activities.message("partnerops whoami", service_url=url,
                                              activity_id="hello-bob", **BOB))
    bot.connector.log.clear()


async def _open_setup_form(bot: RunningBot) -> Args:
    """Ana mentions the bot in the channel; the form comes back as a card in that thread."""
    await _post(bot, teams_activities.channel_mention_message(
        "standup setup", service_url=bot.connector.url, activity_id="setup-1",
        **{**ANA, **IN_CHANNEL}))
    [form] = bot.connector.calls  # nothing else: not the 1:1 chat, not a new channel post
    assert form.method == "reply" and form.args["_conversation_id"] == SETUP_THREAD
    assert form.args["_activity_id"] == "setup-1"
    return card_of(form)


async def _submit_setup(bot: RunningBot, card: Args, people: list[str]) -> None:
    value = submit_value(card, {
        "name": "Partner team", "report_channel": "here", "participants": people,
        "days": WEEKDAYS, "local_time": "09:00", "close_time": "17:00",
        "reminder_minutes": "60", "skip_weekends": True, "questions": "\n".join(QUESTIONS),
    })
    await _post(bot, teams_activities.card_submit(
        value, service_url=bot.connector.url, activity_id="setup-2", reply_to_id="setup-card",
        **{**ANA, **IN_CHANNEL}))


async def _people(bot: RunningBot) -> dict[str, Args]:
    return {row["teams_user_id"]: row for row in await bot.export("people")}


async def _tenant(bot: RunningBot) -> int:
    """The workspace of the Teams tenant every activity here comes from."""
    async with bot.application.database.session() as session:
        workspace = await workspaces.by_external_id(session, "teams", TENANT)
    assert workspace is not None and workspace.id is not None
    return workspace.id


async def _occurrence(bot: RunningBot) -> Occurrence:
    async with bot.application.database.session() as session:
        [occurrence] = (await session.exec(select(Occurrence))).all()
    return occurrence


async def _prompt_id(bot: RunningBot, occurrence: Occurrence, user_id: str) -> str:
    """The activity id of a person's prompt card, as the delivery ledger recorded it."""
    async with bot.application.database.session() as session:
        rows = (await session.exec(select(Delivery).where(
            Delivery.kind == "prompt", Delivery.scope == f"occurrence:{occurrence.id}",
            Delivery.conversation_id == user_id))).all()
    [row] = rows
    assert row.message_id
    return row.message_id


async def test_standup_from_the_setup_card_to_the_close(bot: RunningBot):
    connector = bot.connector
    await _introduce(bot)
    known = await _people(bot)
    assert known["29:ana"]["role"] == "admin" and known["29:bob"]["role"] == "member"
    assert known["29:ana"]["timezone"] == "Europe/Berlin"
    assert known["29:bob"]["timezone"] == "America/New_York"

    # 1. Setup: the form is a card in the channel thread; the people picker answers with
    # Microsoft Entra object ids, which the bot maps to the people it has met.
    card = await _open_setup_form(bot)
    assert inputs(card)["participants"]["choices.data"]["dataset"] == "graph.microsoft.com/users"
    await _submit_setup(bot, card, ["aad-ana", "aad-bob"])
    [notice] = _calls(bot, "send", CHANNEL_ID)  # the channel itself, not the setup thread
    assert "Partner team" in notice["text"]
    [summary] = _calls(bot, "send", "a:ana-1on1")  # private: Ana's 1:1 chat
    assert facts(card_of(summary))["Participants"] == "2 people"
    assert len(_calls(bot, "reply", SETUP_THREAD)) == 1  # only the form: the rest is private
    tenant = await _tenant(bot)
    async with bot.application.database.session() as session:
        cadence = await cadences.by_name(session, tenant, "Partner team")
        assert cadence is not None
        named = await cadences.participants(session, cadence.id or 0)
        members = await people.members(session, [person.id or 0 for person in named], "teams")
    assert len(members) == len(named)
    assert sorted(member.user_id for member in members) == ["29:ana", "29:bob"]
    assert set(await _people(bot)) == {"29:ana", "29:bob"}  # no one made up from an AAD id
    connector.log.clear()

    # 2. Both windows open: a prompt card in each 1:1 chat, one parent card in the channel.
    await _run(bot, BOTH_OPEN)
    [anas_prompt] = _calls(bot, "send", "a:ana-1on1")
    [bobs_prompt] = _calls(bot, "send", "a:bob-1on1")
    [parent] = _calls(bot, "send", CHANNEL_ID)
    assert len(connector.calls) == 3, [str(call) for call in connector.calls]
    assert anas_prompt["recipient"]["id"] == "29:ana" and bobs_prompt["recipient"]["id"] == "29:bob"
    for prompt in (anas_prompt, bobs_prompt):
        prompt_card = card_of(prompt)
        assert any("Open until 17:00" in text for text in texts(prompt_card))  # local close
        assert texts(prompt_card)[0] == "Partner team: Mon 23 Nov 2026"
        assert list(actions(prompt_card)) == ["Answer", "Skip today"]
    assert facts(card_of(parent)) == {"Answered": "nobody", "Waiting for": "Ana, Bob"}
    occurrence = await _occurrence(bot)
    parent_id = occurrence.report_message_id
    assert parent_id
    connector.log.clear()

    # 3. Ana presses Answer in her chat, gets the form there, and posts her answers.
    bot.application.clock.set(ANA_ANSWERS)  # type: ignore[attr-defined]
    press = submit_value(card_of(anas_prompt), action="Answer")
    await _post(bot, teams_activities.card_submit(
        press, service_url=connector.url, activity_id="press-1",
        reply_to_id=await _prompt_id(bot, occurrence, "29:ana"), **ANA))
    [form] = _calls(bot, "reply", "a:ana-1on1")
    assert form["_activity_id"] == "press-1"
    answer_form = card_of(form)
    assert [element["label"] for element in inputs(answer_form).values()] == QUESTIONS
    filled = submit_value(answer_form, dict(zip(inputs(answer_form),
                                                ["Northwind signed the renewal",
                                                 "Waiting on MDF approval"], strict=True)))
    await _post(bot, teams_activities.card_submit(
        filled, service_url=connector.url, activity_id="answer-1", reply_to_id="form-card",
        **ANA))

    thread = f"{CHANNEL_ID};messageid={parent_id}"
    [reply] = _calls(bot, "reply", thread)  # under the parent, in the channel's thread
    assert reply["_activity_id"] == parent_id and reply["replyToId"] == parent_id
    assert facts(card_of(reply)) == {QUESTIONS[0]: "Northwind signed the renewal",
                                     QUESTIONS[1]: "Waiting on MDF approval"}
    [update] = _calls(bot, "update", CHANNEL_ID)
    assert update["_activity_id"] == parent_id
    assert facts(card_of(update)) == {"Answered": "Ana", "Waiting for": "Bob"}
    [_, thanks] = _calls(bot, "reply", "a:ana-1on1")
    assert thanks["_activity_id"] == "answer-1" and "Thanks, posted" in thanks["text"]
    assert connector.of("send") == []
    connector.log.clear()

    # 4. The reminder: to Bob only, and not a minute before his 60 minutes are up.
    await _run(bot, JUST_BEFORE_REMINDER)
    assert connector.calls == []
    await _run(bot, BOBS_REMINDER)
    [reminder] = connector.calls
    assert reminder.method == "send" and reminder.args["_conversation_id"] == "a:bob-1on1"
    assert texts(card_of(reminder))[0] == "Reminder: Partner team"
    connector.log.clear()

    # 5. The close: the parent shows who answered and who did not, once.
    await _run(bot, CLOSE)
    [closing] = connector.calls
    assert closing.method == "update" and closing.args["_conversation_id"] == CHANNEL_ID
    assert closing.args["_activity_id"] == parent_id
    closed = card_of(closing)
    assert facts(closed) == {"Answered": "Ana", "Did not answer": "Bob"}
    assert any("closed" in text for text in texts(closed))
    await _run(bot, CLOSE)
    assert len(connector.calls) == 1


async def test_a_picked_person_the_bot_never_met_is_refused_and_nothing_is_saved(
        bot: RunningBot):
    await _introduce(bot)
    card = await _open_setup_form(bot)
    bot.connector.log.clear()

    await _submit_setup(bot, card, ["aad-ana", "aad-carol"])  # Carol never wrote to the bot

    # The form comes back privately, in Ana's 1:1 chat, as she filled it in, and the problem
    # stands under the field it is about.
    [refusal] = bot.connector.calls
    assert refusal.method == "send" and refusal.args["_conversation_id"] == "a:ana-1on1"
    again = card_of(refusal)
    assert "fix what is marked" in refusal.args["summary"]
    fields = inputs(again)
    assert fields["name"]["value"] == "Partner team"
    assert fields["participants"]["value"] == "aad-ana,aad-carol"
    assert fields["local_time"]["value"] == "09:00"
    body = again["body"]
    under = body[body.index(fields["participants"]) + 1]
    assert under["type"] == "TextBlock" and under["color"] == "Attention"
    assert "I don't know someone you picked yet" in under["text"]
    assert "partnerops whoami" in under["text"]
    tenant = await _tenant(bot)
    async with bot.application.database.session() as session:
        assert await cadences.by_name(session, tenant, "Partner team") is None
    assert set(await _people(bot)) == {"29:ana", "29:bob"}


async def test_every_bad_field_is_marked_at_once_and_the_corrected_card_saves(bot: RunningBot):
    await _introduce(bot)
    card = await _open_setup_form(bot)
    bot.connector.log.clear()
    value = submit_value(card, {
        "name": "Partner team", "report_channel": "here", "participants": ["aad-ana"],
        "days": WEEKDAYS, "local_time": "25:00", "reminder_minutes": "1h",
        "questions": "\n".join(QUESTIONS)})
    await _post(bot, teams_activities.card_submit(
        value, service_url=bot.connector.url, activity_id="setup-2", reply_to_id="setup-card",
        **{**ANA, **IN_CHANNEL}))

    [refusal] = bot.connector.calls
    again = card_of(refusal)
    marked = [element["text"] for element in again["body"]
              if element.get("color") == "Attention"]
    assert len(marked) == 3  # the banner, then one line under each bad field
    assert "'25:00' is not a time of day" in marked[1] and "'1h'" in marked[2]
    assert inputs(again)["questions"]["value"] == "\n".join(QUESTIONS)
    tenant = await _tenant(bot)
    async with bot.application.database.session() as session:
        assert await cadences.by_name(session, tenant, "Partner team") is None

    bot.connector.log.clear()
    fixed = submit_value(again, {"local_time": "09:00", "reminder_minutes": "60"})
    await _post(bot, teams_activities.card_submit(
        fixed, service_url=bot.connector.url, activity_id="setup-3", reply_to_id="again",
        **ANA))
    async with bot.application.database.session() as session:
        saved = await cadences.by_name(session, tenant, "Partner team")
    # `here` still means the channel the form was opened in, though it was fixed in a 1:1.
    assert saved is not None and saved.report_channel_id == CHANNEL_ID


async def test_typed_questions_are_a_choice_set_and_a_number_box_on_the_card(bot: RunningBot):
    await _introduce(bot)
    card = await _open_setup_form(bot)
    value = submit_value(card, {
        "name": "Partner team", "report_channel": "here", "participants": ["aad-ana"],
        "days": WEEKDAYS, "local_time": "09:00", "close_time": "17:00",
        "questions": "Health? [green|amber|red]\nDemos this week? [number]"})
    await _post(bot, teams_activities.card_submit(
        value, service_url=bot.connector.url, activity_id="setup-2", reply_to_id="setup-card",
        **{**ANA, **IN_CHANNEL}))
    bot.connector.log.clear()
    await _run(bot, BOTH_OPEN)
    [prompt] = _calls(bot, "send", "a:ana-1on1")
    occurrence = await _occurrence(bot)
    bot.connector.log.clear()
    await _post(bot, teams_activities.card_submit(
        submit_value(card_of(prompt), action="Answer"), service_url=bot.connector.url,
        activity_id="press-1", reply_to_id=await _prompt_id(bot, occurrence, "29:ana"), **ANA))
    [form] = _calls(bot, "reply", "a:ana-1on1")
    fields = inputs(card_of(form))
    health, demos = fields.values()
    assert health["type"] == "Input.ChoiceSet" and health["label"] == "Health?"
    assert [choice["value"] for choice in health["choices"]] == ["green", "amber", "red"]
    assert demos["type"] == "Input.Number" and demos["label"] == "Demos this week?"

    # A client that lets text through a number box gets the card back, as typed.
    bot.connector.log.clear()
    sent = {**submit_value(card_of(form), {health["id"]: "amber"}), demos["id"]: "three"}
    await _post(bot, teams_activities.card_submit(
        sent, service_url=bot.connector.url, activity_id="answer-1", reply_to_id="form",
        **ANA))
    [again] = _calls(bot, "reply", "a:ana-1on1")
    marked = [element["text"] for element in card_of(again)["body"]
              if element.get("color") == "Attention"]
    assert "'three' is not a number" in marked[1]
    assert inputs(card_of(again))[health["id"]]["value"] == "amber"

    bot.connector.log.clear()
    await _post(bot, teams_activities.card_submit(
        submit_value(card_of(again), {demos["id"]: "4"}), service_url=bot.connector.url,
        activity_id="answer-2", reply_to_id="again", **ANA))
    [reply] = [call.args for call in bot.connector.of("reply")
               if call.args["_conversation_id"].startswith(CHANNEL_ID)]
    assert facts(card_of(reply)) == {"Health?": "🟠 Amber", "Demos this week?": "4"}


def _mentioning(activity: Args, who: Sender) -> Args:
    """`activity` with an @mention of `who`, as Teams writes one into a message."""
    shown = f"<at>{who['user_name']}</at>"
    mention = {"type": "mention", "text": shown,
               "mentioned": {"id": who["user_id"], "name": who["user_name"]}}
    return {**activity, "text": activity["text"].replace(f"@{who['user_name']}", shown),
            "entities": [*activity["entities"], mention]}


async def test_run_add_remove_and_tz_from_a_team_channel(bot: RunningBot):
    await _introduce(bot)
    card = await _open_setup_form(bot)
    await _submit_setup(bot, card, ["aad-ana"])
    url = bot.connector.url

    async def in_channel(text: str, activity_id: str) -> str:
        """Ana @mentions the bot in the channel; what the bot told her (privately)."""
        bot.connector.log.clear()
        activity = teams_activities.channel_mention_message(
            text, service_url=url, activity_id=activity_id, **{**ANA, **IN_CHANNEL})
        if "@Bob" in text:
            activity = _mentioning(activity, BOB)
        await _post(bot, activity)
        said = [call.args.get("text") or "" for call in bot.connector.calls
                if call.args["_conversation_id"] == "a:ana-1on1"]
        assert said, [str(call) for call in bot.connector.calls]
        return said[-1]

    assert "Added Bob to Partner team" in await in_channel("standup add Partner team @Bob",
                                                           "add-1")
    bot.application.clock.set(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    said = await in_channel("standup run Partner team", "run-1")
    assert said.startswith("Sent Partner team to 2 people now.")
    prompted = sorted(call.args["_conversation_id"] for call in bot.connector.of("send")
                      if call.args["_conversation_id"] in ("a:ana-1on1", "a:bob-1on1")
                      and call.args.get("attachments"))
    assert prompted == ["a:ana-1on1", "a:bob-1on1"]  # in each personal chat, not the channel
    assert "already" in (await in_channel("standup run Partner team", "run-2")).lower()
    assert "Removed Bob from Partner team" in await in_channel(
        "standup remove Partner team @Bob", "remove-1")

    bot.connector.log.clear()
    await _post(bot, teams_activities.message("partnerops tz Asia/Tokyo", service_url=url,
                                              activity_id="tz-1", **ANA))
    [answer] = _calls(bot, "reply", "a:ana-1on1")
    assert "Asia/Tokyo (you chose it)" in answer["text"]


async def test_every_two_weeks_from_the_setup_card(bot: RunningBot):
    """`Repeats` on the card: "every 2 weeks from 2026-11-23" on Mondays prompts on the 23rd
    and 7 December, not the 30th; the summary card says so and names the next run."""
    await _introduce(bot)
    bot.application.clock.set(datetime(2026, 11, 20, 12, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    card = await _open_setup_form(bot)
    assert inputs(card)["schedule"]["type"] == "Input.Text"
    assert inputs(card)["schedule"]["value"] == "weekly"
    bot.connector.log.clear()
    value = submit_value(card, {
        "name": "Pipeline", "report_channel": "here", "participants": ["aad-ana"],
        "schedule": "Every 2 weeks from 2026-11-23", "days": ["mon"], "local_time": "09:00",
        "close_time": "17:00", "skip_weekends": True})
    await _post(bot, teams_activities.card_submit(
        value, service_url=bot.connector.url, activity_id="setup-2", reply_to_id="setup-card",
        **{**ANA, **IN_CHANNEL}))
    [summary] = _calls(bot, "send", "a:ana-1on1")
    shown = facts(card_of(summary))
    assert shown["Schedule"].startswith("every 2 weeks from 2026-11-23 on mon at 09:00")
    assert shown["Next"].startswith("Mon 23 Nov 2026 at 09:00")

    def prompts() -> int:
        return sum(1 for call in _calls(bot, "send", "a:ana-1on1")
                   if "Time for" in str(call.get("attachments")))

    for monday, expected in ((23, 1), (30, 1), (7, 2)):
        month = 12 if monday == 7 else 11
        await _run(bot, datetime(2026, month, monday, 9, 0, tzinfo=UTC))  # 10:00 in Berlin
        assert prompts() == expected, f"after Monday {monday}"


async def test_the_edit_card_names_the_channel_it_holds(bot: RunningBot):
    await _introduce(bot)
    await _submit_setup(bot, await _open_setup_form(bot), ["aad-ana"])
    bot.connector.log.clear()
    await _post(bot, teams_activities.channel_mention_message(
        "standup edit Partner team", service_url=bot.connector.url, activity_id="edit-1",
        **{**ANA, **IN_CHANNEL}))
    [form] = bot.connector.calls
    choices = inputs(card_of(form))["report_channel"]["choices"]
    assert [choice["title"] for choice in choices] == ["General", "This conversation"]
    assert choices[0]["value"] == CHANNEL_ID
