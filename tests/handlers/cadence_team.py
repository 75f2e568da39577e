"""A team driving the real Dispatcher as a platform would, and an Outbox that records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bot.app import Application
from bot.core.cards import as_card
from bot.core.clock import SimulatedClock
from bot.core.conversation import Actor, ConversationKind, ConversationRef, Platform
from bot.core.forms import FieldValue, Form, Submission
from bot.core.ids import ActionId
from bot.core.requests import ActionInvocation, Invocation
from bot.core.responses import OpenForm, Reply, Response
from storage.cadences import repository as cadences
from storage.cadences.models import Answer, Cadence, Occurrence
from storage.common import people, workspaces
from storage.common.models import Person, Role, Workspace
from storage.partners import repository as partners
from tests.fakes.recording_outbox import RecordingOutbox

GENERAL = ConversationRef(Platform.CONSOLE, "general", ConversationKind.CHANNEL, "general")
REPORTS = "standup-reports"
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


@dataclass
class Directory:
    """A ChannelDirectory from a dict: channel id -> member user ids; and which are shared."""

    members_of: dict[str, list[str]] = field(default_factory=dict)
    # Channels another organisation shares (Slack Connect).
    shared: set[str] = field(default_factory=set)

    async def shared_outside(self, conversation_id: str, workspace: str = "") -> bool:
        return conversation_id in self.shared

    async def bot_is_in(self, conversation_id: str, workspace: str = "") -> bool | None:
        return None

    async def members(self, conversation_id: str, workspace: str = "") -> list[str]:
        return list(self.members_of.get(conversation_id, []))

    async def name(self, conversation_id: str, workspace: str = "") -> str:
        """Console-like: a channel's id is its name."""
        return conversation_id.removeprefix("#")


def text_of(response: Response) -> str:
    assert isinstance(response, Reply), response
    return as_card(response.content).plain_text()


def form_of(response: Response) -> Form:
    assert isinstance(response, OpenForm), response
    return response.form


def setup_values(**overrides: FieldValue) -> dict[str, FieldValue]:
    values: dict[str, FieldValue] = {
        "name": "Daily", "report_channel": REPORTS, "participants": ["ana", "bob"],
        "days": list(WEEKDAYS), "local_time": "09:00", "close_time": "17:00",
        "reminder_minutes": "120", "questions": "", "skip_weekends": True,
        "holiday_country": "",
    }
    values.update(overrides)
    return values


@dataclass
class Team:
    application: Application
    outbox: RecordingOutbox
    clock: SimulatedClock
    directory: Directory
    zones: dict[str, str] = field(default_factory=dict)

    def actor(self, user: str) -> Actor:
        return Actor(Platform.CONSOLE, user, user.capitalize(), timezone=self.zones.get(user))

    async def command(self, user: str, text: str,
                      where: ConversationRef = GENERAL) -> Response:
        word, _, rest = text.partition(" ")
        return await self.application.dispatcher.command(
            Invocation(self.actor(user), where, word, rest))

    async def submit(self, user: str, form: Form, values: dict[str, FieldValue],
                     where: ConversationRef = GENERAL) -> Response:
        return await self.application.dispatcher.submit(
            Submission(form.id, self.actor(user), where, values, dict(form.context)))

    async def press(self, user: str, action: ActionId, value: str,
                    where: ConversationRef | None = None) -> Response:
        """A button pressed in `where`: by default the person's direct conversation."""
        dm = ConversationRef(Platform.CONSOLE, f"dm-{user}", ConversationKind.DIRECT)
        return await self.application.dispatcher.action(
            ActionInvocation(self.actor(user), where or dm, action, value))

    async def set_up(self, user: str = "ana", command: str = "standup",
                     **overrides: FieldValue) -> Response:
        """The setup form submitted; `partners` given as lines of names are made partners
        first (as `partner add` would) and chosen from the list by id."""
        if isinstance(names := overrides.get("partners"), str):
            overrides["partners"] = await self.partner_ids(names.splitlines())
        form = form_of(await self.command(user, f"{command} setup"))
        return await self.submit(user, form, setup_values(**overrides))

    async def partner_ids(self, names: list[str]) -> list[str]:
        """The partners called `names` (made if missing), as the setup form offers them."""
        workspace = await self.workspace()
        ids = []
        async with self.application.database.session() as session:
            for name in (name.strip() for name in names if name.strip()):
                found = await partners.by_name(session, workspace.id or 0, name) or \
                    await partners.add(session, workspace_id=workspace.id or 0, name=name,
                                       type=None, tier=None, owner_id=None,
                                       now=self.clock.now())
                ids.append(str(found.id))
        return ids

    async def partner_id(self, name: str) -> int:
        """The partner called `name` (made if missing), by its row."""
        return int((await self.partner_ids([name]))[0])

    # What the database holds.

    async def listed_partners(self, cadence: str) -> list[str]:
        """The names of the partners a check-in lists, in order."""
        found = await self.cadence(cadence)
        async with self.application.database.session() as session:
            listed = await cadences.listed_partners(session, [found.id or 0])
        return [partner.name for partner in listed.get(found.id or 0, [])]

    async def workspace(self) -> Workspace:
        """The console's one workspace."""
        async with self.application.database.session() as session:
            return await workspaces.for_external_id(session, Platform.CONSOLE.value, "",
                                                    now=self.clock.now())

    async def cadences(self) -> list[Cadence]:
        workspace = await self.workspace()
        async with self.application.database.session() as session:
            return list(await cadences.all_cadences(session, workspace.id or 0))

    async def cadence(self, name: str) -> Cadence:
        workspace = await self.workspace()
        async with self.application.database.session() as session:
            found = await cadences.by_name(session, workspace.id or 0, name)
        assert found is not None, name
        return found

    async def person(self, user: str) -> Person:
        async with self.application.database.session() as session:
            found = await people.by_identity(session, (await self.workspace()).id or 0,
                                             Platform.CONSOLE.value, user)
        assert found is not None, user
        return found

    async def participant_ids(self, name: str) -> list[str]:
        cadence = await self.cadence(name)
        async with self.application.database.session() as session:
            found = await cadences.participants(session, cadence.id or 0)
            members = await people.members(session, [person.id or 0 for person in found],
                                           Platform.CONSOLE.value)
        return [member.user_id for member in members]

    async def make_role(self, user: str, role: Role) -> None:
        await self.command(user, "partnerops whoami")
        async with self.application.database.session() as session:
            found = await people.by_identity(session, (await self.workspace()).id or 0,
                                             Platform.CONSOLE.value, user)
            assert found is not None
            await people.set_role(session, found, role)

    async def occurrence(self, name: str, day: date, close_at: datetime) -> Occurrence:
        cadence = await self.cadence(name)
        async with self.application.database.session() as session:
            return await cadences.ensure_occurrence(session, cadence.id or 0, day,
                                                    close_at=close_at, now=self.clock.now())

    async def reload(self, occurrence: Occurrence) -> Occurrence:
        async with self.application.database.session() as session:
            found = await cadences.get_occurrence(session, occurrence.id or 0)
        assert found is not None
        return found

    async def answers(self, occurrence: Occurrence) -> list[Answer]:
        async with self.application.database.session() as session:
            return list(await cadences.answers(session, occurrence.id or 0))
