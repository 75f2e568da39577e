"""The Teams endpoint: one CloudAdapter, `POST /api/messages`, and the turn that runs commands."""

from __future__ import annotations

import ipaddress
import json
import logging
from copy import copy
from urllib.parse import urlsplit

from aiohttp import web
from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes
from jwt import PyJWTError
from pydantic import SecretStr

from bot.core.cards import Content
from bot.core.conversation import CommandStyle, ConversationKind
from bot.core.forms import Form, Submission
from bot.core.ports import DirectoryIds, Dispatcher, ImageHost, ReferenceStore
from bot.core.requests import ActionInvocation, Invocation
from bot.core.responses import OpenForm, Reply, Response
from bot.platforms.teams import render
from bot.platforms.teams.auth import authentication, bot_identity
from bot.platforms.teams.outbox import TeamsOutbox
from bot.platforms.teams.parse import (
    Inbound,
    is_card_action,
    parse_card_action,
    parse_message,
    thread_message,
)
from bot.platforms.teams.picker import TeamsPeoplePicker
from bot.platforms.teams.proactive import Proactive
from bot.platforms.teams.references import References
from bot.platforms.teams.retry import RetryPolicy
from bot.platforms.teams.roster import TeamsChannels

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong on my side. Please try again in a moment."
STALE = "That form or button belongs to an older version of me. Please start again."
# What Teams shows beside an Action.Execute button once its answer has been sent as messages.
CARD_ACTION_DONE = {"statusCode": 200, "type": "application/vnd.microsoft.activity.message",
                    "value": "Done."}


def _is_loopback(host: str | None) -> bool:
    if host in ("localhost", "::1"):
        return True
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _plain(status: int, text: str) -> web.Response:
    """A short plain-text HTTP answer."""
    return web.Response(status=status, text=text)


def _activity(body: bytes) -> Activity | None:
    """The Bot Framework activity in a request body, or None if it does not hold one."""
    try:
        data = json.loads(body)
        activity = Activity().deserialize(data) if isinstance(data, dict) else None
    except (ValueError, TypeError, AttributeError):  # msrest's DeserializationError is a ValueError
        return None
    if activity is None or not activity.type or not activity.service_url \
            or activity.conversation is None or not activity.conversation.id:
        return None
    if activity.type == ActivityTypes.message and not getattr(activity.from_property, "id", None):
        return None
    return activity


