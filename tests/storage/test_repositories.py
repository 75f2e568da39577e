"""Repository functions behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlmodel import func, select

from handlers.registry import build_registry
from storage.cadences import absences
from storage.cadences import repository as cadences
from storage.cadences.absences import ABSENT_IDS_MAX
from storage.cadences.models import Absence, Cadence, CadenceKind
from storage.common import conversations, people, workspaces
from storage.common import settings as app_settings
from storage.common.models import Partner, Person, PersonIdentity, Role, Workspace
from storage.common.people import PersonRow
from storage.elephants import repository as elephants
from storage.elephants.models import ElephantStatus
from storage.engine import Database

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def _workspace(database: Database, platform: str = "slack",
                     external_id: str = "T0001") -> Workspace:
    """A workspace made (and committed) before the test's own transactions."""
    async with database.session() as session:
        return await workspaces.for_external_id(session, platform, external_id, now=NOW)


async def test_person_created_once_per_platform_identity(database: Database):
    workspace = await _workspace(database)
    async with database.session() as session:
        ana, created = await people.get_or_create(session, workspace.id or 0, "slack", "U1",
                                                  now=NOW, display_name="Ana")
        again, created_again = await people.get_or_create(session, workspace.id or 0, "slack",
                                                          "U1", now=NOW)
    assert created and not created_again
    assert again.id == ana.id and again.display_name == "Ana"
    assert again.role is Role.MEMBER


async def test_concurrent_first_requests_make_one_person(database: Database):
    workspace = await _workspace(database, "teams", "tenant-1")

    async def arrive() -> int | None:
        async with database.session() as session:
            person, _ = await people.get_or_create(session, workspace.id or 0, "teams",
                                                   "29:ana", now=NOW)
            return person.id

    ids = await asyncio.gather(*(arrive() for _ in range(5)))
    assert len(set(ids)) == 1
    async with database.session() as session:
        assert (await session.exec(select(func.count()).select_from(Person))).one() == 1
        assert (await session.exec(select(func.count()).select_from(PersonIdentity))).one() == 1


async def test_person_carries_every_identity_and_a_partner(database: Database):
    slack = await _workspace(database, "slack", "T0001")
    teams = await _workspace(database, "teams", "tenant-1")
    console = await _workspace(database, "console", "")
    async with database.session() as session:
        partner = Partner(workspace_id=slack.id or 0, name="Northwind VAR",
                          name_key="northwind var", created_at=NOW)
        session.add(partner)
        await session.flush()
        person = Person(workspace_id=slack.id or 0, display_name="Pat",
                        email="pat@northwind.test", timezone="Asia/Tokyo",
                        role=Role.PARTNER_CONTACT, partner_id=partner.id, is_external=True,
                        created_at=NOW)
        session.add(person)
        await session.flush()
        for workspace, platform, user_id in ((slack, "slack", "U9"), (teams, "teams", "29:pat"),
                                             (console, "console", "pat")):
            session.add(PersonIdentity(person_id=person.id or 0, workspace_id=workspace.id or 0,
                                       platform=platform, user_id=user_id, created_at=NOW))
    async with database.session() as session:
        found = await people.by_identity(session, teams.id or 0, "teams", "29:pat")
        assert found is not None
        [on_slack] = await people.members(session, [found.id or 0], "slack")
        rows = await build_registry().exporters["people"].rows(session, None)
    assert on_slack.user_id == "U9" and found.role is Role.PARTNER_CONTACT
    assert rows[0]["partner"] == "Northwind VAR" and rows[0]["role"] == "partner_contact"
    assert (rows[0]["slack_user_id"], rows[0]["teams_user_id"], rows[0]["console_user_id"]) \
        == ("U9", "29:pat", "pat")


