"""A dispatcher that answers from a script and records what the console sent it."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.forms import Submission
from bot.core.ports import Dispatcher
from bot.core.requests import ActionInvocation, Invocation
from bot.core.responses import Response


@dataclass
class ScriptedDispatcher:
    """Answers command words from `commands`; submissions and presses with fixed replies."""

    commands: dict[str, Response] = field(default_factory=dict)
    on_submit: Response = None
    on_action: Response = None
    invocations: list[Invocation] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)
    actions: list[ActionInvocation] = field(default_factory=list)

    async def command(self, invocation: Invocation) -> Response:
        self.invocations.append(invocation)
        return self.commands.get(invocation.command)

    async def submit(self, submission: Submission) -> Response:
        self.submissions.append(submission)
        return self.on_submit

    async def action(self, action: ActionInvocation) -> Response:
        self.actions.append(action)
        return self.on_action


class ExplodingDispatcher:
    """The real dispatcher, except that the command `boom` fails outside its error handling."""

    def __init__(self, inner: Dispatcher) -> None:
        self.inner = inner

    async def command(self, invocation: Invocation) -> Response:
        if invocation.command == "boom":
            raise RuntimeError("the flux capacitor\nmelted")
        return await self.inner.command(invocation)

    async def submit(self, submission: Submission) -> Response:
        return await self.inner.submit(submission)

    async def action(self, action: ActionInvocation) -> Response:
        return await self.inner.action(action)
