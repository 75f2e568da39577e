"""Repository functions behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest

from storage.common import conversations, people
from storage.common import settings as app_settings
from storage.common.export import EXPORTERS
from storage.common.models import Person, Role
from storage.common.people import IdentityColumn
from storage.elephants import repository as elephants
from storage.elephants.models import ElephantStatus
from storage.engine import Database
from storage.partners.models import Partner

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def test_person_created_once_per_platform_identity(database: Database):
    async with database.session() as session:
        ana, created = await people.get_or_create(session, IdentityColumn.SLACK, "U1", now=NOW,
                                                  display_name="Ana")
        again, created_again = await people.get_or_create(session, IdentityColumn.SLACK, "U1",
                                                          now=NOW)
    assert created and not created_again
    assert again.id == ana.id and again.display_name == "Ana"
    assert again.role is Role.MEMBER


async def test_concurrent_first_requests_make_one_person(database: Database):
    async def arrive() -> int | None:
        async with database.session() as session:
            person, _ = await people.get_or_create(session, IdentityColumn.TEAMS, "29:ana",
                                                   now=NOW)
            return person.id

    ids = await asyncio.gather(*(arrive() for _ in range(5)))
    assert len(set(ids)) == 1
    async with database.session() as session:
        assert len(await people.all_people(session)) == 1


async def test_person_carries_every_identity_and_a_partner(database: Database):
    async with database.session() as session:
        partner = Partner(name="Northwind VAR", created_at=NOW)
        session.add(partner)
        await session.flush()
        person = Person(display_name="Pat", email="pat@northwind.test", slack_user_id="U9",
                        teams_user_id="29:pat", console_user_id="pat", timezone="Asia/Tokyo",
                        role=Role.PARTNER_CONTACT, partner_id=partner.id, is_external=True,
                        created_at=NOW)
        session.add(person)
    async with database.session() as session:
        found = await people.by_identity(session, IdentityColumn.TEAMS, "29:pat")
        rows = await EXPORTERS["people"](session)
    assert found is not None and found.slack_user_id == "U9" and found.role is Role.PARTNER_CONTACT
    assert rows[0]["partner"] == "Northwind VAR" and rows[0]["role"] == "partner_contact"


async def test_datetimes_come_back_aware_utc(database: Database):
    berlin_morning = datetime(2026, 11, 23, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    async with database.session() as session:
        _person, _ = await people.get_or_create(session, IdentityColumn.CONSOLE, "ana",
                                               now=berlin_morning)
    async with database.session() as session:
        stored = await people.by_identity(session, IdentityColumn.CONSOLE, "ana")
    assert stored is not None
    assert stored.created_at == NOW and stored.created_at.utcoffset() == timedelta(0)


async def test_naive_datetimes_are_refused(database: Database):
    with pytest.raises(Exception, match="timezone"):
        async with database.session() as session:
            await people.get_or_create(session, IdentityColumn.CONSOLE, "bob",
                                       now=datetime(2026, 11, 23, 9, 0))


async def test_settings_insert_then_update(database: Database):
    async with database.session() as session:
        assert await app_settings.get(session, "elephants-channel.slack") is None
        await app_settings.put(session, "elephants-channel.slack", "C1", now=NOW)
        await app_settings.put(session, "elephants-channel.slack", "C2", now=NOW)
    async with database.session() as session:
        assert await app_settings.get(session, "elephants-channel.slack") == "C2"


async def test_conversation_reference_is_upserted(database: Database):
    async with database.session() as session:
        await conversations.save(session, platform="teams", conversation_id="19:abc",
                                 reference='{"v": 1}', now=NOW, tenant_id="t1",
                                 service_url="https://smba.example/")
        await conversations.save(session, platform="teams", conversation_id="19:abc",
                                 reference='{"v": 2}', now=NOW + timedelta(minutes=1))
    async with database.session() as session:
        row = await conversations.find(session, "teams", "19:abc")
    assert row is not None
    assert (row.reference, row.tenant_id, row.service_url) == ('{"v": 2}', "t1",
                                                               "https://smba.example/")


async def test_elephants_get_short_ids_and_export(database: Database):
    async with database.session() as session:
        ana, _ = await people.get_or_create(session, IdentityColumn.SLACK, "U1", now=NOW,
                                            display_name="Ana")
        first = await elephants.create(session, title="Reps hide the forecast", description="",
                                       platform="slack", reporter_id=ana.id, now=NOW)
        second = await elephants.create(session, title="Deal registration conflicts",
                                        description="", platform="teams", reporter_id=None,
                                        now=NOW)
    async with database.session() as session:
        await elephants.mark_posted(session, first.id or 0, conversation_id="C9",
                                    message_id="1.2")
        rows = await EXPORTERS["elephants"](session)
    assert (first.short_id, second.short_id) == ("E-1", "E-2")
    assert rows[0]["reporter"] == "Ana" and rows[0]["channel"] == "C9"
    assert rows[1]["anonymous"] is True and rows[1]["reporter"] == ""
    assert rows[0]["status"] == ElephantStatus.REPORTED.value


async def test_a_failed_transaction_leaves_nothing(database: Database):
    with pytest.raises(RuntimeError):
        async with database.session() as session:
            await elephants.create(session, title="Half done", description="",
                                   platform="slack", reporter_id=None, now=NOW)
            raise RuntimeError("crash after the insert")
    async with database.session() as session:
        assert await elephants.all_elephants(session) == []
