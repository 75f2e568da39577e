"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL,
and move a database populated at an earlier revision into workspaces without losing a row."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlmodel.sql.sqltypes import UTCDateTime

from storage.cadences import repository as cadences
from storage.cadences.models import AnswerStatus
from storage.common import people, settings, workspaces
from storage.engine import Database
from storage.ledger import repository as ledger
from storage.migrate import current_revision, downgrade, head_revision, upgrade
from storage.partners import repository as partners
from storage.tables import METADATA, include_object

AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


async def test_upgrade_from_empty_reaches_head_and_matches_models(empty_database: Database):
    assert await current_revision(empty_database) is None

    await upgrade(empty_database)

    assert await current_revision(empty_database) == head_revision()

    def differences(connection: Connection) -> list:
        context = MigrationContext.configure(connection,
                                             opts={"include_object": include_object})
        return compare_metadata(context, METADATA)

    async with empty_database.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


def _index_text(index: Any) -> str:
    """An index as text; a partial index's WHERE clause by its SQL, not its object."""
    options = {key: str(value) for key, value in index.get("dialect_options", {}).items()}
    return str(sorted({**index, "dialect_options": options}.items()))


def _schema(connection: Connection) -> dict[str, Any]:
    """Every table's columns, keys, indexes and constraints, and its row count."""
    inspector = inspect(connection)
    shape: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        shape[table] = (
            [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
            inspector.get_pk_constraint(table)["constrained_columns"],
            sorted(_index_text(index) for index in inspector.get_indexes(table)),
            sorted(str(u["column_names"]) for u in inspector.get_unique_constraints(table)),
            sorted(str(f["constrained_columns"]) for f in inspector.get_foreign_keys(table)),
            connection.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar(),
        )
    return shape


async def test_upgrade_twice_changes_neither_the_schema_nor_the_rows(empty_database: Database):
    await upgrade(empty_database)
    async with empty_database.session() as session:
        workspace = await workspaces.for_external_id(session, "console", "", now=AT)
        await people.get_or_create(session, workspace.id or 0, "console", "ana", now=AT)
    async with empty_database.engine.connect() as connection:
        before = await connection.run_sync(_schema)

    await upgrade(empty_database)

    async with empty_database.engine.connect() as connection:
        after = await connection.run_sync(_schema)
    assert after == before
    assert before["person"][-1] == 1 and before["personidentity"][-1] == 1
    assert {"workspace", "person", "personidentity", "setting", "cadence", "delivery",
            "runlease", "alembic_version"} <= set(before)


def _table(table_name: str, /, **columns: Any) -> sa.TableClause:
    return sa.table(table_name, *(sa.column(column, kind) for column, kind in columns.items()))


# The tables as revision 0002 left them (only the columns these rows fill).
PERSON = _table("person", id=sa.Integer(), display_name=sa.String(), slack_user_id=sa.String(),
                slack_team_id=sa.String(), teams_user_id=sa.String(),
                teams_aad_object_id=sa.String(), console_user_id=sa.String(),
                role=sa.String(), is_external=sa.Boolean(), created_at=UTCDateTime())
APPSETTING = _table("appsetting", key=sa.String(), value=sa.String(), updated_at=UTCDateTime())
PARTNER = _table("partner", id=sa.Integer(), name=sa.String(), created_at=UTCDateTime())
REFERENCE = _table("conversationreference", platform=sa.String(),
                   conversation_id=sa.String(), conversation_type=sa.String(),
                   tenant_id=sa.String(), reference=sa.Text(), updated_at=UTCDateTime())
CADENCE = _table("cadence", id=sa.Integer(), name=sa.String(), kind=sa.String(),
                 platform=sa.String(), report_channel_id=sa.String(),
                 report_channel_name=sa.String(), days=sa.String(), local_time=sa.String(),
                 close_time=sa.String(), reminder_minutes=sa.Integer(),
                 skip_weekends=sa.Boolean(), questions=sa.Text(), subjects=sa.Text(),
                 paused=sa.Boolean(), created_at=UTCDateTime(), updated_at=UTCDateTime())
PARTICIPANT = _table("cadenceparticipant", cadence_id=sa.Integer(), person_id=sa.Integer())
OCCURRENCE = _table("occurrence", id=sa.Integer(), cadence_id=sa.Integer(),
                    local_date=sa.Date(), close_at=UTCDateTime(), created_at=UTCDateTime())
ANSWER = _table("answer", occurrence_id=sa.Integer(), person_id=sa.Integer(),
                subject=sa.String(), status=sa.String(), answers=sa.Text(),
                created_at=UTCDateTime(), updated_at=UTCDateTime())
DELIVERY = _table("delivery", key=sa.String(), kind=sa.String(), occurrence_id=sa.Integer(),
                  person_id=sa.Integer(), status=sa.String(), platform=sa.String(),
                  conversation_id=sa.String(), message_id=sa.String(),
                  claimed_at=UTCDateTime(), sent_at=UTCDateTime())
ELEPHANT = _table("elephant", id=sa.Integer(), title=sa.String(), description=sa.Text(),
                  status=sa.String(), reporter_id=sa.Integer(), platform=sa.String(),
                  created_at=UTCDateTime())


def _populate(connection: Connection) -> None:
    """A single-token Slack install, Teams and the console, as revision 0002 stored them."""
    person = {"display_name": "", "slack_user_id": None, "slack_team_id": None,
              "teams_user_id": None, "teams_aad_object_id": None, "console_user_id": None,
              "role": "member", "is_external": False, "created_at": AT}
    connection.execute(sa.insert(PERSON), [
        {**person, "id": 1, "display_name": "Ana", "slack_user_id": "U1",
         "slack_team_id": "T1", "role": "admin"},
        {**person, "id": 2, "display_name": "Bob", "slack_user_id": "U2", "slack_team_id": "T1"},
        {**person, "id": 3, "display_name": "Guest", "slack_user_id": "U3",
         "slack_team_id": "TPARTNER", "is_external": True},
        {**person, "id": 4, "display_name": "Tess", "teams_user_id": "29:tess",
         "teams_aad_object_id": "aad-tess"},
        {**person, "id": 5, "display_name": "Cora", "console_user_id": "cora"},
    ])
    connection.execute(sa.insert(APPSETTING), [
        {"key": "install.first_admin", "value": "1", "updated_at": AT},
        {"key": "elephants-channel.slack", "updated_at": AT,
         "value": '{"platform": "slack", "id": "C0ELE", "kind": "channel", "name": "ele"}'},
    ])
    connection.execute(sa.insert(PARTNER), [{"id": 1, "name": "Northwind", "created_at": AT}])
    if connection.dialect.name == "postgresql":  # ids given here: move on as rows made do
        connection.execute(sa.text("SELECT setval(pg_get_serial_sequence('partner', 'id'), 1)"))
    connection.execute(sa.insert(REFERENCE), [
        {"platform": "teams", "conversation_id": "a:tess", "conversation_type": "personal",
         "tenant_id": "tenant-1", "reference": "{}", "updated_at": AT}])
    connection.execute(sa.insert(CADENCE), [
        {"id": 1, "name": "Daily Standup", "kind": "standup", "platform": "slack",
         "report_channel_id": "C0REP", "report_channel_name": "standups", "days": "mon",
         "local_time": "09:00", "close_time": "17:00", "reminder_minutes": 0,
         "skip_weekends": True, "questions": '["Wins?", "Plans?"]', "subjects": "[]",
         "paused": False, "created_at": AT, "updated_at": AT},
        # A check-in naming its partners, one of them never on the partner list.
        {"id": 2, "name": "Partners", "kind": "checkin", "platform": "slack",
         "report_channel_id": "C0REP", "report_channel_name": "standups", "days": "mon",
         "local_time": "09:00", "close_time": "17:00", "reminder_minutes": 0,
         "skip_weekends": True, "questions": '["Health?"]',
         "subjects": '["Northwind", "Contoso Ltd"]', "paused": False, "created_at": AT,
         "updated_at": AT}])
    connection.execute(sa.insert(PARTICIPANT), [{"cadence_id": 1, "person_id": 1},
                                                {"cadence_id": 1, "person_id": 2},
                                                {"cadence_id": 2, "person_id": 2}])
    connection.execute(sa.insert(OCCURRENCE), [
        {"id": 7, "cadence_id": 1, "local_date": date(2026, 11, 20), "close_at": AT,
         "created_at": AT},
        {"id": 8, "cadence_id": 2, "local_date": date(2026, 11, 20), "close_at": AT,
         "created_at": AT}])
    connection.execute(sa.insert(ANSWER), [
        {"occurrence_id": 7, "person_id": 1, "subject": "", "status": "answered",
         "answers": '["Shipped", "Demo"]', "created_at": AT, "updated_at": AT},
        {"occurrence_id": 8, "person_id": 2, "subject": "northwind", "status": "answered",
         "answers": '["green"]', "created_at": AT, "updated_at": AT},
        {"occurrence_id": 8, "person_id": 2, "subject": "Contoso Ltd", "status": "skipped",
         "answers": '[]', "created_at": AT, "updated_at": AT},
        # A name no check-in asks about any more (the partner was renamed since).
        {"occurrence_id": 8, "person_id": 1, "subject": "Fabrikam Old", "status": "answered",
         "answers": '["amber"]', "created_at": AT, "updated_at": AT}])
    connection.execute(sa.insert(DELIVERY), [
        {"key": "prompt:7:1", "kind": "prompt", "occurrence_id": 7, "person_id": 1,
         "status": "sent", "platform": "slack", "conversation_id": "U1", "message_id": "1.1",
         "claimed_at": AT, "sent_at": AT},
        {"key": "close:7", "kind": "close", "occurrence_id": 7, "person_id": None,
         "status": "claimed", "platform": None, "conversation_id": None, "message_id": None,
         "claimed_at": AT, "sent_at": None},
    ])
    connection.execute(sa.insert(ELEPHANT), [
        {"id": 4, "title": "Reps hide the forecast", "description": "", "status": "reported",
         "reporter_id": None, "platform": "slack", "created_at": AT}])


async def test_upgrade_moves_every_row_into_its_workspace(empty_database: Database):
    await upgrade(empty_database, "0002")
    async with empty_database.engine.begin() as connection:
        await connection.run_sync(_populate)

    await upgrade(empty_database)

    async with empty_database.session() as session:
        slack = await workspaces.by_external_id(session, "slack", "T1")
        teams = await workspaces.by_external_id(session, "teams", "tenant-1")
        console = await workspaces.by_external_id(session, "console", "")
        assert slack is not None and teams is not None and console is not None
        # The same people, found by their platform ids, each in their platform's workspace.
        ana = await people.by_identity(session, slack.id or 0, "slack", "U1")
        guest = await people.by_identity(session, slack.id or 0, "slack", "U3")
        tess = await people.by_identity(session, teams.id or 0, "teams", "29:tess")
        cora = await people.by_identity(session, console.id or 0, "console", "cora")
        assert (ana and ana.id, guest and guest.id, tess and tess.id, cora and cora.id) == \
            (1, 3, 4, 5)
        assert slack.first_admin_id == 1
        # A Slack Connect guest keeps their own home team; the Teams picker's id is kept.
        guest_account = await people.identity(session, slack.id or 0, "slack", "U3")
        assert guest_account is not None and guest_account.home_team_id == "TPARTNER"
        assert await people.user_id_picked(session, teams.id or 0, "teams", "aad-tess") \
            == "29:tess"
        channel = await settings.get(session, slack.id or 0, "elephants-channel")
        assert channel == {"platform": "slack", "id": "C0ELE", "kind": "channel", "name": "ele"}
        cadence = await cadences.by_name(session, slack.id or 0, "daily standup")
        assert cadence is not None and cadence.questions == ["Wins?", "Plans?"]
        assert [p.id for p in await cadences.participants(session, cadence.id or 0)] == [1, 2]
        answer = await cadences.answer_of(session, 7, 1)
        assert answer is not None and answer.answers == ["Shipped", "Demo"]
        day = await cadences.get_occurrence(session, 7)
        assert day is not None and day.questions == ["Wins?", "Plans?"]  # what was asked
        [joined] = {member.joined_at for member in
                    await cadences.participant_members(session, cadence.id or 0, "slack")}
        assert joined == AT  # they joined when their cadence was made
        assert answer.workspace_id == slack.id
        # The ledger keeps its keys, so nothing already sent goes out again.
        prompt = await ledger.find(session, "cadences", "prompt:7:1")
        close = await ledger.find(session, "cadences", "close:7")
        assert prompt is not None and close is not None
        assert (prompt.feature, prompt.kind, prompt.scope, prompt.conversation_kind,
                prompt.workspace_id, prompt.status.value) == \
            ("cadences", "prompt", "occurrence:7", "direct", slack.id, "sent")
        assert (close.platform, close.conversation_id, close.conversation_kind,
                close.lease_id) == ("slack", "C0REP", "channel", None)
    async with empty_database.engine.connect() as connection:
        elephant = (await connection.execute(sa.text(
            "SELECT workspace_id, number FROM elephant WHERE id = 4"))).one()
        partner = (await connection.execute(sa.text(
            "SELECT workspace_id, name_key FROM partner WHERE id = 1"))).one()
    assert tuple(elephant) == (slack.id, 4)
    assert tuple(partner) == (slack.id, "northwind")


async def test_upgrade_keys_check_ins_by_partner_rows(empty_database: Database):
    """Partner names on a check-in and on its answers become partner rows: found by name
    whatever the case, or added to the list; each answer keeps the name it was given."""
    await upgrade(empty_database, "0002")
    async with empty_database.engine.begin() as connection:
        await connection.run_sync(_populate)

    await upgrade(empty_database)

    async with empty_database.session() as session:
        slack = await workspaces.by_external_id(session, "slack", "T1")
        assert slack is not None
        check_in = await cadences.by_name(session, slack.id or 0, "Partners")
        assert check_in is not None
        listed = (await cadences.listed_partners(session, [check_in.id or 0]))[check_in.id or 0]
        assert [(p.id, p.name, p.workspace_id) for p in listed] == \
            [(1, "Northwind", slack.id), (listed[1].id, "Contoso Ltd", slack.id)]
        northwind = await cadences.answer_of(session, 8, 2, 1)
        contoso = await cadences.answer_of(session, 8, 2, listed[1].id)
        assert northwind is not None and contoso is not None
        assert (northwind.subject, northwind.answers) == ("northwind", ["green"])
        assert contoso.status.value == "skipped"
        assert await cadences.answer_of(session, 8, 2) is None  # no answer about nothing
        # 0013: each answer keeps its occurrence's day (read by the index on partner, day).
        day = await cadences.get_occurrence(session, 8)
        assert day is not None and northwind.local_date == contoso.local_date == day.local_date
        # An old name joins the list archived: kept for its answer, offered nowhere.
        old = await partners.by_name(session, slack.id or 0, "Fabrikam Old")
        assert old is not None and old.archived_at is not None
        assert listed[1].archived_at is None  # a name a check-in asks about stays in use
        standup = await cadences.by_name(session, slack.id or 0, "Daily Standup")
        assert standup is not None
        assert await cadences.listed_partners(session, [standup.id or 0]) == {}


async def test_the_first_request_names_a_workspace_a_migration_could_not(
        empty_database: Database):
    """Slack people without a team id: the install's id is learned from its first request."""
    await upgrade(empty_database, "0002")

    def populate(connection: Connection) -> None:
        connection.execute(sa.insert(PERSON), [{
            "id": 1, "display_name": "Ana", "slack_user_id": "U1", "slack_team_id": None,
            "teams_user_id": None, "teams_aad_object_id": None, "console_user_id": None,
            "role": "admin", "is_external": False, "created_at": AT}])

    async with empty_database.engine.begin() as connection:
        await connection.run_sync(populate)
    await upgrade(empty_database)

    async with empty_database.session() as session:
        adopted = await workspaces.for_external_id(session, "slack", "T9", now=AT)
        ana = await people.by_identity(session, adopted.id or 0, "slack", "U1")
        other = await workspaces.for_external_id(session, "slack", "T10", now=AT)
    assert ana is not None and ana.id == 1
    assert other.id != adopted.id


async def test_check_ins_by_partner_row_downgrade_and_upgrade_again(empty_database: Database):
    """0009 undone keeps every answer (two partners answered under one name say which),
    and upgrading again gives the same schema."""
    await upgrade(empty_database, "0002")
    async with empty_database.engine.begin() as connection:
        await connection.run_sync(_populate)
    await upgrade(empty_database)
    async with empty_database.engine.connect() as connection:
        before = await connection.run_sync(_schema)
    async with empty_database.session() as session:
        # Northwind renamed, and a new partner given its old name, answered the same day.
        slack = await workspaces.by_external_id(session, "slack", "T1")
        assert slack is not None
        [day] = [o for o in [await cadences.get_occurrence(session, 8)] if o is not None]
        other = await partners.add(session, workspace_id=slack.id or 0, name="Northwind 2",
                                   type=None, tier=None, owner_id=None, now=AT)
        again, _ = await cadences.record_answer(session, occurrence=day, person_id=2,
                                                status=AnswerStatus.ANSWERED,
                                                answers=["red"], now=AT, partner=other)
        again.subject = "northwind"
        session.add(again)

    await downgrade(empty_database, "0008")
    async with empty_database.engine.connect() as connection:
        kept = (await connection.execute(sa.text(
            "SELECT subject FROM answer WHERE occurrence_id = 8 ORDER BY id"))).scalars().all()
        subjects = (await connection.execute(sa.text(
            "SELECT subjects FROM cadence WHERE id = 2"))).scalar_one()
    assert kept == ["northwind", "Contoso Ltd", "Fabrikam Old",
                    f"northwind (partner {other.id})"]
    assert (json.loads(subjects) if isinstance(subjects, str) else subjects) == \
        ["Northwind", "Contoso Ltd"]

    await upgrade(empty_database)
    async with empty_database.engine.connect() as connection:
        after = await connection.run_sync(_schema)
    assert {table: shape[:-1] for table, shape in after.items()} == \
        {table: shape[:-1] for table, shape in before.items()}


def test_the_head_revision_the_start_compares_with_is_alembics_own():
    from alembic.script import ScriptDirectory

    from storage.migrate import HEAD_REVISION, alembic_config

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD_REVISION