async def test_datetimes_come_back_aware_utc(database: Database):
    berlin_morning = datetime(2026, 11, 23, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    workspace = await _workspace(database, "console", "")
    async with database.session() as session:
        _person, _ = await people.get_or_create(session, workspace.id or 0, "console", "ana",
                                               now=berlin_morning)
    async with database.session() as session:
        stored = await people.by_identity(session, workspace.id or 0, "console", "ana")
    assert stored is not None
    assert stored.created_at == NOW and stored.created_at.utcoffset() == timedelta(0)


async def test_naive_datetimes_are_refused(database: Database):
    workspace = await _workspace(database, "console", "")
    with pytest.raises(Exception, match="timezone"):
        async with database.session() as session:
            await people.get_or_create(session, workspace.id or 0, "console", "bob",
                                       now=datetime(2026, 11, 23, 9, 0))


async def test_settings_insert_then_update(database: Database):
    workspace = await _workspace(database)
    async with database.session() as session:
        assert await app_settings.get(session, workspace.id or 0, "elephants-channel") is None
        await app_settings.put(session, workspace.id or 0, "elephants-channel", {"id": "C1"},
                               now=NOW)
        await app_settings.put(session, workspace.id or 0, "elephants-channel", {"id": "C2"},
                               now=NOW)
    async with database.session() as session:
        assert await app_settings.get(session, workspace.id or 0, "elephants-channel") \
            == {"id": "C2"}


async def test_conversation_reference_is_upserted(database: Database):
    workspace = await _workspace(database, "teams", "t1")
    async with database.session() as session:
        await conversations.save(session, workspace_id=workspace.id or 0, platform="teams",
                                 conversation_id="19:abc", reference={"v": 1}, now=NOW,
                                 tenant_id="t1", service_url="https://smba.example/")
        await conversations.save(session, workspace_id=workspace.id or 0, platform="teams",
                                 conversation_id="19:abc", reference={"v": 2},
                                 now=NOW + timedelta(minutes=1))
    async with database.session() as session:
        row = await conversations.find(session, "teams", "19:abc")
    assert row is not None
    assert (row.reference, row.tenant_id, row.service_url) == ({"v": 2}, "t1",
                                                               "https://smba.example/")


async def test_elephants_get_short_ids_and_export(database: Database):
    slack = await _workspace(database, "slack", "T0001")
    teams = await _workspace(database, "teams", "tenant-1")
    async with database.session() as session:
        ana, _ = await people.get_or_create(session, slack.id or 0, "slack", "U1", now=NOW,
                                            display_name="Ana")
        first = await elephants.create(session, workspace_id=slack.id or 0,
                                       title="Reps hide the forecast", description="",
                                       platform="slack", reporter_id=ana.id, now=NOW)
        # Filed anonymously: the reporter given is not kept.
        second = await elephants.create(session, workspace_id=slack.id or 0,
                                        title="Deal registration conflicts", description="",
                                        platform="slack", reporter_id=ana.id, now=NOW,
                                        anonymous=True)
        assert second.reporter_id is None
        # Numbered per workspace: another install starts at E-1.
        elsewhere = await elephants.create(session, workspace_id=teams.id or 0,
                                           title="Quotes take a week", description="",
                                           platform="teams", reporter_id=None, now=NOW)
    async with database.session() as session:
        await elephants.mark_posted(session, first.id or 0, conversation_id="C9",
                                    message_id="1.2")
        rows = await build_registry().exporters["elephants"].rows(session, None)
    assert (first.short_id, second.short_id, elsewhere.short_id) == ("E-1", "E-2", "E-1")
    assert rows[0]["reporter"] == "Ana" and rows[0]["channel"] == "C9"
    assert rows[1]["anonymous"] is True and rows[1]["reporter"] == ""
    assert rows[0]["status"] == ElephantStatus.REPORTED.value
    assert (rows[2]["id"], rows[2]["workspace"]) == ("E-1", "tenant-1")


async def test_a_failed_transaction_leaves_nothing(database: Database):
    workspace = await _workspace(database)
    with pytest.raises(RuntimeError):
        async with database.session() as session:
            await elephants.create(session, workspace_id=workspace.id or 0, title="Half done",
                                   description="", platform="slack", reporter_id=None, now=NOW)
            raise RuntimeError("crash after the insert")
    async with database.session() as session:
        assert await elephants.all_elephants(session, workspace.id or 0) == []


async def test_who_is_away_is_the_same_for_a_few_people_and_for_thousands(database: Database):
    """Past ABSENT_IDS_MAX people absent_on reads the workspace's absences of the day instead
    of binding every id: the same answer, and nothing of another workspace or cadence."""
    day = NOW.date()
    ours, theirs = await _workspace(database), await _workspace(database, "slack", "T0002")
    async with database.session() as session:
        team = [Person(workspace_id=ours.id or 0, display_name=f"Rep {n}", created_at=NOW)
                for n in range(ABSENT_IDS_MAX + 20)]
        stranger = Person(workspace_id=theirs.id or 0, display_name="Elsewhere", created_at=NOW)
        session.add_all([*team, stranger])
        await session.flush()
        daily, weekly = [await cadences.save(session, Cadence(
            workspace_id=ours.id or 0, name=name, kind=CadenceKind.STANDUP, platform="slack",
            report_channel_id="C1", questions=["Today?"], created_at=NOW, updated_at=NOW))
            for name in ("Daily", "Weekly")]
        await session.flush()

        def away(person: Person, cadence: Cadence | None, starts: int, ends: int) -> Absence:
            return Absence(workspace_id=person.workspace_id, person_id=person.id or 0,
                           cadence_id=cadence.id if cadence else None, created_at=NOW,
                           starts_on=day + timedelta(days=starts),
                           ends_on=day + timedelta(days=ends))

        session.add_all([away(team[0], None, -2, 3), away(team[1], daily, 0, 0),
                         away(team[2], weekly, 0, 0), away(team[3], None, -5, -1),
                         away(team[-1], None, 1, 2), away(stranger, None, 0, 0)])
        await session.flush()
        ids = [person.id or 0 for person in team]
        many = await absences.absent_on(session, [*ids, stranger.id or 0], day, daily.id or 0)
        few = await absences.absent_on(session, [*ids[:5], ids[-1]], day, daily.id or 0)
    assert len(ids) > ABSENT_IDS_MAX
    assert many == few == {team[0].id, team[1].id}


async def test_participants_read_as_rows_carry_what_a_person_row_holds(database: Database):
    """A fan-out reads its participants as PersonRows, column for column as stored: the
    role as its enum, zones, partner, the account's ids and the day they joined."""
    workspace = await _workspace(database)
    async with database.session() as session:
        partner = Partner(workspace_id=workspace.id or 0, name="Northwind VAR",
                          name_key="northwind var", created_at=NOW)
        session.add(partner)
        await session.flush()
        pat = Person(workspace_id=workspace.id or 0, display_name="Pat", timezone="Asia/Tokyo",
                     chosen_timezone="Europe/Berlin", role=Role.PARTNER_CONTACT,
                     partner_id=partner.id, is_external=True, created_at=NOW)
        ana = Person(workspace_id=workspace.id or 0, display_name="Ana", created_at=NOW)
        session.add_all([pat, ana])
        await session.flush()
        for person, user_id in ((pat, "U9"), (ana, "U1")):
            session.add(PersonIdentity(person_id=person.id or 0, workspace_id=workspace.id or 0,
                                       platform="slack", user_id=user_id,
                                       directory_id=f"d-{user_id}", created_at=NOW))
        daily = await cadences.save(session, Cadence(
            workspace_id=workspace.id or 0, name="Daily", kind=CadenceKind.STANDUP,
            platform="slack", report_channel_id="C1", questions=["Today?"], created_at=NOW,
            updated_at=NOW))
        await session.flush()
        await cadences.set_participants(session, daily.id or 0, [ana.id or 0, pat.id or 0],
                                        now=NOW + timedelta(hours=1))
    async with database.session() as session:
        found = await cadences.participant_members(session, daily.id or 0, "slack")
    assert [member.person for member in found] == [  # in the order of their ids
        PersonRow(pat.id or 0, workspace.id or 0, "Pat", "Asia/Tokyo", "Europe/Berlin",
                  Role.PARTNER_CONTACT, partner.id, True),
        PersonRow(ana.id or 0, workspace.id or 0, "Ana", None, None, Role.MEMBER, None, False)]
    assert [(m.user_id, m.directory_id, m.joined_at) for m in found] == [
        ("U9", "d-U9", NOW + timedelta(hours=1)), ("U1", "d-U1", NOW + timedelta(hours=1))]
    assert found[0].person.role is Role.PARTNER_CONTACT  # the enum, not its stored text
