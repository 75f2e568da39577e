"""Bolt listeners for every registered command, form and button: ack first, work after."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.commands import Registry
from bot.core.conversation import Actor, ConversationKind, ConversationRef, MessageRef
from bot.core.errors import DeliveryError
from bot.core.ports import Dispatcher
from bot.core.requests import ActionInvocation, Invocation
from bot.core.responses import Choices, OpenForm, Reply, Response
from bot.platforms.slack import parse
from bot.platforms.slack.ack_first import AckFirst
from bot.platforms.slack.inputs import options_payload
from bot.platforms.slack.modals import form_view, submission_from_view
from bot.platforms.slack.outbox import SlackOutbox
from bot.platforms.slack.render import answer_view, home_view, message_payload

log = logging.getLogger(__name__)

Listener = Callable[..., Awaitable[None]]
FORM_ANSWER_BUDGET_SECONDS = 2.0
WORKING = "Working on it… this takes a moment longer than usual."
FORM_TOO_SLOW = "That took me too long to open the form. Please run the command again."
HOME_COMMAND = "home"
# What a person does changes what their Home tab shows: it is published again after it,
# except after commands that only read.
READ_ONLY_COMMANDS = frozenset({"help", HOME_COMMAND})
# Event ids remembered to drop Slack's redeliveries (it retries for about an hour).
EVENTS_REMEMBERED = 10_000


class SlackListeners:
    """Turns Slack requests into Dispatcher calls and Responses back into Slack calls."""

    def __init__(self, dispatcher: Dispatcher, outbox: SlackOutbox, command_prefix: str,
                 acks: AckFirst | None = None) -> None:
        self._dispatcher = dispatcher
        self._outbox = outbox
        self._prefix = command_prefix
        self._acks = acks or AckFirst()
        self._home_opened: set[tuple[str, str]] = set()
        self._events_seen: OrderedDict[str, None] = OrderedDict()

    def register(self, app: AsyncApp, registry: Registry) -> None:
        for spec in registry.commands:
            if spec.slash_command:
                app.command(f"/{self._prefix}{spec.name}")(self._command_listener(spec.name))
        for form_id in registry.form_ids:
            app.view_submission(str(form_id))(self._on_view_submission)
        for action_id in registry.action_ids:
            app.action(str(action_id))(self._on_action)
            # A long menu in a modal asks for its options as the person types.
            app.options(str(action_id))(self._on_options)
        app.event("app_home_opened")(self._on_home_opened)
        app.event("message")(self._on_message)

    async def _on_message(self, body: dict[str, Any]) -> None:
        """A reply in a thread (bolt acks events before this runs). Slack delivers an event
        again when an ack seemed late (X-Slack-Retry-Num): its event_id is handled once
        here, and storage keeps one row per message across processes."""
        if not self._first_delivery(str(body.get("event_id") or "")):
            return
        message = parse.thread_message(body)
        if message is None:
            return
        response = await self._dispatcher.thread(message)
        if isinstance(response, Reply):
            try:
                await self._outbox.post_private(message.root.conversation,
                                                message.actor.user_id, response.content)
            except DeliveryError as problem:
                log.warning("could not answer a thread reply privately: %s", problem)

    def _first_delivery(self, event_id: str) -> bool:
        if not event_id:
            return True
        if event_id in self._events_seen:
            return False
        self._events_seen[event_id] = None
        while len(self._events_seen) > EVENTS_REMEMBERED:
            self._events_seen.popitem(last=False)
        return True

    async def _on_home_opened(self, event: dict[str, Any], body: dict[str, Any],
                              client: AsyncWebClient) -> None:
        """Publish the person's home (the `home` command's card) to their Home tab."""
        if event.get("tab", "home") != "home":
            return
        user, workspace = str(event["user"]), str(body.get("team_id") or "")
        self._home_opened.add((workspace, user))
        await self.publish_home(client, user, workspace)

    async def _refresh_home(self, client: AsyncWebClient, user_id: str, workspace: str) -> None:
        """After what a person did, their Home tab again, if they have one open (this process
        has seen them open it): nobody else's tab is published for nothing."""
        if (workspace, user_id) in self._home_opened:
            await self.publish_home(client, user_id, workspace)

    async def publish_home(self, client: AsyncWebClient, user_id: str, workspace: str) -> None:
        actor = parse.actor(user_id, "", workspace=workspace)
        where = ConversationRef(actor.platform, user_id, ConversationKind.DIRECT,
                                workspace=workspace)
        response = await self._dispatcher.command(Invocation(actor, where, HOME_COMMAND, ""))
        if not isinstance(response, Reply):
            return
        try:
            await client.views_publish(user_id=user_id, view=home_view(response.content))
        except (SlackClientError, aiohttp.ClientError, TimeoutError):
            log.exception("could not publish the Home tab on Slack")

    def _command_listener(self, name: str) -> Listener:
        async def on_command(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond,
                             client: AsyncWebClient) -> None:
            await ack()
            await self._acks.acked()
            workspace = str(command.get("team_id") or "")
            typed = parse.command_text(command.get("text", ""), workspace)
            actor = parse.actor(command["user_id"], command.get("user_name", ""),
                                workspace=workspace)
            where = parse.conversation(command["channel_id"], command.get("channel_name", ""),
                                       workspace)
            invocation = Invocation(actor, where, name, typed.text, typed.channels,
                                    typed.people)
            response = await self._dispatcher.command(invocation)
            await self._deliver(response, actor, where, client, respond=respond,
                                trigger_id=command.get("trigger_id"))
            # Publishing their Home tab would name whoever opened an anonymous form.
            if name not in READ_ONLY_COMMANDS \
                    and not self._dispatcher.leaves_no_trace(invocation):
                await self._refresh_home(client, actor.user_id, workspace)

        return on_command

    async def _on_view_submission(self, ack: AsyncAck, body: dict[str, Any],
                                  client: AsyncWebClient) -> None:
        actor = parse.actor_from_body(body)
        submission = submission_from_view(body["view"], actor)
        # Answer inside the modal when the work is quick enough to beat Slack's 3 s limit,
        # so a bad field keeps the form open with what the person typed.
        work = asyncio.ensure_future(self._dispatcher.submit(submission))
        done, _ = await asyncio.wait({work}, timeout=FORM_ANSWER_BUDGET_SECONDS)
        title = str((body.get("view") or {}).get("title", {}).get("text") or "Done")
        if not done and self._dispatcher.leaves_no_trace(submission):
            # Slack's 3 s are nearly up, and a message would name the person: the modal
            # says it is working, and shows the answer when it comes (views.update by the
            # view's id, which names nobody).
            await ack(response_action="update", view=answer_view(title, WORKING))
            await self._answer_in_view(client, str(body["view"]["id"]), title, await work)
            return
        if not done:
            await ack()
            response = await work
        else:
            response = work.result()
            if isinstance(response, Reply) and response.field_errors:
                await ack(response_action="errors", errors=dict(response.field_errors))
                return
            if isinstance(response, Reply) and response.in_form:
                # The answer in the modal itself: no message names the person.
                await ack(response_action="update", view=answer_view(title, response.content))
                return
            await ack()
        await self._deliver(response, actor, submission.conversation, client)
        await self._refresh_home(client, actor.user_id, actor.workspace)

    @staticmethod
    async def _answer_in_view(client: AsyncWebClient, view_id: str, title: str,
                              response: Response) -> None:
        """A late answer to an anonymous form, shown in its modal (its problems as text:
        a modal shows field errors only in the answer to the submission itself)."""
        if not isinstance(response, Reply):
            return
        content = response.content
        if response.field_errors:
            content = "Nothing was filed:\n" + "\n".join(
                f"- {problem}" for problem in response.field_errors.values())
        try:
            await client.views_update(view_id=view_id, view=answer_view(title, content))
        except (SlackClientError, aiohttp.ClientError, TimeoutError):
            log.exception("could not show a late answer in a Slack modal")

    async def _on_action(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
                         respond: AsyncRespond, client: AsyncWebClient) -> None:
        await ack()
        await self._acks.acked()
        actor = parse.actor_from_body(body)
        where = parse.conversation_from_body(body) or ConversationRef(
            actor.platform, actor.user_id, ConversationKind.DIRECT, workspace=actor.workspace)
        message_ts = (body.get("message") or {}).get("ts")
        pressed = ActionInvocation(actor, where, str(action["action_id"]),
                                   action.get("value") or "",
                                   MessageRef(where, message_ts) if message_ts else None)
        response = await self._dispatcher.action(pressed)
        await self._deliver(response, actor, where, client, respond=respond,
                            trigger_id=body.get("trigger_id"))
        await self._refresh_home(client, actor.user_id, actor.workspace)

    async def _on_options(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """A searched menu's options matching what was typed (Slack waits for them)."""
        actor = parse.actor_from_body(body)
        where = ConversationRef(actor.platform, actor.user_id, ConversationKind.DIRECT,
                                workspace=actor.workspace)
        response = await self._dispatcher.action(ActionInvocation(
            actor, where, str(body.get("action_id") or ""), str(body.get("value") or "")))
        found = response.options if isinstance(response, Choices) else ()
        await ack(options=options_payload(found))

    async def _deliver(self, response: Response, actor: Actor, where: ConversationRef,
                       client: AsyncWebClient, *, respond: AsyncRespond | None = None,
                       trigger_id: str | None = None) -> None:
        try:
            match response:
                case OpenForm(form=form) if trigger_id:
                    await client.views_open(trigger_id=trigger_id,
                                            view=form_view(form, where))
                case OpenForm():
                    await self._reply(Reply(FORM_TOO_SLOW), actor, where, respond)
                case Reply():
                    await self._reply(response, actor, where, respond)
        except (TimeoutError, SlackClientError, aiohttp.ClientError, DeliveryError):
            log.exception("could not deliver a response on Slack")
            if isinstance(response, OpenForm):
                await self._reply(Reply(FORM_TOO_SLOW), actor, where, respond)

    async def _reply(self, reply: Reply, actor: Actor, where: ConversationRef,
                     respond: AsyncRespond | None) -> None:
        if respond is not None and respond.response_url:
            answer = await respond(response_type="ephemeral" if reply.private else "in_channel",
                                   replace_original=False, **message_payload(reply.content))
            if answer.status_code == 200:
                if reply.private:  # an ephemeral answer holds no files: charts go to the DM
                    await self._outbox.charts_to_person(where.workspace, actor.user_id,
                                                        reply.content)
                return
            log.warning("response_url answered %s; sending another way", answer.status_code)
        if reply.private:
            await self._outbox.post_private(where, actor.user_id, reply.content)
        else:
            await self._outbox.post(where, reply.content)
