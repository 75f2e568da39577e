"""A fake Slack Web API and the platform's outbox, directory and client against it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms.slack.client import build_web_client
from bot.platforms.slack.identity import SlackIdentity
from bot.platforms.slack.tokens import SlackTokens
from tests.fakes import FakeSlackApi


@pytest.fixture
async def slack_api() -> AsyncIterator[FakeSlackApi]:
    async with FakeSlackApi() as fake:
        fake.add_user("U0001", name="ana")
        fake.add_user("U0002", name="bob")
        yield fake


@pytest.fixture
def client(slack_api: FakeSlackApi) -> AsyncWebClient:
    return build_web_client("xoxb-test", slack_api.url)


@pytest.fixture
def tokens(client: AsyncWebClient) -> SlackTokens:
    """SLACK_BOT_TOKEN's tokens, with no OAuth installs."""
    return SlackTokens("xoxb-test", SlackIdentity(client))
