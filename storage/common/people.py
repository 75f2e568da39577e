"""People: find or create by a platform identity, keep their profile, grant roles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.common.models import AppSetting, Person, Role
from storage.upsert import insert_or_find


class IdentityColumn(StrEnum):
    """The Person column that holds a platform's user id."""

    SLACK = "slack_user_id"
    TEAMS = "teams_user_id"
    CONSOLE = "console_user_id"


async def by_identity(session: AsyncSession, column: IdentityColumn, user_id: str
                      ) -> Person | None:
    statement = select(Person).where(getattr(Person, column.value) == user_id)
    return (await session.exec(statement)).first()


async def teams_user_id_of(session: AsyncSession, picked: str) -> str | None:
    """The Teams user id (29:...) of a person Teams' people picker named by their Microsoft
    Entra object id, or who is named by that Teams user id; None for someone never seen."""
    for column in (Person.teams_aad_object_id, Person.teams_user_id):
        statement = select(Person.teams_user_id).where(
            column == picked, col(Person.teams_user_id).is_not(None)).order_by(Person.id)
        if (found := (await session.exec(statement)).first()) is not None:
            return found
    return None


async def get_or_create(session: AsyncSession, column: IdentityColumn, user_id: str, *,
                        now: datetime, display_name: str = "") -> tuple[Person, bool]:
    """The person with this platform id, created on first sight; (person, created)."""
    person = await by_identity(session, column, user_id)
    if person is not None:
        return person, False
    person = Person(display_name=display_name or user_id, created_at=now)
    setattr(person, column.value, user_id)
    # Another request may create them between our read and our write.
    return await insert_or_find(session, person,
                                lambda: by_identity(session, column, user_id))


FIRST_ADMIN_KEY = "install.first_admin"


async def claim_first_admin(session: AsyncSession, person: Person, *, now: datetime) -> bool:
    """True for exactly one caller ever: the unique key settles concurrent first arrivals."""
    try:
        async with session.begin_nested():
            session.add(AppSetting(key=FIRST_ADMIN_KEY, value=str(person.id), updated_at=now))
            await session.flush()
    except IntegrityError:
        return False
    return True


async def get_or_create_many(session: AsyncSession, column: IdentityColumn,
                             user_ids: Sequence[str], *, now: datetime) -> list[Person]:
    """The people with these platform ids, creating the unknown ones: two statements."""
    wanted = list(dict.fromkeys(user_ids))
    if not wanted:
        return []
    attribute = getattr(Person, column.value)
    known = {getattr(p, column.value): p for p in (await session.exec(
        select(Person).where(attribute.in_(wanted)))).all()}
    for user_id in wanted:
        if user_id not in known:
            known[user_id], _ = await get_or_create(session, column, user_id, now=now)
    return [known[user_id] for user_id in wanted]


async def count_admins(session: AsyncSession) -> int:
    statement = select(func.count()).select_from(Person).where(Person.role == Role.ADMIN)
    return (await session.exec(statement)).one()


async def all_people(session: AsyncSession) -> Sequence[Person]:
    return (await session.exec(select(Person).order_by(Person.id))).all()


async def set_role(session: AsyncSession, person: Person, role: Role) -> None:
    person.role = role
    session.add(person)
    await session.flush()
