"""The Dispatcher: routes commands, forms and buttons to handlers, and turns every failure
into a private answer a person can act on."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.core.commands import Registry
from bot.core.conversation import Platform
from bot.core.errors import UserError
from bot.core.forms import Submission
from bot.core.requests import ActionInvocation, Invocation
from bot.core.responses import Reply, Response
from handlers.common.context import ActionContext, CommandContext, FormContext, Services
from handlers.common.help import as_typed, help_for
from handlers.common.identity import resolve_person
from storage.common.models import Role

log = logging.getLogger(__name__)

APOLOGY = ("Sorry, something went wrong on my side while doing that. Nothing was changed "
           "that you can't see; please try again in a moment.")


class Dispatcher:
    def __init__(self, registry: Registry, services: Services) -> None:
        self.registry = registry
        self.services = services

    async def _answering_errors(self, what: str, platform: Platform,
                                work: Callable[[], Awaitable[Response]]) -> Response:
        try:
            return await work()
        except UserError as error:
            if error.example:
                error.example = as_typed(error.example, platform,
                                         self.services.config.command_prefix, self.registry)
            errors = {error.field: error.message} if error.field else {}
            return Reply(error.as_text(), field_errors=errors)
        except Exception:
            # Never the text or the person: an anonymous report must stay anonymous in logs.
            log.exception("unexpected failure in %s", what)
            return Reply(APOLOGY)

    async def command(self, invocation: Invocation) -> Response:
        return await self._answering_errors(f"command {invocation.command!r}",
                                            invocation.actor.platform,
                                            lambda: self._command(invocation))

    async def _command(self, invocation: Invocation) -> Response:
        route = self.registry.route(invocation.command, invocation.text)
        prefix = self.services.config.command_prefix
        if route.subcommand is None:
            return Reply(help_for(self.registry, route.command, invocation.actor.platform,
                                  prefix))
        person = await resolve_person(self.services, invocation.actor)
        if route.subcommand.admin_only and person.role is not Role.ADMIN:
            raise UserError(f"Only admins can use '{route.command.name} "
                            f"{route.subcommand.name}'. Ask an admin, or see who you are "
                            "with `partnerops whoami`.", example="partnerops whoami")
        context = CommandContext(self.services, invocation, person, route.command, route.args)
        return await route.subcommand.handler(context)

    async def submit(self, submission: Submission) -> Response:
        return await self._answering_errors(f"form {submission.form_id.value!r}",
                                            submission.actor.platform,
                                            lambda: self._submit(submission))

    async def _submit(self, submission: Submission) -> Response:
        handler = self.registry.form(submission.form_id)
        if handler is None:
            raise UserError("That form is no longer in use. Please start again.")
        person = await resolve_person(self.services, submission.actor)
        return await handler(FormContext(self.services, submission, person))

    async def action(self, action: ActionInvocation) -> Response:
        return await self._answering_errors(f"action {action.action.value!r}",
                                            action.actor.platform,
                                            lambda: self._action(action))

    async def _action(self, action: ActionInvocation) -> Response:
        handler = self.registry.action(action.action)
        if handler is None:
            raise UserError("That button is no longer in use.")
        person = await resolve_person(self.services, action.actor)
        return await handler(ActionContext(self.services, action, person))
