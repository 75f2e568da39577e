"""Slack channels as a ChannelDirectory: members (conversations.members) and names
(conversations.info)."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms.slack.outbox import explain
from bot.platforms.slack.tokens import NotInstalled, SlackTokens

log = logging.getLogger(__name__)

PAGE_SIZE = 200
# A runaway cursor must not page forever: 500 pages of 200 is 100,000 members.
MAX_PAGES = 500


class SlackChannels:
    """Lists a conversation's members, without the bot itself.

    conversations.members lists other bots (and deactivated users) too, and telling them
    apart would take a users.info call per member; we drop only the bot's own user id. The
    caller keeps the people it can reach (a bot prompted by DM simply never answers).
    """

    def __init__(self, client: AsyncWebClient, tokens: SlackTokens) -> None:
        self._client = client
        self._tokens = tokens
        self._names: dict[tuple[str, str], str] = {}

    async def name(self, conversation_id: str, workspace: str = "") -> str:
        """The channel's name (conversations.info), remembered; "" if Slack will not say."""
        key = (workspace, conversation_id)
        if key in self._names:
            return self._names[key]
        try:
            token = await self._tokens.token(workspace)
            answer = await self._client.conversations_info(channel=conversation_id, token=token)
        except (TimeoutError, SlackClientError, aiohttp.ClientError, NotInstalled) as error:
            log.warning("could not find out a Slack channel's name: %s", explain(error))
            return ""
        channel = answer.get("channel") or {}
        found = "" if channel.get("is_im") else str(channel.get("name") or "")
        if found:
            self._names[key] = found
        return found

    async def _info(self, conversation_id: str, workspace: str, what: str
                    ) -> dict[str, Any] | None:
        """conversations.info's channel, asked every time (membership and sharing change at
        any moment); None, and a warning about `what`, if Slack will not say."""
        try:
            token = await self._tokens.token(workspace)
            answer = await self._client.conversations_info(channel=conversation_id, token=token)
        except (TimeoutError, SlackClientError, aiohttp.ClientError, NotInstalled) as error:
            log.warning("could not find out %s: %s", what, explain(error))
            return None
        return dict(answer.get("channel") or {})

    async def bot_is_in(self, conversation_id: str, workspace: str = "") -> bool | None:
        """is_member (a public channel takes posts without it, but sends the bot none of its
        messages); None if Slack will not say."""
        channel = await self._info(conversation_id, workspace,
                                   "whether the bot is in a Slack channel")
        member = channel.get("is_member") if channel is not None else None
        return bool(member) if member is not None else None

    async def shared_outside(self, conversation_id: str, workspace: str = "") -> bool:
        """A Slack Connect channel, or one invited to become one; False if Slack will not
        say."""
        channel = await self._info(conversation_id, workspace,
                                   "whether a Slack channel is shared") or {}
        return bool(channel.get("is_ext_shared") or channel.get("is_pending_ext_shared"))

    async def members(self, conversation_id: str, workspace: str = "") -> list[str]:
        """The member user ids in Slack's order; empty (and a warning) if Slack refused."""
        members: list[str] = []
        cursor: str | None = None
        try:
            token = await self._tokens.token(workspace)
            for _ in range(MAX_PAGES):
                page = await self._client.conversations_members(
                    channel=conversation_id, limit=PAGE_SIZE, cursor=cursor, token=token)
                members.extend(str(member) for member in page.get("members") or ())
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
                if cursor is None:
                    break
        except (TimeoutError, SlackClientError, aiohttp.ClientError, NotInstalled) as error:
            log.warning("could not list the members of a Slack channel: %s", explain(error))
            return []
        own = await self._tokens.bot_user_id(workspace)
        return [member for member in dict.fromkeys(members) if member != own]
