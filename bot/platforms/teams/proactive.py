"""Connector calls made outside a turn: inside `continue_conversation`, with retries."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botframework.connector.aio import ConnectorClient
from msrest.exceptions import ClientException

from bot.core.errors import DeliveryError, Undeliverable
from bot.platforms.teams.references import StoredReference
from bot.platforms.teams.retry import RetryPolicy, status_of

log = logging.getLogger(__name__)

Call = Callable[[ConnectorClient], Awaitable[Any]]


# Bot Framework's answer to a message for someone who has not installed the app.
NOT_INSTALLED = "BotNotInConversationRoster"


def reason(error: ClientException) -> str:
    """A short, loggable reason for a failed connector call."""
    status = status_of(error)
    return f"Teams answered HTTP {status}: {error}" if status else f"Teams unreachable: {error}"


def error_code(error: BaseException) -> str | None:
    """The Bot Framework error code of a failed call (`{"error": {"code": ...}}`)."""
    response = getattr(error, "response", None)
    try:
        body = json.loads(getattr(response, "text", "") or "{}")
    except (TypeError, ValueError):
        return None
    code = body.get("error", {}).get("code") if isinstance(body, dict) else None
    return code if isinstance(code, str) else None


def delivery_error(error: ClientException) -> DeliveryError:
    """What a failed call means for the message: never deliverable (a user without the app),
    or failed this time."""
    if status_of(error) == 403 and error_code(error) == NOT_INSTALLED:
        return Undeliverable(f"not reachable in Teams: they have not installed PartnerOps "
                             f"(Teams answered 403 {NOT_INSTALLED})")
    return DeliveryError(reason(error))


class Proactive:
    """Runs connector operations against a stored conversation's service URL, authenticated."""

    def __init__(self, adapter: CloudAdapter, app_id: str, retry: RetryPolicy) -> None:
        self.adapter = adapter
        self.app_id = app_id
        self.retry = retry

    async def call(self, stored: StoredReference, operation: Call, what: str) -> Any:
        """Run one connector call inside a proactive turn, with retries; DeliveryError if not."""

        async def with_client(context: TurnContext) -> Any:
            """Use the turn's connector directly; send_activity would reply to a random id."""
            client: ConnectorClient = context.turn_state[BotAdapter.BOT_CONNECTOR_CLIENT_KEY]
            return await self.retry.run(lambda: operation(client), what)

        return await self.in_turn(stored, with_client, what)

    async def in_turn(self, stored: StoredReference,
                      operation: Callable[[TurnContext], Awaitable[Any]], what: str) -> Any:
        """Run `operation` once on a proactive turn's context (for TeamsInfo helpers);
        DeliveryError if Teams refused."""
        results: list[Any] = []

        async def turn(context: TurnContext) -> None:
            results.append(await operation(context))

        try:
            await self.adapter.continue_conversation(stored.reference, turn, self.app_id)
        except ClientException as error:
            log.warning("could not %s in Teams: %s", what, reason(error))
            raise delivery_error(error) from error
        return results[0]
