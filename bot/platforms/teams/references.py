"""Conversation references: saved on every inbound activity, loaded for proactive messages."""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ConversationReference

from bot.core.conversation import ConversationKind, Platform
from bot.core.ports import ReferenceStore
from bot.platforms.teams.parse import (
    KINDS,
    conversation_of,
    conversation_type,
    team_of,
    tenant_of,
)

PLATFORM = Platform.TEAMS.value
# Each person's 1:1 chat is also stored under this key, for private messages.
PERSONAL_KEY = "personal:"
# The conversation heard from last in each tenant is also stored under this key and the
# tenant: its service URL lets the bot open a 1:1 chat with someone who never wrote to it.
LATEST_KEY = "latest:"
NO_RECORD = "I have no record of that Teams conversation; mention me there once"


@dataclass(frozen=True)
class StoredReference:
    """A conversation reference with the tenant and kind that Bot Framework forgets."""

    reference: ConversationReference
    tenant_id: str | None
    kind: ConversationKind
    team_id: str | None = None  # a channel's team: where its name can be looked up


def dump(reference: ConversationReference, tenant_id: str | None, kind: str,
         team_id: str | None = None) -> dict[str, Any]:
    """A reference as a JSON document, carrying the tenant as Teams spells it (`tenantId`).

    ConversationAccount serialises its tenant as `tenantID` and ignores Teams' `tenantId`, so
    the tenant would silently vanish from `reference.serialize()`.
    """
    data = reference.serialize()
    conversation = data.setdefault("conversation", {})
    conversation["conversationType"] = kind
    if tenant_id:
        conversation["tenantId"] = tenant_id
    if team_id:
        conversation["teamId"] = team_id
    return dict(data)


def load(data: dict[str, Any]) -> StoredReference:
    """A reference from `dump`'s document, with its tenant restored."""
    reference = ConversationReference().deserialize(data)
    raw = data.get("conversation") or {}
    tenant = raw.get("tenantId") or raw.get("tenantID")
    if tenant:
        reference.conversation.tenant_id = tenant
    kind = KINDS.get(str(raw.get("conversationType")), ConversationKind.CHANNEL)
    return StoredReference(reference, tenant, kind, raw.get("teamId") or None)


class References:
    """The ReferenceStore port in Teams terms."""

    def __init__(self, store: ReferenceStore) -> None:
        self._store = store
        # tenant -> what this process last stored there
        self._latest: dict[str, dict[str, Any]] = {}

    async def remember(self, activity: Activity) -> None:
        """Store where `activity` came from; a channel thread is stored as its channel."""
        reference = TurnContext.get_conversation_reference(activity)
        where = conversation_of(activity)
        reference.conversation.id = where.id  # the channel itself, not the command's thread
        reference.activity_id = None  # proactive messages start fresh, they reply to nothing
        kind, tenant = conversation_type(activity), tenant_of(activity)
        text = dump(reference, tenant, kind, team_of(activity))
        keys = [where.id]
        if kind == "personal" and activity.from_property and activity.from_property.id:
            keys.append(PERSONAL_KEY + activity.from_property.id)
        for key in keys:
            await self._store.save_reference(
                platform=PLATFORM, workspace=tenant or "", conversation_id=key, reference=text,
                conversation_type=kind, tenant_id=tenant, service_url=activity.service_url)
        if tenant:
            await self._remember_latest(reference, tenant, kind)

    async def _remember_latest(self, reference: ConversationReference, tenant: str,
                               kind: str) -> None:
        """Store `reference` as the tenant's latest, without its sender, unless this process
        just did."""
        anyone = copy(reference)
        anyone.user = None
        text = dump(anyone, tenant, kind)
        if self._latest.get(tenant) == text:
            return
        await self._store.save_reference(
            platform=PLATFORM, workspace=tenant, conversation_id=LATEST_KEY + tenant,
            reference=text, conversation_type=kind, tenant_id=tenant,
            service_url=reference.service_url)
        self._latest[tenant] = text

    async def find(self, conversation_id: str) -> StoredReference | None:
        """The stored reference of a conversation, if the bot has ever heard from it."""
        document = await self._store.load_reference(PLATFORM, conversation_id)
        return load(document) if document else None

    async def latest(self, tenant: str) -> StoredReference | None:
        """The conversation of `tenant` the bot heard from last, in any process."""
        return await self.find(LATEST_KEY + tenant) if tenant else None

    async def personal(self, user_id: str) -> StoredReference | None:
        """The 1:1 chat between the bot and `user_id`, if one is stored."""
        return await self.find(PERSONAL_KEY + user_id)

    async def save_personal(self, user_id: str, reference: ConversationReference,
                            tenant_id: str | None) -> None:
        """Store a newly created 1:1 chat with `user_id` under both of its keys."""
        text = dump(reference, tenant_id, "personal")
        for key in (reference.conversation.id, PERSONAL_KEY + user_id):
            await self._store.save_reference(
                platform=PLATFORM, workspace=tenant_id or "", conversation_id=key,
                reference=text,
                conversation_type="personal", tenant_id=tenant_id,
                service_url=reference.service_url)
