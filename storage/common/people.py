"""People and their platform identities: found or created per workspace, roles granted."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.common.models import ContactInvite, Partner, Person, PersonIdentity, Role
from storage.upsert import insert_or_find


@dataclass(frozen=True, slots=True)
class PersonRow:
    """A person's columns as read for a fan-out, without the ORM's bookkeeping: about ten
    objects a person become one, and every full garbage collection during a 10,000-person
    fan-out walks them all. Read-only: people change through `Person`."""

    id: int
    workspace_id: int
    display_name: str
    timezone: str | None
    chosen_timezone: str | None
    role: Role
    partner_id: int | None
    is_external: bool


# Person's columns in PersonRow's order: select(*PERSON_ROW) rows build PersonRow(*row).
PERSON_ROW = tuple(getattr(Person, column.name) for column in fields(PersonRow))


@dataclass(frozen=True, slots=True)
class Member:
    """A person and the platform user id the bot reaches them by."""

    person: Person | PersonRow
    user_id: str
    directory_id: str | None = None
    # When they joined what they are a member of (a cadence), where that is known.
    joined_at: datetime | None = None


async def by_identity(session: AsyncSession, workspace_id: int, platform: str, user_id: str
                      ) -> Person | None:
    statement = (select(Person).join(PersonIdentity, col(PersonIdentity.person_id) == Person.id)
                 .where(PersonIdentity.workspace_id == workspace_id,
                        PersonIdentity.platform == platform, PersonIdentity.user_id == user_id))
    return (await session.exec(statement)).first()


async def identity(session: AsyncSession, workspace_id: int, platform: str, user_id: str
                   ) -> PersonIdentity | None:
    statement = select(PersonIdentity).where(PersonIdentity.workspace_id == workspace_id,
                                             PersonIdentity.platform == platform,
                                             PersonIdentity.user_id == user_id)
    return (await session.exec(statement)).first()


async def user_id_picked(session: AsyncSession, workspace_id: int, platform: str,
                         picked: str) -> str | None:
    """The platform user id of someone the bot has seen, whom a people picker named by
    their directory id (or by that user id); None for a stranger."""
    for column in (PersonIdentity.directory_id, PersonIdentity.user_id):
        statement = (select(PersonIdentity.user_id)
                     .where(PersonIdentity.workspace_id == workspace_id,
                            PersonIdentity.platform == platform, column == picked)
                     .order_by(col(PersonIdentity.id)))
        if (found := (await session.exec(statement)).first()) is not None:
            return found
    return None


async def partner_facing(session: AsyncSession, workspace_id: int, platform: str,
                         user_ids: Sequence[str]) -> list[Person]:
    """The people among `user_ids` who belong to a partner: its contacts, and guests from
    another organisation."""
    if not user_ids:
        return []
    statement = (select(Person).join(PersonIdentity, col(PersonIdentity.person_id) == Person.id)
                 .where(PersonIdentity.workspace_id == workspace_id,
                        PersonIdentity.platform == platform,
                        col(PersonIdentity.user_id).in_(list(dict.fromkeys(user_ids))),
                        (col(Person.role) == Role.PARTNER_CONTACT)
                        | col(Person.is_external).is_(True))
                 .order_by(col(Person.display_name)))
    found = {person.id: person for person in (await session.exec(statement)).all()}
    return list(found.values())


async def get_or_create(session: AsyncSession, workspace_id: int, platform: str, user_id: str,
                        *, now: datetime, display_name: str = "") -> tuple[Person, bool]:
    """The person with this platform id in the workspace, created on first sight."""
    person = await by_identity(session, workspace_id, platform, user_id)
    if person is not None:
        return person, False
    created = Person(workspace_id=workspace_id, display_name=display_name or user_id,
                     created_at=now)
    account = PersonIdentity(workspace_id=workspace_id, platform=platform, user_id=user_id,
                             created_at=now)

    async def find() -> PersonIdentity | None:
        return await identity(session, workspace_id, platform, user_id)

    # Another request may create them between our read and our write: the identity's
    # unique key decides, and the loser's person row goes with its savepoint.
    async def insert_person() -> None:
        session.add(created)
        await session.flush()
        account.person_id = created.id or 0

    row, inserted = await insert_or_find(session, account, find, before=insert_person)
    if inserted:
        return created, True
    found = await session.get(Person, row.person_id)
    assert found is not None
    return found, False


async def get_or_create_many(session: AsyncSession, workspace_id: int, platform: str,
                             user_ids: Sequence[str], *, now: datetime) -> list[Person]:
    """The people with these platform ids, creating the unknown ones."""
    wanted = list(dict.fromkeys(user_ids))
    if not wanted:
        return []
    statement = (select(PersonIdentity.user_id, Person)
                 .join(Person, col(Person.id) == PersonIdentity.person_id)
                 .where(PersonIdentity.workspace_id == workspace_id,
                        PersonIdentity.platform == platform,
                        col(PersonIdentity.user_id).in_(wanted)))
    known: dict[str, Person] = dict((await session.exec(statement)).all())
    for user_id in wanted:
        if user_id not in known:
            known[user_id], _ = await get_or_create(session, workspace_id, platform, user_id,
                                                    now=now)
    return [known[user_id] for user_id in wanted]


async def members(session: AsyncSession, person_ids: Sequence[int], platform: str
                  ) -> list[Member]:
    """The people of `person_ids` who have an identity on `platform`, in that order."""
    if not person_ids:
        return []
    statement = (select(Person, PersonIdentity)
                 .join(PersonIdentity, col(PersonIdentity.person_id) == Person.id)
                 .where(col(Person.id).in_(person_ids), PersonIdentity.platform == platform)
                 .order_by(col(PersonIdentity.id)))
    found: dict[int, Member] = {}
    for person, account in (await session.exec(statement)).all():
        found.setdefault(person.id or 0, Member(person, account.user_id, account.directory_id))
    return [found[person_id] for person_id in dict.fromkeys(person_ids) if person_id in found]


async def remember_account(session: AsyncSession, person: Person, platform: str, user_id: str,
                           *, directory_id: str | None = None,
                           home_team_id: str | None = None) -> None:
    """What a request told about the person's account: their directory id and home team."""
    account = await identity(session, person.workspace_id, platform, user_id)
    if account is None:
        return
    account.directory_id = directory_id or account.directory_id
    account.home_team_id = home_team_id or account.home_team_id
    session.add(account)


