"""The Outbox over the Slack Web API."""

from __future__ import annotations

import logging

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.cards import Content
from bot.core.conversation import ConversationKind, ConversationRef, MessageRef, Platform
from bot.core.errors import DeliveryError
from bot.platforms.slack.render import message_payload

log = logging.getLogger(__name__)

# What Slack's error codes mean to the person who will read them.
EXPLAINED = {
    "not_in_channel": "I'm not a member of that channel",
    "channel_not_found": "I can't see that channel; it may be private or deleted",
    "is_archived": "that channel is archived",
    "msg_too_long": "the message is too long for Slack",
    "restricted_action": "the workspace doesn't let me post there",
    "ratelimited": "Slack is rate-limiting me; try again in a minute",
    "invalid_auth": "my Slack token is not valid",
    "account_inactive": "my Slack token has been revoked",
}
# Errors after which a private message falls back to a direct message.
NOT_VISIBLE_THERE = {"channel_not_found", "not_in_channel", "user_not_in_channel", "is_archived"}


def explain(error: SlackClientError | aiohttp.ClientError | TimeoutError) -> str:
    if isinstance(error, SlackApiError):
        code = str(error.response.get("error", "unknown_error"))
        return EXPLAINED.get(code, f"Slack answered {code}")
    return f"Slack could not be reached ({type(error).__name__})"


class SlackOutbox:
    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def post(self, to: ConversationRef, content: Content, *,
                   thread: MessageRef | None = None) -> MessageRef:
        try:
            response = await self._client.chat_postMessage(
                channel=to.id, thread_ts=thread.id if thread else None, unfurl_links=False,
                unfurl_media=False, **message_payload(content),
            )
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as error:
            raise DeliveryError(explain(error)) from error
        channel = str(response.get("channel") or to.id)
        landed = to if channel == to.id else ConversationRef(Platform.SLACK, channel, to.kind,
                                                             to.name)
        return MessageRef(landed, str(response["ts"]))

    async def update(self, message: MessageRef, content: Content) -> None:
        try:
            await self._client.chat_update(channel=message.conversation.id, ts=message.id,
                                           **message_payload(content))
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as error:
            raise DeliveryError(explain(error)) from error

    async def post_private(self, to: ConversationRef, user_id: str, content: Content) -> None:
        """An ephemeral message in `to`; a direct message where that cannot be shown."""
        if to.kind is not ConversationKind.DIRECT:
            try:
                await self._client.chat_postEphemeral(channel=to.id, user=user_id,
                                                       **message_payload(content))
                return
            except SlackApiError as error:
                if error.response.get("error") not in NOT_VISIBLE_THERE:
                    raise DeliveryError(explain(error)) from error
            except (TimeoutError, SlackClientError, aiohttp.ClientError) as error:
                raise DeliveryError(explain(error)) from error
        # chat.postMessage to a user id lands in the app's direct messages with them.
        await self.post(ConversationRef(Platform.SLACK, user_id, ConversationKind.DIRECT),
                        content)
