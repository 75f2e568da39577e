"""Teams conversations as a ChannelDirectory: members from the Bot Framework roster, channel
names from the team's channel list."""

from __future__ import annotations

import asyncio
import logging

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import PagedMembersResult
from botframework.connector.aio import ConnectorClient
from msrest.exceptions import ClientException

from bot.core.conversation import ConversationKind
from bot.core.errors import DeliveryError
from bot.platforms.teams.proactive import Proactive
from bot.platforms.teams.references import References, StoredReference

log = logging.getLogger(__name__)

# Teams lists a team's first channel without a name: the one every team has.
GENERAL = "General"
# Teams accepts 50 to 500; fewer calls matter more than smaller answers.
PAGE_SIZE = 500
MAX_PAGES = 200


class TeamsChannels:
    """Lists the members of a conversation the bot has heard from, as Teams user ids (29:...).

    A standard channel's roster is its team's. The conversation's stored reference supplies
    the service URL, as for proactive messages; a conversation the bot never heard from (or
    a roster Teams refuses) gives an empty list and a warning.
    """

    def __init__(self, proactive: Proactive, references: References) -> None:
        self._proactive = proactive
        self._references = references
        self._names: dict[str, str] = {}

    async def name(self, conversation_id: str, workspace: str = "") -> str:
        """A team channel's name from its team's channel list; "" if Teams will not say."""
        if conversation_id in self._names:
            return self._names[conversation_id]
        stored = await self._references.find(conversation_id)
        if stored is None or stored.kind is not ConversationKind.CHANNEL or not stored.team_id:
            return ""
        team = stored.team_id

        async def channels(context: TurnContext) -> list[tuple[str, str]]:
            client = await TeamsInfo.get_teams_connector_client(context)
            # The Teams connector client is synchronous (requests): off the event loop.
            listed = await asyncio.to_thread(client.teams.get_teams_channels, team)
            return [(channel.id, channel.name or GENERAL) for channel in listed.conversations]

        try:
            listed = await self._proactive.in_turn(stored, channels, "list a team's channels")
        except (DeliveryError, ClientException, OSError) as error:
            log.warning("could not find out a Teams channel's name: %s", error)
            return ""
        self._names.update(listed)
        return self._names.get(conversation_id, "")

    async def bot_is_in(self, conversation_id: str, workspace: str = "") -> bool | None:
        """A channel of a team the bot is installed in: posting there proves it."""
        return None

    async def shared_outside(self, conversation_id: str, workspace: str = "") -> bool:
        """Unknown here: a stored reference does not say whether a channel is shared. Its
        members who are partner contacts or guests still show it (handlers check those)."""
        return False

    async def members(self, conversation_id: str, workspace: str = "") -> list[str]:
        """The member ids in Teams' order, without the bot; empty if they cannot be listed."""
        stored = await self._references.find(conversation_id)
        if stored is None:
            log.warning("cannot list the members of a Teams conversation the bot has not "
                        "heard from")
            return []
        conversation = stored.reference.conversation.id
        members: list[str] = []
        token: str | None = None
        try:
            for _ in range(MAX_PAGES):
                page = await self._page(stored, conversation, token)
                members.extend(member.id for member in page.members or () if member.id)
                token = page.continuation_token or None
                if token is None:
                    break
        except DeliveryError as error:
            log.warning("could not list the members of a Teams conversation: %s", error)
            return []
        bot = stored.reference.bot.id if stored.reference.bot else None
        return [member for member in dict.fromkeys(members) if member != bot]

    async def _page(self, stored: StoredReference, conversation: str,
                    token: str | None) -> PagedMembersResult:
        async def operation(client: ConnectorClient) -> PagedMembersResult:
            return await client.conversations.get_conversation_paged_members(
                conversation, page_size=PAGE_SIZE, continuation_token=token)

        page: PagedMembersResult = await self._proactive.call(
            stored, operation, "list conversation members")
        return page
