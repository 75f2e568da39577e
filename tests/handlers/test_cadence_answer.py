"""Answering: the Answer button and `/standup` open the form; the answer is one thread reply."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.core.conversation import Platform
from bot.core.forms import FieldKind
from bot.core.responses import Reply
from handlers.cadences.answer_post import answer_key
from handlers.cadences.cards import answer_value
from handlers.cadences.ids import CadenceAction, CadenceForm
from schedules.run_due import run_due
from storage.cadences import repository as cadences
from storage.cadences.models import AnswerStatus, Occurrence
from tests.handlers.cadence_team import REPORTS, Directory, Team, form_of, text_of

MONDAY = date(2026, 11, 23)
CLOSE = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)


async def open_day(team: Team, name: str = "Daily", **setup: object) -> Occurrence:
    await team.set_up(name=name, **setup)
    return await team.occurrence(name, MONDAY, CLOSE)


async def answer(team: Team, user: str, occurrence: Occurrence, *texts: str):
    form = form_of(await team.press(user, CadenceAction.ANSWER,
                                    answer_value(occurrence.id or 0)))
    values = {item.id: text for item, text in zip(form.fields, texts, strict=False)}
    return form, await team.submit(user, form, values)


async def test_the_answer_button_opens_one_field_per_question(team: Team):
    day = await open_day(team, questions="Yesterday?\nToday?")
    form = form_of(await team.press("bob", CadenceAction.ANSWER, answer_value(day.id or 0)))
    assert form.id is CadenceForm.ANSWER
    assert [(item.label, item.kind) for item in form.fields] == [
        ("Yesterday?", FieldKind.MULTILINE), ("Today?", FieldKind.MULTILINE)]
    assert all(item.initial is None for item in form.fields)
    assert form.context == {"occurrence": str(day.id), "partner": ""}


async def test_an_answer_is_a_thread_reply_under_the_one_parent(team: Team):
    day = await open_day(team, questions="Yesterday?\nToday?")
    _, reply = await answer(team, "bob", day, "Shipped the renewal", "Partner QBR")
    assert text_of(reply) == f"Thanks, posted to #{REPORTS}."
    notice, parent, thread_reply = team.outbox.to(REPORTS)
    assert "now receives" in notice.text and parent.thread is None
    assert "Daily: Mon 23 Nov 2026" in parent.text
    assert thread_reply.thread == parent.message
    assert thread_reply.key == answer_key(day.id or 0, (await team.person("bob")).id or 0, "")
    assert "Yesterday? Shipped the renewal" in thread_reply.text  # no "?:"
    [stored] = await team.answers(day)
    assert stored.status is AnswerStatus.ANSWERED
    assert stored.answers == ["Shipped the renewal", "Partner QBR"]
    assert stored.reply_message_id == thread_reply.message.id
    assert (await team.reload(day)).report_message_id == parent.message.id
    assert "Answered: Bob" in team.outbox.updates[-1].text  # the parent shows who answered
    assert team.outbox.updates[-1].message == parent.message

    _, second = await answer(team, "ana", day, "Hiring", "")
    assert text_of(second).startswith("Thanks")
    replies = [posted for posted in team.outbox.to(REPORTS) if posted.thread is not None]
    assert [posted.thread for posted in replies] == [parent.message, parent.message]
    assert len([posted for posted in team.outbox.to(REPORTS) if posted.thread is None]) == 2


async def test_editing_before_close_updates_the_same_reply(team: Team):
    day = await open_day(team, questions="Yesterday?\nToday?")
    await answer(team, "bob", day, "First try", "QBR")
    posts_before = len(team.outbox.posts)
    form, reply = await answer(team, "bob", day, "Second try", "QBR")
    assert [item.initial for item in form.fields] == ["First try", "QBR"]
    assert form.submit_label == "Update"
    assert text_of(reply).startswith("Thanks, posted")
    assert len(team.outbox.posts) == posts_before
    [stored] = await team.answers(day)
    edited = [update for update in team.outbox.updates
              if update.message.id == stored.reply_message_id]
    assert len(edited) == 1 and "Second try" in edited[0].text


async def test_after_close_nothing_can_be_answered_or_changed(team: Team):
    day = await open_day(team)
    form, _ = await answer(team, "bob", day, "On time")
    team.clock.advance(timedelta(hours=8, minutes=1))  # 17:01, past the close
    pressed = await team.press("bob", CadenceAction.ANSWER, answer_value(day.id or 0))
    assert "closed at 17:00" in text_of(pressed)
    posts, updates = len(team.outbox.posts), len(team.outbox.updates)
    late = await team.submit("bob", form, {"q0": "Too late"})
    assert "closed" in text_of(late) and "no longer" in text_of(late)
    [stored] = await team.answers(day)
    assert stored.answers[0] == "On time"
    assert (len(team.outbox.posts), len(team.outbox.updates)) == (posts, updates)


async def test_only_participants_may_answer_and_at_least_one_answer_is_needed(team: Team):
    day = await open_day(team)
    stranger = await team.press("carol", CadenceAction.ANSWER, answer_value(day.id or 0))
    assert "don't take part in Daily" in text_of(stranger)
    form = form_of(await team.press("bob", CadenceAction.ANSWER, answer_value(day.id or 0)))
    forged = await team.submit("carol", form, {"q0": "Hi"})
    assert "don't take part" in text_of(forged)
    empty = await team.submit("bob", form, {"q0": "  ", "q1": ""})
    assert isinstance(empty, Reply) and list(empty.field_errors) == ["q0"]
    assert await team.answers(day) == []
    broken = await team.press("bob", CadenceAction.ANSWER, "nonsense")
    assert "older version" in text_of(broken)


async def test_a_post_that_fails_keeps_the_answer_and_the_next_edit_posts_it(team: Team):
    day = await open_day(team)
    team.outbox.refuse.add(REPORTS)
    _, reply = await answer(team, "bob", day, "Saved anyway")
    assert "saved, but I couldn't post" in text_of(reply)
    assert [answer.status for answer in await team.answers(day)] == [AnswerStatus.ANSWERED]
    team.outbox.refuse.clear()
    _, retry = await answer(team, "bob", day, "Saved anyway, posted now")
    assert text_of(retry).startswith("Thanks, posted")
    [thread_reply] = [posted for posted in team.outbox.to(REPORTS) if posted.thread]
    assert "posted now" in thread_reply.text


async def test_the_skip_button_records_a_skip_and_updates_the_parent(team: Team):
    day = await open_day(team)
    await answer(team, "ana", day, "Done")  # the parent exists now
    reply = await team.press("bob", CadenceAction.SKIP, str(day.id))
    assert "Skipped Daily for Mon 23 Nov 2026" in text_of(reply)
    statuses = {answer.person_id: answer.status for answer in await team.answers(day)}
    assert statuses[(await team.person("bob")).id] is AnswerStatus.SKIPPED
    assert "Skipped: Bob" in team.outbox.updates[-1].text
    again = await team.press("ana", CadenceAction.SKIP, str(day.id))
    assert "already answered" in text_of(again)
    team.clock.advance(timedelta(hours=9))
    assert "closed" in text_of(await team.press("bob", CadenceAction.SKIP, str(day.id)))


async def test_bare_standup_answers_the_open_occurrence(team: Team):
    await team.set_up()
    none_open = await team.command("bob", "standup")
    assert "No standup is open for you right now" in text_of(none_open)
    assert "Daily: mon,tue,wed,thu,fri at 09:00" in text_of(none_open)
    assert "next Mon 23 Nov 2026 at 09:00" in text_of(none_open)  # when it comes
    assert "don't take part in any standup" in text_of(await team.command("carol", "standup"))
    day = await team.occurrence("Daily", MONDAY, CLOSE)
    form = form_of(await team.command("bob", "standup"))
    assert form.context == {"occurrence": str(day.id), "partner": ""}
    assert text_of(await team.submit("bob", form, {"q0": "Typed"})).startswith("Thanks")
    assert "not something I can do" in text_of(await team.command("bob", "standup dance"))
    team.clock.advance(timedelta(hours=8))
    assert "No standup is open" in text_of(await team.command("bob", "standup"))


async def test_a_checkin_asks_about_each_partner_separately(team: Team):
    await team.set_up(command="checkin", name="Partners", kind="checkin",
                      partners="Northwind\nContoso", questions="Health?")
    day = await team.occurrence("Partners", MONDAY, CLOSE)
    northwind, contoso = await team.partner_id("Northwind"), await team.partner_id("Contoso")
    form = form_of(await team.command("bob", "checkin"))
    assert (form.title, form.context["partner"]) == ("Northwind", str(northwind))
    await team.submit("bob", form, {"q0": "green"})
    form = form_of(await team.command("bob", "checkin"))  # the next partner not yet answered
    assert (form.title, form.context["partner"]) == ("Contoso", str(contoso))
    await team.submit("bob", form, {"q0": "amber"})
    replies = [posted for posted in team.outbox.to(REPORTS) if posted.thread]
    assert [r.card.title for r in replies] == ["Bob about Northwind", "Bob about Contoso"]
    assert {(answer.partner_id, answer.subject) for answer in await team.answers(day)} == \
        {(northwind, "Northwind"), (contoso, "Contoso")}
    stale = await team.press("bob", CadenceAction.ANSWER, answer_value(day.id or 0, 9999))
    assert "Partners no longer asks you about that partner" in text_of(stale)
    # A button sent before partners were kept by row points by place: still the right one.
    legacy = form_of(await team.press("bob", CadenceAction.ANSWER, f"{day.id}:1"))
    assert (legacy.title, legacy.context["partner"]) == ("Contoso", str(contoso))


class ChannelMembers:
    """The team's directory as the ChannelDirectory port asks it: by channel and workspace."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        self.asked: list[tuple[str, str]] = []

    async def members(self, conversation_id: str, workspace: str = "") -> list[str]:
        self.asked.append((conversation_id, workspace))
        return list(self.directory.members_of.get(conversation_id, []))

    async def name(self, conversation_id: str, workspace: str = "") -> str:
        return await self.directory.name(conversation_id, workspace)


