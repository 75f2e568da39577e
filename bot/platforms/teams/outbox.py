"""The Outbox port for Teams: proactive Bot Framework messages to stored conversations."""

from __future__ import annotations

import base64
import logging
from copy import copy
from datetime import datetime

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ChannelAccount, ConversationParameters, ResourceResponse
from botframework.connector.aio import ConnectorClient
from msrest.exceptions import ClientException

from bot.charting.png import drawn
from bot.core.cards import Card, Content, Text
from bot.core.charts import Chart
from bot.core.conversation import ConversationKind, ConversationRef, MessageRef
from bot.core.errors import DeliveryError, Undeliverable
from bot.core.forms import Form
from bot.core.outbox import OutFile
from bot.core.ports import ImageHost
from bot.platforms.teams import render
from bot.platforms.teams.parse import thread_id
from bot.platforms.teams.proactive import Proactive, delivery_error, reason
from bot.platforms.teams.references import NO_RECORD, References, StoredReference
from bot.platforms.teams.retry import RetryPolicy

log = logging.getLogger(__name__)
# The first lines of an export shown with its link.
PREVIEW_LINES = 6
# A chart drawn small enough to travel inside the card (Teams holds about 28 KB a message).
TEAMS_CHART_INCHES, TEAMS_CHART_DPI = (5.6, 2.8), 80
INLINE_CHART_MAX = 20_000



async def inline_charts(content: Content, host: ImageHost | None = None,
                        workspace: str = "") -> dict[Chart, str]:
    """The charts of `content`: as data: URIs while they fit inside the card together (a
    Teams message holds about 28 KB), the rest as links the bot serves (`host`); a chart
    with neither is shown as its numbers."""
    if not isinstance(content, Card):
        return {}
    found: dict[Chart, str] = {}
    room = INLINE_CHART_MAX  # for every chart of the message together
    for chart in content.charts:
        try:
            png = await drawn(chart, size=TEAMS_CHART_INCHES, dpi=TEAMS_CHART_DPI)
        except Exception:  # the card still goes, with the chart's numbers
            log.exception("a chart could not be drawn")
            continue
        data = base64.b64encode(png)
        if len(data) <= room:
            found[chart] = "data:image/png;base64," + data.decode("ascii")
            room -= len(data)
        elif host is not None and (link := await host.host_image("teams", workspace, png)):
            found[chart] = link
    return found


