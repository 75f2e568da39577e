"""Channels admins chose for a feature (e.g. where elephant reports go), per workspace."""

from __future__ import annotations

from dataclasses import replace

from bot.core.commands import SettingSpec
from bot.core.conversation import ConversationKind, ConversationRef
from handlers.common.context import Services, conversation_in
from storage.common import settings
from storage.common.models import Workspace


async def named(services: Services, conversation: ConversationRef) -> ConversationRef:
    """`conversation` with its name, asked of its platform when the reference has none."""
    if conversation.name or conversation.kind is ConversationKind.DIRECT:
        return conversation
    directory = services.channels.get(conversation.platform)
    name = await directory.name(conversation.id, conversation.workspace) if directory else ""
    return replace(conversation, name=name) if name else conversation


async def chosen_channel(services: Services, workspace: Workspace,
                         setting: SettingSpec) -> ConversationRef | None:
    """The channel an admin chose for `setting` in this workspace, if any."""
    async with services.db.session() as session:
        stored = await settings.get(session, workspace.id or 0, setting.name)
    channel = ConversationRef.from_dict(stored)
    return await named(services, conversation_in(workspace, channel)) \
        if channel is not None else None


async def choose_channel(services: Services, workspace: Workspace, setting: SettingSpec,
                         channel: ConversationRef) -> None:
    channel = await named(services, conversation_in(workspace, channel))
    async with services.db.session() as session:
        await settings.put(session, workspace.id or 0, setting.name, channel.to_dict(),
                           now=services.clock.now())