async def test_participants_from_a_channel_take_part(team: Team):
    channels = ChannelMembers(team.directory)
    team.application.add_platform(Platform.CONSOLE, team.outbox, channels=channels)
    team.directory.members_of["sales"] = ["carol", "dave"]
    day = await open_day(team, participants=[], participant_channel="sales")
    _, reply = await answer(team, "carol", day, "From the channel")
    assert text_of(reply).startswith("Thanks, posted")
    assert "don't take part" in text_of(await team.press("bob", CadenceAction.ANSWER,
                                                         answer_value(day.id or 0)))
    assert ("sales", "") in channels.asked  # the console's workspace, by its own id


async def test_editing_the_partner_list_mid_day_never_mixes_answers(team: Team):
    await team.set_up(command="checkin", name="Partners", kind="checkin",
                      partners="Northwind\nContoso", questions="Health?")
    day = await team.occurrence("Partners", MONDAY, CLOSE)
    northwind = form_of(await team.command("bob", "checkin"))
    await team.submit("bob", northwind, {"q0": "green"})
    contoso = form_of(await team.command("bob", "checkin"))
    assert contoso.title == "Contoso"
    cadence = await team.cadence("Partners")
    async with team.application.database.session() as session:
        # Northwind dropped while the form was open
        await cadences.set_partners(session, cadence.id or 0, [await team.partner_id("Contoso")])
    await team.submit("bob", contoso, {"q0": "amber"})
    replies = [posted for posted in team.outbox.to(REPORTS) if posted.thread]
    assert [r.card.title for r in replies] == ["Bob about Northwind", "Bob about Contoso"]
    assert not [u for u in team.outbox.updates if "Contoso" in u.text and u.message ==
                replies[0].message]  # Northwind's reply was not overwritten
    answers = {a.subject: a.answers for a in await team.answers(day)}
    assert answers == {"Northwind": ["green"], "Contoso": ["amber"]}


