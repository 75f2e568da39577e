"""The Outbox over the Slack Web API."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.charting.png import drawn
from bot.core.cards import Card, Content
from bot.core.conversation import ConversationKind, ConversationRef, MessageRef, Platform
from bot.core.errors import DeliveryError, Undeliverable
from bot.core.outbox import OutFile
from bot.core.telemetry import Telemetry
from bot.platforms.slack.client import build_posting_client
from bot.platforms.slack.posting import Poster, uncertain
from bot.platforms.slack.render import message_payload
from bot.platforms.slack.tokens import NotInstalled, SlackTokens

log = logging.getLogger(__name__)
# Slack keeps an image's alt text to 1,000 characters.
ALT_TEXT_MAX = 1000

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
    "token_revoked": "my Slack token has been revoked",
}
# Errors that say the token is gone for good (the app was uninstalled): never retried.
TOKEN_GONE = {"account_inactive", "token_revoked"}
# Errors after which a private message falls back to a direct message.
NOT_VISIBLE_THERE = {"channel_not_found", "not_in_channel", "user_not_in_channel", "is_archived"}


def explain(error: SlackClientError | aiohttp.ClientError | TimeoutError | DeliveryError
            ) -> str:
    if isinstance(error, DeliveryError):  # NotInstalled: nothing was asked of Slack
        return str(error)
    if isinstance(error, SlackApiError):
        code = str(error.response.get("error", "unknown_error"))
        return EXPLAINED.get(code, f"Slack answered {code}")
    return f"Slack could not be reached ({type(error).__name__})"


def delivery_error(error: SlackClientError | aiohttp.ClientError | TimeoutError
                   ) -> DeliveryError:
    """What a failed call means for the ledger: Undeliverable when the token is gone for
    good (retrying cannot help), else a DeliveryError a later run retries."""
    if isinstance(error, SlackApiError) and error.response.get("error") in TOKEN_GONE:
        return Undeliverable(explain(error))
    return DeliveryError(explain(error))


# Message metadata that carries a delivery's idempotency key (see find_delivery).
DELIVERY_EVENT = "partnerops_delivery"
HISTORY_LIMIT = 100
# A DIRECT conversation named by a user id rather than by its D... channel.
USER_ID_PREFIXES = ("U", "W")


def delivery_metadata(key: str) -> dict[str, Any]:
    return {"event_type": DELIVERY_EVENT, "event_payload": {"key": key}}


def _carries(message: dict[str, Any], key: str) -> bool:
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    return metadata.get("event_type") == DELIVERY_EVENT and payload.get("key") == key


class SlackOutbox:
    """Posts through the Web API, with the token of the conversation's workspace; a user id
    as the conversation means the app's DM with them."""

    def __init__(self, client: AsyncWebClient, tokens: SlackTokens,
                 telemetry: Telemetry | None = None) -> None:
        self._client = client
        self._tokens = tokens
        self._poster = Poster(build_posting_client(client.base_url, client.timeout),
                             telemetry=telemetry)

    async def close(self) -> None:
        await self._poster.close()

    async def post(self, to: ConversationRef, content: Content, *,
                   thread: MessageRef | None = None, key: str | None = None) -> MessageRef:
        """chat.postMessage, exactly once (see posting.py): `key` (made up when not given)
        rides along as message metadata, for find_delivery and for the poster's check."""
        key = key or f"post:{uuid.uuid4().hex}"

        async def found(_: str, key: str, since: datetime) -> str | None:
            landed = await (self._find_reply(to, thread, key, since) if thread
                            else self.find_delivery(to, key, since))
            return landed.id if landed else None

        try:
            response = await self._poster.post(
                await self._tokens.token(to.workspace), to.id, thread.id if thread else None,
                key, found, unfurl_links=False, unfurl_media=False,
                metadata=delivery_metadata(key), **message_payload(content))
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as error:
            raise delivery_error(error) from error
        channel = str(response.get("channel") or to.id)
        landed = to if channel == to.id else ConversationRef(Platform.SLACK, channel, to.kind,
                                                             to.name, to.workspace)
        posted = MessageRef(landed, str(response["ts"]))
        await self._upload_charts(content, posted, thread)
        return posted

    async def _upload_charts(self, content: Content, posted: MessageRef,
                             thread: MessageRef | None) -> None:
        """Each chart drawn and uploaded in the message's thread (files_upload_v2), its
        numbers as the alt text. Best effort: the message itself went out, and the ledger
        must never send it again for a chart that failed."""
        if not isinstance(content, Card):
            return
        for chart in content.charts:
            try:
                await self._client.files_upload_v2(
                    token=await self._tokens.token(posted.conversation.workspace),
                    channel=posted.conversation.id, thread_ts=(thread or posted).id or None,
                    content=await drawn(chart), filename="chart.png", title=chart.title,
                    alt_txt=chart.text()[:ALT_TEXT_MAX])
            except (TimeoutError, SlackClientError, aiohttp.ClientError, NotInstalled) as error:
                log.warning("a chart was not uploaded to Slack: %s", explain(error))
            except Exception:  # drawing failed: the message went out with its numbers
                log.exception("a chart could not be drawn")

    async def charts_to_person(self, workspace: str, user_id: str, content: Content) -> None:
        """The charts of a private answer (an ephemeral message holds no files), uploaded
        into the app's direct messages with the person. Best effort, like any chart."""
        if not isinstance(content, Card) or not content.charts:
            return
        try:
            opened = await self._client.conversations_open(
                token=await self._tokens.token(workspace), users=user_id)
        except (TimeoutError, SlackClientError, aiohttp.ClientError, NotInstalled) as error:
            log.warning("charts were not sent to Slack: %s", explain(error))
            return
        channel = str((opened.get("channel") or {}).get("id") or user_id)
        dm = ConversationRef(Platform.SLACK, channel, ConversationKind.DIRECT,
                             workspace=workspace)
        await self._upload_charts(content, MessageRef(dm, ""), None)

    async def update(self, message: MessageRef, content: Content) -> None:
        try:
            await self._client.chat_update(token=await self._tokens.token(
                                               message.conversation.workspace),
                                           channel=message.conversation.id, ts=message.id,
                                           **message_payload(content))
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as error:
            raise delivery_error(error) from error

    async def send_file(self, to: ConversationRef, user_id: str, file: OutFile,
                        comment: str) -> None:
        """Upload the file into the app's direct messages with `user_id` (files_upload_v2:
        files.getUploadURLExternal, the upload, files.completeUploadExternal)."""
        try:
            token = await self._tokens.token(to.workspace)
            opened = await self._client.conversations_open(token=token, users=user_id)
            channel = str((opened.get("channel") or {}).get("id") or user_id)
            await self._client.files_upload_v2(token=token, channel=channel,
                                               content=file.data, filename=file.name,
                                               title=file.title or file.name,
                                               initial_comment=comment)
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as error:
            raise delivery_error(error) from error

    async def post_private(self, to: ConversationRef, user_id: str, content: Content) -> None:
        """An ephemeral message in `to`; a direct message where that cannot be shown."""
        if to.kind is not ConversationKind.DIRECT:
            try:
                await self._client.chat_postEphemeral(token=await self._tokens.token(
                                                           to.workspace),
                                                       channel=to.id, user=user_id,
                                                       **message_payload(content))
                await self.charts_to_person(to.workspace, user_id, content)
                return
            except SlackApiError as error:
                if error.response.get("error") not in NOT_VISIBLE_THERE:
                    raise delivery_error(error) from error
            except (TimeoutError, SlackClientError, aiohttp.ClientError) as error:
                raise delivery_error(error) from error
        # chat.postMessage to a user id lands in the app's direct messages with them.
        await self.post(ConversationRef(Platform.SLACK, user_id, ConversationKind.DIRECT,
                                        workspace=to.workspace), content)

    async def find_delivery(self, to: ConversationRef, key: str,
                            since: datetime) -> MessageRef | None:
        """The message carrying `key` in the newest page of `to`'s history since `since`.

        Needs the history scopes (im/channels/groups:history; refused for good, as without
        them: None). When Slack cannot be asked this time (5xx, timeout), DeliveryError: not
        knowing is not "not there", and sending again could double it.
        Thread replies are not in conversations.history, so are not found.
        """
        channel = to.id

        async def history(token: str) -> Any:
            nonlocal channel
            channel = await self._channel_of(to)  # a DM named by a user id is opened first
            return await self._client.conversations_history(
                token=token, channel=channel, oldest=f"{since.timestamp():.6f}",
                include_all_metadata=True, limit=HISTORY_LIMIT)

        messages = await self._messages("history", history, to.workspace)
        for message in messages:
            if _carries(message, key) and message.get("ts"):
                landed = to if channel == to.id else ConversationRef(
                    Platform.SLACK, channel, to.kind, to.name, to.workspace)
                return MessageRef(landed, str(message["ts"]))
        return None

    async def _find_reply(self, to: ConversationRef, thread: MessageRef, key: str,
                          since: datetime) -> MessageRef | None:
        """A reply carrying `key` in `thread` since `since` (conversations.replies)."""
        async def replies(token: str) -> Any:
            return await self._client.conversations_replies(
                token=token, channel=thread.conversation.id, ts=thread.id,
                oldest=f"{since.timestamp():.6f}", include_all_metadata=True,
                limit=HISTORY_LIMIT)

        messages = await self._messages("a thread", replies, to.workspace)
        for message in messages:
            if _carries(message, key) and message.get("ts") and message["ts"] != thread.id:
                return MessageRef(thread.conversation, str(message["ts"]))
        return None

    async def _messages(self, where: str, ask: Callable[[str], Awaitable[Any]],
                        workspace: str) -> list[dict[str, Any]]:
        """The messages Slack lists (history or a thread's replies) for a delivery lookup;
        none when it refuses for good (a missing scope: it cannot look); DeliveryError when
        it cannot be asked this time."""
        try:
            answer = await ask(await self._tokens.token(workspace))
        except NotInstalled as error:  # nothing can be asked there any more: not found
            log.warning("could not look for a delivery in Slack %s: %s", where, error)
            return []
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as error:
            log.warning("could not look for a delivery in Slack %s: %s", where, explain(error))
            if not uncertain(error):
                return []
            raise DeliveryError(f"could not tell whether it arrived ({explain(error)})") \
                from error
        return list(answer.get("messages") or ())

    async def _channel_of(self, to: ConversationRef) -> str:
        """The channel id of `to`; a DM named by a user id is opened (found) first."""
        if to.kind is ConversationKind.DIRECT and to.id.startswith(USER_ID_PREFIXES):
            opened = await self._client.conversations_open(
                token=await self._tokens.token(to.workspace), users=to.id)
            return str((opened.get("channel") or {}).get("id") or to.id)
        return to.id
