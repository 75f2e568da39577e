"""Channels admins chose for a feature (e.g. where elephant reports go), per workspace."""

from __future__ import annotations

from dataclasses import replace

from bot.core.commands import SettingSpec
from bot.core.conversation import ConversationKind, ConversationRef
from bot.core.errors import UserError
from bot.core.forms import HERE, Submission
from handlers.common.context import Services, conversation_in
from storage.common import people, settings
from storage.common.models import Workspace


async def named(services: Services, conversation: ConversationRef) -> ConversationRef:
    """`conversation` with its name, asked of its platform when the reference has none."""
    if conversation.name or conversation.kind is ConversationKind.DIRECT:
        return conversation
    directory = services.channels.get(conversation.platform)
    name = await directory.name(conversation.id, conversation.workspace) if directory else ""
    return replace(conversation, name=name) if name else conversation


def channel_in_form(submission: Submission, field: str, label: str,
                    asked_in: str | None = None) -> ConversationRef | None:
    """A form's CHANNEL field as a conversation: a channel id, or `here` (where the form was
    opened; `asked_in`, the channel a form sent to a direct conversation was asked from)."""
    value = submission.text(field)
    if not value:
        return None
    here = submission.conversation
    if here.kind is ConversationKind.DIRECT and asked_in:
        here = ConversationRef(here.platform, asked_in, ConversationKind.CHANNEL)
    if value.lower() == HERE:
        if here.kind is ConversationKind.DIRECT:
            raise UserError(f"`{HERE}` is our direct conversation, which can't be the {label}; "
                            "choose a channel, or open the form from the channel itself.",
                            example="#partner-standup", field=field)
        return here
    if value == here.id:
        return here
    return ConversationRef(here.platform, value, ConversationKind.CHANNEL)


async def partners_can_read(services: Services, workspace: Workspace,
                            channel: ConversationRef) -> str | None:
    """Why partners could read `channel` (another organisation shares it, or a partner's
    people are in it); None when nothing says so."""
    directory = services.channels.get(channel.platform)
    if directory is None or channel.kind is ConversationKind.DIRECT:
        return None
    if await directory.shared_outside(channel.id, channel.workspace):
        return "it is shared with another organisation (Slack Connect)"
    members = await directory.members(channel.id, channel.workspace)
    async with services.db.session() as session:
        outsiders = await people.partner_facing(session, workspace.id or 0,
                                                channel.platform.value, members)
    if not outsiders:
        return None
    names = ", ".join(person.display_name or "a partner contact" for person in outsiders[:3])
    more = f" and {len(outsiders) - 3} more" if len(outsiders) > 3 else ""
    return f"partner contacts are in it ({names}{more})"


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