class TeamsPlatform:
    """Microsoft Teams over Bot Framework: `handle` serves /api/messages, `outbox` sends.

    An empty `app_id` is local unauthenticated mode (Bot Framework Emulator, tests): requests
    are not authenticated and replies carry no token, so only requests from this machine with
    a serviceUrl on this machine are accepted.
    Teams has no ephemeral messages: a private Reply to a command typed in a channel or group
    chat goes to the person's 1:1 chat with the bot (see TeamsOutbox.post_private).
    """

    def __init__(self, *, app_id: str, app_password: str | SecretStr, tenant_id: str, app_type: str,
                 dispatcher: Dispatcher, references: ReferenceStore,
                 directory_ids: DirectoryIds, command_prefix: str = "",
                 retry: RetryPolicy | None = None, images: ImageHost | None = None) -> None:
        self._local_mode = not app_id  # said at start by LazyTeams
        if isinstance(app_password, SecretStr):
            app_password = app_password.get_secret_value()
        self._retry = retry or RetryPolicy()
        self.authentication = authentication(bot_identity(
            app_id=app_id, app_password=app_password, tenant_id=tenant_id, app_type=app_type),
            timeout=self._retry.timeout)
        self.adapter = CloudAdapter(self.authentication.framework)
        self._dispatcher = dispatcher
        self._references = References(references)
        self._prefix = command_prefix
        self.outbox = TeamsOutbox(self.adapter, self._references, app_id, self._retry, images)
        self.channels = TeamsChannels(Proactive(self.adapter, app_id, self._retry),
                                      self._references)
        self.picker = TeamsPeoplePicker(directory_ids)
        self.style = CommandStyle(slash=False, prefix=command_prefix)

    async def handle(self, request: web.Request) -> web.Response:
        """`POST /api/messages`: 415/400 for what is not a JSON activity, 401 if not signed."""
        if "application/json" not in request.headers.get("Content-Type", "").lower():
            return _plain(415, "Send a Bot Framework activity as application/json.")
        activity = _activity(await request.read())
        if activity is None:
            return _plain(400, "The body is not a Bot Framework activity.")
        if self._local_mode and not (_is_loopback(request.remote)
                                     and _is_loopback(urlsplit(activity.service_url).hostname)):
            # Unauthenticated, the bot would post wherever a stranger's serviceUrl points.
            log.warning("refused a Teams request from outside this machine in local mode")
            return _plain(401, "Local mode accepts requests from this machine only.")
        auth_header = request.headers.get("Authorization", "")
        try:
            invoke = await self.adapter.process_activity(auth_header, activity, self.turn)
        except (PermissionError, PyJWTError):  # no token, or one that is not a JWT at all
            return _plain(401, "Unauthorized.")
        except Exception:
            log.exception("could not process a Teams %s activity", activity.type)
            return _plain(503, "The activity could not be processed; try again later.")
        if invoke is not None:
            return web.json_response(invoke.body, status=int(invoke.status))
        return web.Response(status=200)

    async def turn(self, context: TurnContext) -> None:
        """One inbound activity: remember the conversation, then answer a message."""
        activity = context.activity
        try:
            request = parse_message(activity, self._prefix) \
                if activity.type == ActivityTypes.message \
                else parse_card_action(activity) if is_card_action(activity) else None
        except Exception:
            log.exception("could not read a Teams %s activity", activity.type)
            await self._apologise(context)
            return
        # A reference names its sender: none is stored for an anonymous report or its form.
        traceless = request is not None and self._dispatcher.leaves_no_trace(request)
        if not traceless:
            try:
                await self._references.remember(activity)
            except Exception:
                log.exception("could not store a Teams conversation reference")
        if activity.type in (ActivityTypes.message_update, ActivityTypes.message_delete):
            await self._thread_change(activity)
            return
        if activity.type == ActivityTypes.invoke:
            await self._invoke(context, request, traceless=traceless)
            return
        if activity.type != ActivityTypes.message:
            return
        try:
            if answered := await self._thread_reply(activity, request):
                await self._respond(context, answered)
                return
            await self._respond(context, await self._dispatch(request), traceless=traceless)
        except Exception:
            # Never the text or the person: an anonymous report must stay anonymous in logs.
            log.exception("a Teams message turn failed")
            await self._apologise(context)

    async def _invoke(self, context: TurnContext, request: Inbound | None, *,
                      traceless: bool) -> None:
        """An Action.Execute runs as the Action.Submit of the same data would, its answer sent
        as messages. Every invoke is answered 200: botbuilder's default, 501, is an error in
        the client (other invokes would be features the app package does not declare)."""
        activity = context.activity
        body: object = None
        if is_card_action(activity):
            body = CARD_ACTION_DONE
            try:
                await self._respond(context, await self._dispatch(request), traceless=traceless)
            except Exception:
                log.exception("a Teams card action failed")
                await self._apologise(context)
        else:
            log.info("a Teams invoke this app does not use: %s", activity.name)
        await context.send_activity(Activity(type=ActivityTypes.invoke_response,
                                             value=InvokeResponse(status=200, body=body)))

    async def _thread_reply(self, activity: Activity, request: Inbound | None
                            ) -> tuple[Inbound | None, Response] | None:
        """A message in the thread of one of the bot's posts (a campaign's answer, whatever
        its first word): for the feature that posted it; None otherwise."""
        if not isinstance(request, Invocation):
            return None
        message = thread_message(activity)
        if message is None or not await self._dispatcher.owns_thread(message):
            return None
        return request, await self._dispatcher.thread(message)

    async def _thread_change(self, activity: Activity) -> None:
        """A message in a thread edited or deleted (Teams sends these with the channel
        message permission)."""
        message = thread_message(activity)
        if message is None:
            return
        try:
            await self._dispatcher.thread(message)
        except Exception:
            log.exception("a Teams %s could not be handled", activity.type)

    async def _dispatch(self, request: Inbound | None) -> tuple[Inbound | None, Response]:
        """Run a command, form submission or button press through the core."""
        if isinstance(request, Invocation):
            return request, await self._dispatcher.command(request)
        if isinstance(request, Submission):
            return request, await self._dispatcher.submit(request)
        if isinstance(request, ActionInvocation):
            return request, await self._dispatcher.action(request)
        return request, Reply(STALE)

    async def _respond(self, context: TurnContext, answered: tuple[Inbound | None, Response],
                       *, traceless: bool = False) -> None:
        """Send a handler's answer as a reply to the activity that asked; to a request that
        leaves no trace, where it was asked and addressed to nobody."""
        request, response = answered
        if isinstance(response, Reply) and response.in_form and context.activity.reply_to_id:
            await self._answer_in_card(context, response)
            return
        if isinstance(response, Reply):
            # A card closes on submit: a form with problems comes back as typed, each
            # problem beside its field.
            content: Content | Form = response.form or response.content
            if response.private and request is not None and not traceless \
                    and request.conversation.kind is not ConversationKind.DIRECT:
                # Nobody else in the channel may read it: the person's 1:1 chat instead.
                await self.outbox.post_private(request.conversation, request.actor.user_id,
                                               content)
                return
            reply = render.form_message(content) if isinstance(content, Form) \
                else await self.outbox.drawn_message(content, request.conversation.workspace
                                                     if request is not None else "")
        elif isinstance(response, OpenForm):
            reply = render.form_message(response.form)
        else:
            return
        if traceless:
            await self._reply_naming_nobody(context, reply)
            return
        await self._retry.run(lambda: context.send_activity(reply), "reply")

    async def _reply_naming_nobody(self, context: TurnContext, reply: Activity) -> None:
        """`reply` in the conversation that asked, without the recipient that
        TurnContext.send_activity adds from the sender (an anonymous report's form)."""
        inbound = context.activity
        reply.conversation = copy(inbound.conversation)
        reply.from_property = inbound.recipient  # the bot
        reply.reply_to_id = inbound.id
        reply.channel_id, reply.service_url = inbound.channel_id, inbound.service_url
        await self._retry.run(lambda: context.adapter.send_activities(context, [reply]),
                              "reply")

    async def _answer_in_card(self, context: TurnContext, response: Reply) -> None:
        """The answer replaces the submitted card itself, addressed to the conversation only:
        TurnContext.update_activity would add the person as the recipient (an anonymous
        report's confirmation names nobody in any call)."""
        inbound = context.activity
        answer = render.message(response.content)
        answer.id = inbound.reply_to_id
        answer.conversation = copy(inbound.conversation)
        answer.from_property = inbound.recipient  # the bot
        answer.channel_id, answer.service_url = inbound.channel_id, inbound.service_url
        await self._retry.run(lambda: context.adapter.update_activity(context, answer),
                              "answer in the card")

    async def _apologise(self, context: TurnContext) -> None:
        """Tell the person something failed, if Teams can still be reached."""
        try:
            await context.send_activity(APOLOGY)
        except Exception:
            log.exception("could not send the apology to Teams")
