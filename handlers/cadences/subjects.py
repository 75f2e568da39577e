"""What each person answers about on a cadence's day: one answer (a standup), or each partner
of a check-in by its row: the partners the check-in lists, else those the person owns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from handlers.cadences.kinds import KINDS
from handlers.common.context import Services
from storage.cadences import repository as cadences
from storage.cadences.models import Cadence, Occurrence
from storage.common.models import Partner
from storage.common.names import name_key
from storage.partners import repository as partners


@dataclass(frozen=True, eq=False)
class Subject:
    """One thing a person answers about: a partner (a check-in), or nothing (a standup)."""

    partner: Partner | None = None

    @property
    def partner_id(self) -> int | None:
        return self.partner.id if self.partner is not None else None

    @property
    def name(self) -> str:
        return self.partner.name if self.partner is not None else ""


NO_SUBJECT = Subject()


@dataclass(frozen=True)
class Asked:
    """Who a cadence asks about what: the same partners for everyone when it lists some,
    else each person's own (`listed` is None then)."""

    about_partners: bool
    listed: tuple[Partner, ...] | None = None
    owned: Mapping[int, Sequence[Partner]] = field(default_factory=dict)
    # A day's prompts as they went out: what each person prompted that day owes, whatever
    # changed since (owners, the list, archiving).
    recorded: Mapping[int, Sequence[Partner]] = field(default_factory=dict)

    def of(self, person_id: int) -> tuple[Subject, ...]:
        """What the person is asked about: as their prompt of the day recorded it, else as
        the check-in stands now; () when a check-in has nothing to ask them (an archived
        partner is no longer asked about)."""
        if not self.about_partners:
            return (NO_SUBJECT,)
        if person_id in self.recorded:
            return tuple(Subject(partner) for partner in self.recorded[person_id])
        return self.current(person_id)

    def current(self, person_id: int) -> tuple[Subject, ...]:
        """What a prompt sent now would ask the person about."""
        if not self.about_partners:
            return (NO_SUBJECT,)
        mine = self.listed if self.listed is not None else self.owned.get(person_id, ())
        return tuple(Subject(partner) for partner in mine if partner.archived_at is None)

    @property
    def by_owner(self) -> bool:
        """A check-in that lists no partners: each person is asked about the ones they own."""
        return self.about_partners and self.listed is None

    def nothing_to_answer(self, cadence_name: str) -> str:
        """Why a check-in asks someone nothing."""
        if self.listed is not None:
            return (f"Every partner {cadence_name} asks about is archived, so there is "
                    "nothing to answer.")
        return (f"{cadence_name} asks each person about the partners they own, and you own "
                "none right now, so there is nothing to answer. An admin can make you a "
                "partner's owner.")

    def describe(self) -> str:
        """The partners asked about, as the setup summary shows them."""
        if self.listed is not None:
            return ", ".join(partner.name for partner in self.listed)
        return "each participant's own partners (the ones they own)"


async def asked_by(services: Services, cadence: Cadence,
                   person_ids: Iterable[int] = ()) -> Asked:
    """What `cadence` asks each of `person_ids` about (their own partners are looked up only
    for a check-in listing none)."""
    if not KINDS[cadence.kind].about_partners:
        return Asked(about_partners=False)
    async with services.db.session() as session:
        listed = (await cadences.listed_partners(session, [cadence.id or 0])).get(
            cadence.id or 0)
        if listed:
            return Asked(True, tuple(listed))
        owned = await partners.owned_by_each(session, cadence.workspace_id, list(person_ids))
    return Asked(True, None, owned)


async def asked_on(services: Services, cadence: Cadence, occurrence: Occurrence,
                   person_ids: Iterable[int] = ()) -> Asked:
    """What `cadence` asks each of `person_ids` about on `occurrence`'s day: as recorded when
    their prompt went out, else as it stands now."""
    ids = list(person_ids)
    asked = await asked_by(services, cadence, ids)
    if not asked.about_partners:
        return asked
    async with services.db.session() as session:
        recorded = await cadences.asked_partners(session, occurrence.id or 0)
    return replace(asked, recorded=recorded)


async def remember_asked(services: Services, occurrence: Occurrence, asked: Asked,
                         person_ids: Iterable[int]) -> None:
    """Record what each of `person_ids` is asked about on the day, as their prompt goes out."""
    if not asked.about_partners:
        return
    chosen = {person_id: [subject.partner_id or 0 for subject in asked.of(person_id)]
              for person_id in person_ids}
    async with services.db.session() as session:
        await cadences.remember_asked(session, occurrence.id or 0, chosen)


def named_in(subjects: Sequence[Subject], name: str) -> Subject | None:
    """The partner among `subjects` called `name` (whatever its case, spacing or quotes)."""
    key = name_key(name)
    return next((subject for subject in subjects
                 if subject.partner is not None and subject.partner.name_key == key), None)


def by_partner_id(subjects: Sequence[Subject], partner_id: int | None) -> Subject | None:
    return next((subject for subject in subjects if subject.partner_id == partner_id), None)
