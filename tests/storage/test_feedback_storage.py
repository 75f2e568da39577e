"""Feedback campaigns' storage on SQLite and PostgreSQL: numbered per workspace, a thread
message stored once however often (and however concurrently) it is delivered, a form
answer replaced rather than doubled, a close made once, the export's rows and anonymity, and
the summary's counts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from storage.common import people, workspaces
from storage.common.models import Partner, Role
from storage.engine import Database
from storage.feedback import repository as campaigns
from storage.feedback import tally
from storage.feedback.export import FEEDBACK_COLUMNS, feedback_rows
from storage.feedback.models import AudienceKind, CampaignPartner, FeedbackReply, ReplySource
from storage.feedback.repository import NewCampaign

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
AT_ONCE = 6


async def _campaign(database: Database, *, anonymous: bool = False) -> tuple[int, int, int]:
    """(workspace id, campaign id, the contact's person id) of a campaign asking Northwind."""
    async with database.session() as session:
        workspace = await workspaces.for_external_id(session, "slack", "T1", now=NOW)
        partner = Partner(workspace_id=workspace.id or 0, name="Northwind",
                          name_key="northwind", created_at=NOW)
        session.add(partner)
        await session.flush()
        pat, _ = await people.get_or_create(session, workspace.id or 0, "slack", "U3", now=NOW,
                                            display_name="Pat")
        pat.partner_id, pat.role = partner.id, Role.PARTNER_CONTACT
        session.add(pat)
        first = await campaigns.create(session, workspace.id or 0, NewCampaign(
            "Summit", ["Topics?", "Format? [labs|keynotes]"], AudienceKind.ALL, "", anonymous,
            None, {"platform": "slack", "id": "C1", "kind": "channel"},
            NOW + timedelta(days=7)), [partner.id or 0], NOW)
        second = await campaigns.create(session, workspace.id or 0, NewCampaign(
            "Again", ["Topics?"], AudienceKind.ALL, "", anonymous, None, {},
            NOW + timedelta(days=7)), [partner.id or 0], NOW)
        assert (first.short_id, second.short_id) == ("F-1", "F-2")
        return workspace.id or 0, first.id or 0, pat.id or 0


def _reply(workspace_id: int, campaign_id: int, person_id: int, **values: object
           ) -> FeedbackReply:
    return FeedbackReply(**{"campaign_id": campaign_id, "workspace_id": workspace_id,
                            "person_id": person_id, "platform": "slack",
                            "source": ReplySource.THREAD, "created_at": NOW, **values})


async def test_a_thread_message_delivered_at_once_many_times_is_one_reply(database: Database):
    workspace_id, campaign_id, pat = await _campaign(database)

    async def deliver() -> bool:
        async with database.session() as session:
            return await campaigns.add_thread_reply(session, _reply(
                workspace_id, campaign_id, pat, text="Labs", message_id="1.2"))

    added = await asyncio.gather(*(deliver() for _ in range(AT_ONCE)))
    assert added.count(True) == 1
    async with database.session() as session:
        assert await campaigns.edit_thread_reply(session, campaign_id, "slack", "1.2",
                                                 "More labs", NOW)
        assert await campaigns.withdraw_thread_reply(session, campaign_id, "slack", "1.2", NOW)
        assert not await campaigns.edit_thread_reply(session, campaign_id, "slack", "1.2",
                                                     "Too late", NOW)
        assert await campaigns.replies(session, campaign_id) == []
        [kept] = await campaigns.replies(session, campaign_id, withdrawn=True)
    assert kept.text == "More labs"


async def test_answering_the_form_again_replaces_each_answer(database: Database):
    workspace_id, campaign_id, pat = await _campaign(database)
    template = _reply(workspace_id, campaign_id, pat, source=ReplySource.FORM)
    async with database.session() as session:
        await campaigns.save_form_answers(session, template, [(0, "Topics?", "Pricing"),
                                                              (1, "Format?", "labs")])
    async with database.session() as session:
        await campaigns.save_form_answers(session, template, [(1, "Format?", "keynotes")])
        stored = await campaigns.replies(session, campaign_id)
    assert [(reply.question_index, reply.text) for reply in stored] == \
        [(0, "Pricing"), (1, "keynotes")]


async def test_a_campaign_closes_once(database: Database):
    _, campaign_id, _ = await _campaign(database)

    async def close() -> bool:
        async with database.session() as session:
            return await campaigns.close(session, campaign_id, NOW)

    assert (await asyncio.gather(*(close() for _ in range(AT_ONCE)))).count(True) == 1
    async with database.session() as session:
        owed = await campaigns.with_due_work(session, NOW - timedelta(days=2))
        gone = await campaigns.with_due_work(session, NOW + timedelta(days=1))
    assert campaign_id in {item.id for item in owed}  # its summary may still be owed
    assert campaign_id not in {item.id for item in gone}


async def test_the_export_names_nobody_of_an_anonymous_campaign(database: Database):
    workspace_id, campaign_id, pat = await _campaign(database, anonymous=True)
    async with database.session() as session:
        await campaigns.add_thread_reply(session, _reply(
            workspace_id, campaign_id, pat, text="Labs", message_id="1.2", partner_id=None))
        hidden = await feedback_rows(session, workspace_id)
        owners = await feedback_rows(session, workspace_id, campaign_id=campaign_id,
                                     names=True)
    assert [(row["campaign"], row["person"], row["text"]) for row in hidden] == \
        [("F-1", "", "Labs")]
    assert owners[0]["person"] == "Pat"


async def test_the_export_rows_hold_every_column_as_written(database: Database):
    """Every column of every kind of reply (a form answer edited, a thread reply withdrawn,
    an internal one, one with no partner), named and anonymous, pinned."""
    workspace_id, campaign_id, pat = await _campaign(database, anonymous=True)
    async with database.session() as session:
        ana, _ = await people.get_or_create(session, workspace_id, "slack", "U1", now=NOW,
                                            display_name="Ana")
        partner_id = (await people.get(session, pat)).partner_id  # type: ignore[union-attr]
        await campaigns.save_form_answers(
            session, _reply(workspace_id, campaign_id, pat, source=ReplySource.FORM,
                            partner_id=partner_id),
            [(0, "Topics?", "Pricing"), (1, "Format? [labs|keynotes]", "labs")])
        await campaigns.add_thread_reply(session, _reply(
            workspace_id, campaign_id, pat, text="Labs, please", message_id="1.2",
            partner_id=partner_id))
        await campaigns.add_thread_reply(session, _reply(
            workspace_id, campaign_id, ana.id or 0, text="Awards", message_id="1.3",
            internal=True, platform="teams"))
        await campaigns.add_thread_reply(session, _reply(
            workspace_id, campaign_id, pat, text="Oops", message_id="1.4",
            partner_id=partner_id))
    later = NOW + timedelta(hours=2)
    async with database.session() as session:
        await campaigns.save_form_answers(
            session, _reply(workspace_id, campaign_id, pat, source=ReplySource.FORM,
                            partner_id=partner_id, created_at=later),
            [(1, "Format? [labs|keynotes]", "keynotes")])
        assert await campaigns.withdraw_thread_reply(session, campaign_id, "slack", "1.4",
                                                     later)
    async with database.session() as session:
        hidden = await feedback_rows(session, workspace_id)
        named = await feedback_rows(session, None, campaign_id=campaign_id, names=True)
        other = await feedback_rows(session, workspace_id + 1)
    at, edited = NOW.isoformat(), later.isoformat()
    common = {"campaign": "F-1", "workspace": "T1", "internal": False, "platform": "slack"}
    assert named == [
        {**common, "question": "Topics?", "person": "Pat", "partner": "Northwind",
         "source": "form", "text": "Pricing", "message_id": "", "answered_at": at,
         "edited_at": "", "withdrawn_at": ""},
        {**common, "question": "Format? [labs|keynotes]", "person": "Pat",
         "partner": "Northwind", "source": "form", "text": "keynotes", "message_id": "",
         "answered_at": at, "edited_at": edited, "withdrawn_at": ""},
        {**common, "question": "", "person": "Pat", "partner": "Northwind",
         "source": "thread", "text": "Labs, please", "message_id": "1.2", "answered_at": at,
         "edited_at": "", "withdrawn_at": ""},
        {**common, "question": "", "person": "Ana", "partner": "", "internal": True,
         "platform": "teams", "source": "thread", "text": "Awards", "message_id": "1.3",
         "answered_at": at, "edited_at": "", "withdrawn_at": ""},
        {**common, "question": "", "person": "Pat", "partner": "Northwind",
         "source": "thread", "text": "Oops", "message_id": "1.4", "answered_at": at,
         "edited_at": "", "withdrawn_at": edited},
    ]
    # Anonymous: a partner's answers name neither person nor partner; our own people's do.
    assert hidden == [{**row, "partner": "", "person": row["person"] if row["internal"]
                       else ""} for row in named]
    assert other == []
    assert list(named[0]) == list(FEEDBACK_COLUMNS)


async def test_the_tally_counts_partners_answers_where_they_are_kept(database: Database):
    """Only partners' replies count (not ours, not withdrawn ones, only from partners asked,
    only this campaign's); options counted, the first answers in their own words kept, the
    latest texts sampled newest first."""
    workspace_id, campaign_id, pat = await _campaign(database)
    async with database.session() as session:
        ids = {}
        for name, user in (("Contoso", "U4"), ("Fabrikam", "U5")):
            partner = Partner(workspace_id=workspace_id, name=name, name_key=name.lower(),
                              created_at=NOW)
            session.add(partner)
            await session.flush()
            person, _ = await people.get_or_create(session, workspace_id, "slack", user,
                                                   now=NOW)
            ids[name] = (partner.id or 0, person.id or 0)
        session.add(CampaignPartner(campaign_id=campaign_id, partner_id=ids["Contoso"][0]))
        north = (await people.get(session, pat)).partner_id  # type: ignore[union-attr]
        ana, _ = await people.get_or_create(session, workspace_id, "slack", "U1", now=NOW)
        (contoso, quinn), (fabrikam, rey) = ids["Contoso"], ids["Fabrikam"]
        said = [(pat, north, 0, "Pricing"), (pat, north, 1, "labs"), (quinn, contoso, 0, "Labs"),
                (quinn, contoso, 1, "labs"), (rey, fabrikam, 1, "keynotes")]
        for person, partner, index, text in said:
            await campaigns.save_form_answers(session, _reply(
                workspace_id, campaign_id, person, partner_id=partner, source=ReplySource.FORM),
                [(index, ["Topics?", "Format? [labs|keynotes]"][index], text)])
        await campaigns.save_form_answers(session, _reply(
            workspace_id, campaign_id, ana.id or 0, internal=True, source=ReplySource.FORM),
            [(1, "Format? [labs|keynotes]", "keynotes")])
        for person, partner, text, more in (
                (pat, north, "Webinars", {}), (quinn, contoso, "Awards", {}),
                (quinn, contoso, "Gone", {"withdrawn_at": NOW}), (rey, fabrikam, "Not asked", {}),
                (ana.id or 0, None, "Ours", {"internal": True})):
            await campaigns.add_thread_reply(session, _reply(
                workspace_id, campaign_id, person, partner_id=partner, text=text,
                message_id=text, **more))
        await campaigns.add_thread_reply(session, _reply(  # another campaign's
            workspace_id, campaign_id + 1, pat, partner_id=north, text="F-2", message_id="x"))
    async with database.session() as session:
        found = await tally.tally(session, campaign_id, questions=2, choice_questions=[1],
                                  quoted=1, sample=3)
        every = await tally.tally(session, campaign_id, questions=2, choice_questions=[1],
                                  quoted=5, sample=100)
        answered = await tally.answered(session, campaign_id)
        nothing = await tally.tally(session, campaign_id + 2, questions=0,
                                    choice_questions=[], quoted=5, sample=100)
    assert found.answered == answered == {north, contoso}
    assert found.questions == {
        0: tally.QuestionTally(answers=2, partners=2, first=("Pricing",)),
        1: tally.QuestionTally(answers=2, partners=2, choices={"labs": 2})}
    assert every.question(0).first == ("Pricing", "Labs")
    assert found.question(2) == tally.NO_ANSWERS
    assert (found.thread_replies, found.internal) == (2, 2)
    # The latest 3 texts but one not asked for: the latest 2 of the partners asked.
    assert (found.texts, found.texts_total) == (("Awards", "Webinars"), 4)
    assert (every.texts, every.texts_total) == (("Awards", "Webinars", "Labs", "Pricing"), 4)
    assert nothing == tally.Tally(frozenset(), {}, 0, 0, (), 0)