async def test_after_one_partner_the_rest_are_named_and_answered_by_name(team: Team):
    await team.set_up(command="checkin", name="Partners", kind="checkin",
                      partners="Northwind\nContoso Ltd", questions="Health? [green|amber|red]")
    await team.occurrence("Partners", MONDAY, CLOSE)
    first = form_of(await team.command("bob", "checkin"))
    said = text_of(await team.submit("bob", first, {"q0": "green"}))
    assert said.endswith("Still to answer: Contoso Ltd (`checkin Contoso Ltd`).")
    named = form_of(await team.command("bob", "checkin “contoso ltd”"))
    assert named.title == "Contoso Ltd"
    last = text_of(await team.submit("bob", named, {"q0": "amber"}))
    assert last.endswith("That was the last of your 2 partners today.")
    unknown = text_of(await team.command("bob", "checkin Fabrikam"))
    assert "No open check-in asks you about 'Fabrikam'. Open now: Contoso Ltd, Northwind." \
        in unknown


async def test_a_check_in_partly_answered_is_still_reminded(team: Team):
    await team.set_up(command="checkin", name="Partners", kind="checkin", participants=["bob"],
                      partners="Northwind\nContoso Ltd", questions="Health? [green|amber|red]",
                      reminder_minutes="60")
    nine = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    await run_due(team.application.services, nine)
    first = form_of(await team.command("bob", "checkin Northwind"))
    await team.submit("bob", first, {"q0": "green"})
    await run_due(team.application.services, nine + timedelta(hours=1))
    reminders = [sent.text for sent in team.outbox.posts
                 if sent.to.id == "bob" and "Reminder" in sent.text]
    assert len(reminders) == 1