class TeamsOutbox:
    """Sends, threads and updates messages in conversations the bot has heard from.

    A DIRECT conversation may be named by the person's Teams user id: the message goes to
    their 1:1 chat with the bot, stored when they last wrote to it, else created (Teams allows
    it when the bot shares a team with them) through the service URL and tenant of the
    conversation the bot heard from last.
    Teams has no ephemeral messages: `post_private` goes to the person's 1:1 chat, and only
    when there is none and none can be opened into `to` itself, where everyone sees it.
    Chats have no threads: a `thread` only makes a difference in channels.
    Teams keeps no metadata the bot could search for a delivery key, so `find_delivery` cannot
    tell whether an interrupted send arrived: delivery is at-least-once here after a crash
    between claiming a key and sending.
    """

    def __init__(self, adapter: CloudAdapter, references: References, app_id: str,
                 retry: RetryPolicy, images: ImageHost | None = None) -> None:
        self._images = images
        self._adapter = adapter
        self._references = references
        self._app_id = app_id
        self._retry = retry
        self._proactive = Proactive(adapter, app_id, retry)

    async def post(self, to: ConversationRef, content: Content, *,
                   thread: MessageRef | None = None, key: str | None = None) -> MessageRef:
        """Post to `to` (a new channel post, or a reply under `thread`'s root message).

        `key` is accepted for the Outbox port and not sent: Teams cannot search for it.
        """
        stored = await self._references.find(to.id)
        if stored is None and to.kind is ConversationKind.DIRECT:  # `to` named a person
            stored = await self._references.personal(to.id) \
                or await self._open_personal(await self._references.latest(to.workspace),
                                             to.id)
        if stored is None:
            raise DeliveryError(NO_RECORD)
        root = thread.id if thread and stored.kind is ConversationKind.CHANNEL else None
        return MessageRef(to, await self._send(stored, await self.drawn_message(
            content, to.workspace), root))

    async def drawn_message(self, content: Content, workspace: str) -> Activity:
        """`content` as a message with its charts drawn (inline, or linked when too big)."""
        return render.message(content, await inline_charts(content, self._images, workspace))

    async def update(self, message: MessageRef, content: Content) -> None:
        """Replace the content of a message the bot posted."""
        stored = await self._references.find(message.conversation.id)
        if stored is None and message.conversation.kind is ConversationKind.DIRECT:
            stored = await self._references.personal(message.conversation.id)
        if stored is None:
            raise DeliveryError(NO_RECORD)
        activity = self._address(stored, render.message(content), None)
        activity.id = message.id
        conversation_id = activity.conversation.id
        await self._proactive.call(stored, lambda client: client.conversations.update_activity(
            conversation_id, message.id, activity), "update a message")

    async def post_private(self, to: ConversationRef, user_id: str,
                           content: Content | Form) -> None:
        """Message `user_id` in their 1:1 chat; into `to` only when there is no way to it."""
        activity = render.form_message(content) if isinstance(content, Form) \
            else await self.drawn_message(content, to.workspace)
        personal = None
        if to.kind is not ConversationKind.DIRECT:
            personal = await self._references.personal(user_id)
            try:
                personal = personal or await self._open_personal(
                    await self._references.find(to.id), user_id)
            except Undeliverable:
                personal = None  # no 1:1 chat possible: said where they asked, as before
        if personal is not None:
            await self._send(personal, activity, None)
            return
        stored = await self._references.find(to.id)
        if stored is None:
            raise DeliveryError(NO_RECORD)
        await self._send(stored, activity, None)

    async def send_file(self, to: ConversationRef, user_id: str, file: OutFile,
                        comment: str) -> None:
        """A link to the file (and its first lines) in `user_id`'s 1:1 chat: a bot hands Teams
        users a file only through the file-consent flow, which this app does not declare."""
        text = file.data.decode("utf-8", errors="replace")
        preview = "\n".join(text.splitlines()[:PREVIEW_LINES])
        download = f"Download it (for 24 hours): {file.link}" if file.link else \
            "`partnerops export` on the server writes it whole."
        await self.post_private(to, user_id, Card(
            summary=f"{file.name}: {comment}", title=file.name,
            blocks=(Text(f"{comment} {download}"), Text(preview))))

    async def find_delivery(self, to: ConversationRef, key: str,
                            since: datetime) -> MessageRef | None:
        """Always None: Teams cannot tell (see the class docstring)."""
        return None

    def _address(self, stored: StoredReference, activity: Activity,
                 root: str | None) -> Activity:
        """Address `activity` from the bot to the stored conversation (or a channel thread)."""
        reference = stored.reference
        conversation = copy(reference.conversation)
        if root:
            conversation.id = thread_id(conversation.id, root)
        activity.conversation = conversation
        activity.from_property = reference.bot
        activity.channel_id = reference.channel_id
        activity.service_url = reference.service_url
        if stored.kind is ConversationKind.DIRECT:
            activity.recipient = reference.user
        return activity

    async def _send(self, stored: StoredReference, activity: Activity, root: str | None) -> str:
        """Send a new message (a thread reply when `root` is given); return its id."""
        activity = self._address(stored, activity, root)
        activity.reply_to_id = root
        conversation_id = activity.conversation.id

        async def operation(client: ConnectorClient) -> ResourceResponse | None:
            """Reply under the thread's root message, or start a new message."""
            if root:
                return await client.conversations.reply_to_activity(conversation_id, root,
                                                                    activity)
            return await client.conversations.send_to_conversation(conversation_id, activity)

        sent: ResourceResponse | None = await self._proactive.call(stored, operation,
                                                                   "send a message")
        return sent.id if sent and sent.id else ""

    async def _open_personal(self, origin: StoredReference | None,
                             user_id: str) -> StoredReference | None:
        """Create (and store) a 1:1 chat with `user_id`, using `origin`'s service and tenant."""
        if origin is None or not origin.tenant_id:
            return None
        tenant, reference = origin.tenant_id, origin.reference
        parameters = ConversationParameters(
            is_group=False, bot=reference.bot, members=[ChannelAccount(id=user_id)],
            tenant_id=tenant, channel_data={"tenant": {"id": tenant}})
        created: list[Activity] = []

        async def turn(context: TurnContext) -> None:
            """Remember the conversation Teams created."""
            created.append(context.activity)

        try:
            await self._retry.run(lambda: self._adapter.create_conversation(
                self._app_id, turn, parameters, channel_id=reference.channel_id,
                service_url=reference.service_url), "open a 1:1 chat")
        except ClientException as error:
            log.info("no 1:1 chat with a Teams user: %s", reason(error))
            if isinstance(failure := delivery_error(error), Undeliverable):
                raise failure from error
            return None
        chat = TurnContext.get_conversation_reference(created[0])
        chat.activity_id, chat.user = None, ChannelAccount(id=user_id)
        await self._references.save_personal(user_id, chat, tenant)
        return StoredReference(chat, tenant, ConversationKind.DIRECT)