async def count_admins(session: AsyncSession, workspace_id: int) -> int:
    statement = select(func.count()).select_from(Person).where(
        Person.workspace_id == workspace_id, Person.role == Role.ADMIN)
    return (await session.exec(statement)).one()


async def with_role(session: AsyncSession, workspace_id: int, role: Role) -> Sequence[Person]:
    statement = select(Person).where(Person.workspace_id == workspace_id,
                                     Person.role == role).order_by(col(Person.display_name))
    return (await session.exec(statement)).all()


async def get(session: AsyncSession, person_id: int) -> Person | None:
    return await session.get(Person, person_id)


async def set_role(session: AsyncSession, person: Person, role: Role) -> None:
    person.role = role
    session.add(person)
    await session.flush()


async def claim_invite(session: AsyncSession, person: Person) -> Partner | None:
    """If `person`'s email was named as a partner's contact before they were seen here,
    they become that partner's contact now (an admin stays an admin)."""
    if not person.email or person.partner_id is not None or person.role is Role.ADMIN:
        return None
    statement = select(ContactInvite).where(ContactInvite.workspace_id == person.workspace_id,
                                            ContactInvite.email_key == person.email.lower())
    found = (await session.exec(statement)).first()
    if found is None:
        return None
    partner = await session.get(Partner, found.partner_id)
    await session.delete(found)
    if partner is not None:
        person.partner_id, person.role = partner.id, Role.PARTNER_CONTACT
        session.add(person)
    await session.flush()
    return partner


async def by_ids(session: AsyncSession, person_ids: Iterable[int]) -> dict[int, Person]:
    """Person id -> person, for these ids (in one query)."""
    ids = list(person_ids)
    if not ids:
        return {}
    statement = select(Person).where(col(Person.id).in_(ids))
    return {person.id or 0: person for person in (await session.exec(statement)).all()}
