"""The Dispatcher: every command, form and button goes through one chain of middleware
(count and log it, answer every failure, route, find the workspace and the person, check
permission) to its handler. A new concern (rate limits) is one more middleware, never a
special case.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from bot.core.commands import Handler, Registry, ThreadListener
from bot.core.conversation import Actor
from bot.core.errors import FormErrors, UserError
from bot.core.forms import Submission
from bot.core.requests import ActionInvocation, Invocation, ThreadMessage
from bot.core.responses import Reply, Response
from handlers.common.context import (
    ActionContext,
    CommandContext,
    FormContext,
    Services,
    ThreadContext,
)
from handlers.common.help import as_typed, typed_mentions
from handlers.common.identity import person_leaving_no_trace, resolve_person, workspace_of
from handlers.common.observe import observed
from storage.common.models import Person, Role, Workspace
from storage.engine import unavailable

log = logging.getLogger(__name__)

APOLOGY = ("Sorry, something went wrong on my side while doing that. Nothing was changed "
           "that you can't see; please try again in a moment.")


DATABASE_AWAY = "I can't reach my database just now. Please try again in a moment."


class CallKind(StrEnum):
    COMMAND = "command"
    FORM = "form"
    ACTION = "action"
    THREAD = "thread"


ContextFactory = Callable[[Workspace, Person], Any]


@dataclass(frozen=True)
class Target:
    """Where a call leads: the handler, how to build its context, who may use it."""

    handler: Handler
    context: ContextFactory
    # "standup setup" when only admins may; None when anyone may.
    admins_only: str | None = None
    # What logs and metrics call it ("elephant list"); empty: the call's name.
    label: str = ""


@dataclass
class Call:
    """One request on its way through the middleware; each step fills in what it learns."""

    kind: CallKind
    name: str
    actor: Actor
    route: Callable[[], Target]
    target: Target | None = None
    workspace: Workspace | None = None
    person: Person | None = None
    # An anonymous submission or the command that opens its form: the person is looked up,
    # never written or asked about.
    leaves_no_trace: bool = False
    # How it ended, for logs and metrics: ok, user_error (the person was told what to fix),
    # unavailable (the database was away) or error (an apology).
    status: str = "ok"

    def describe(self) -> str:
        """For logs: what was called, never the text or the person."""
        return f"{self.kind.value} {self.name!r}"


Next = Callable[[Call], Awaitable[Response]]
Middleware = Callable[[Call, Next], Awaitable[Response]]


class Dispatcher:
    """Runs calls through `middleware` (outermost first), then the handler."""

    def __init__(self, registry: Registry, services: Services,
                 middleware: Sequence[Middleware] = ()) -> None:
        self.registry = registry
        self.services = services
        self.middleware: tuple[Middleware, ...] = (
            observed(services), self._typed_commands, self._answer_errors, self._route,
            self._find_workspace, self._find_person, self._check_permission, *middleware)

    async def command(self, invocation: Invocation) -> Response:
        def route() -> Target:
            found = self.registry.route(invocation.command, invocation.text)
            sub = found.subcommand or self.registry.help
            if sub is None:
                raise UserError(f"There is no help for '{invocation.command}' here.")
            return Target(sub.handler, lambda workspace, person: CommandContext(
                self.services, invocation, workspace, person, found.command, found.args),
                f"{found.command.name} {sub.name}" if sub.admin_only else None,
                label=f"{found.command.name} {sub.name}".strip())

        return await self._run(Call(
            CallKind.COMMAND, invocation.command, invocation.actor, route,
            leaves_no_trace=self.registry.opens_anonymous_form(invocation.command,
                                                               invocation.text)))

    async def submit(self, submission: Submission) -> Response:
        def route() -> Target:
            handler = self.registry.form(submission.form_id)
            if handler is None:
                raise UserError("That form is no longer in use. Please start again.")
            return Target(handler, lambda workspace, person: FormContext(
                self.services, submission, workspace, person))

        return await self._run(Call(CallKind.FORM, submission.form_id, submission.actor, route,
                                    leaves_no_trace=self.registry.is_anonymous(submission)))

    async def action(self, action: ActionInvocation) -> Response:
        def route() -> Target:
            handler = self.registry.action(action.action)
            if handler is None:
                raise UserError("That button is no longer in use.")
            return Target(handler, lambda workspace, person: ActionContext(
                self.services, action, workspace, person))

        return await self._run(Call(CallKind.ACTION, action.action, action.actor, route))

    async def _listener_of(self, message: ThreadMessage) -> ThreadListener | None:
        workspace = await workspace_of(self.services, message.actor)
        for listener in self.registry.thread_listeners:
            if await listener.owns(self.services, workspace, message.root):
                return listener
        return None

    async def owns_thread(self, message: ThreadMessage) -> bool:
        """Whether a feature started the thread `message` was written in."""
        return await self._listener_of(message) is not None

    async def thread(self, message: ThreadMessage) -> Response:
        """A reply in a thread, for the feature whose message started it (None when the
        thread is nobody's: nobody is looked up then)."""
        listener = await self._listener_of(message)
        if listener is None:
            return None
        handler = listener.handler

        def route() -> Target:
            return Target(handler, lambda workspace, person: ThreadContext(
                self.services, message, workspace, person))

        return await self._run(Call(CallKind.THREAD, "thread reply", message.actor, route))

    def leaves_no_trace(self, request: Invocation | Submission | ActionInvocation) -> bool:
        """Whether `request` must leave no trace of who sent it: an anonymous form, or the
        command that opens one. A platform then stores nothing about the request either."""
        if isinstance(request, Submission):
            return self.registry.is_anonymous(request)
        if isinstance(request, Invocation):
            return self.registry.opens_anonymous_form(request.command, request.text)
        return False

    async def _run(self, call: Call) -> Response:
        async def step(index: int, current: Call) -> Response:
            if index == len(self.middleware):
                return await self._handle(current)
            return await self.middleware[index](current, lambda c: step(index + 1, c))

        return await step(0, call)

    @staticmethod
    async def _handle(call: Call) -> Response:
        assert call.target is not None and call.workspace is not None \
            and call.person is not None
        return await call.target.handler(call.target.context(call.workspace, call.person))

    # The middleware, outermost first.

    async def _typed_commands(self, call: Call, next_step: Next) -> Response:
        """Commands quoted in the answer, written the way this platform types them."""
        response = await next_step(call)
        if not isinstance(response, Reply):
            return response
        style = self.services.style(call.actor.platform)
        return replace(response, content=typed_mentions(response.content, style, self.registry))

    async def _answer_errors(self, call: Call, next_step: Next) -> Response:
        """A UserError becomes a private answer with the example typed as this platform
        types it; anything else is logged and answered with an apology."""
        try:
            return await next_step(call)
        except FormErrors as error:
            call.status = "user_error"
            return Reply(error.as_text(), field_errors=error.problems, form=error.form)
        except UserError as error:
            call.status = "user_error"
            if error.example:
                error.example = as_typed(error.example, self.services.style(
                    call.actor.platform), self.registry)
            errors = {error.field: error.message} if error.field else {}
            return Reply(error.as_text(), field_errors=errors)
        except Exception as error:
            call.status = "unavailable" if unavailable(error) else "error"
            if unavailable(error):
                log.warning("the database is unreachable; answered %s with try again",
                            call.describe())
                return Reply(DATABASE_AWAY)
            # Never the text or the person: an anonymous report must stay anonymous in logs.
            log.exception("unexpected failure in %s", call.describe())
            return Reply(APOLOGY)

    @staticmethod
    async def _route(call: Call, next_step: Next) -> Response:
        call.target = call.route()
        return await next_step(call)

    async def _find_workspace(self, call: Call, next_step: Next) -> Response:
        call.workspace = await workspace_of(self.services, call.actor)
        return await next_step(call)

    async def _find_person(self, call: Call, next_step: Next) -> Response:
        assert call.workspace is not None
        call.person = await (person_leaving_no_trace if call.leaves_no_trace
                             else resolve_person)(self.services, call.workspace, call.actor)
        return await next_step(call)

    @staticmethod
    async def _check_permission(call: Call, next_step: Next) -> Response:
        assert call.target is not None and call.person is not None
        if call.target.admins_only and call.person.role is not Role.ADMIN:
            raise UserError(f"Only admins can use '{call.target.admins_only}'. Ask an admin, "
                            "or see who you are with `partnerops whoami`.",
                            example="partnerops whoami")
        return await next_step(call)
