"""Channels admins chose per platform (e.g. where elephant reports go), stored as settings."""

from __future__ import annotations

import json

from bot.core.conversation import ConversationRef, Platform
from handlers.common.context import Services
from storage.common import settings as app_settings

ELEPHANTS_CHANNEL = "elephants-channel"
CHANNEL_SETTINGS = (ELEPHANTS_CHANNEL,)


def _key(name: str, platform: Platform) -> str:
    return f"{name}.{platform.value}"


async def chosen_channel(services: Services, name: str,
                         platform: Platform) -> ConversationRef | None:
    """The channel an admin chose for `name` on this platform, if any."""
    async with services.db.session() as session:
        stored = await app_settings.get(session, _key(name, platform))
    return ConversationRef.from_dict(json.loads(stored)) if stored else None


async def choose_channel(services: Services, name: str, channel: ConversationRef) -> None:
    async with services.db.session() as session:
        await app_settings.put(session, _key(name, channel.platform),
                               json.dumps(channel.to_dict()), now=services.clock.now())
