"""Which token speaks where: with OAuth, each workspace's install and nothing else, looked up
at most once a minute per workspace (bolt authorizes before every ack); without, the one
SLACK_BOT_TOKEN."""

from __future__ import annotations

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.conversation import ConversationKind, ConversationRef, Platform
from bot.core.errors import DeliveryError, Undeliverable
from bot.core.ports import InstalledBot
from bot.platforms.slack import tokens as tokens_module
from bot.platforms.slack.identity import SlackIdentity
from bot.platforms.slack.outbox import SlackOutbox
from bot.platforms.slack.tokens import NotInstalled, SlackTokens
from tests.fakes import FakeSlackApi


class CountingInstalls:
    """The Installations port over a dict, counting lookups (each is a database query)."""

    def __init__(self) -> None:
        self.bots: dict[tuple[str, str | None], InstalledBot] = {}
        self.lookups: list[tuple[str, str | None]] = []

    async def installed_bot(self, platform: str, workspace: str,
                            enterprise: str | None = None) -> InstalledBot | None:
        self.lookups.append((workspace, enterprise))
        return self.bots.get((workspace, None)) or (
            self.bots.get(("", enterprise)) if enterprise else None)


@pytest.fixture
def installs() -> CountingInstalls:
    found = CountingInstalls()
    found.bots[("T1", None)] = InstalledBot("xoxb-1", "UBOT1", "B1")
    return found


@pytest.fixture
def oauth(client: AsyncWebClient, installs: CountingInstalls) -> SlackTokens:
    return SlackTokens("xoxb-default", SlackIdentity(client), installs, oauth=True)


async def _authorize(tokens: SlackTokens, team: str | None, enterprise: str | None = None):
    return await tokens.authorizer()(context=None, enterprise_id=enterprise, team_id=team,
                                     user_id="U1")


async def test_an_install_is_looked_up_once_a_minute_and_forgotten_on_demand(
        oauth: SlackTokens, installs: CountingInstalls, monkeypatch: pytest.MonkeyPatch):
    now = [1000.0]
    monkeypatch.setattr(tokens_module.time, "monotonic", lambda: now[0])
    for _ in range(3):
        result = await _authorize(oauth, "T1")
        assert result is not None and (result.bot_token, result.bot_user_id, result.bot_id) \
            == ("xoxb-1", "UBOT1", "B1")
    assert await oauth.token("T1") == "xoxb-1"
    assert len(installs.lookups) == 1

    now[0] += tokens_module.CACHE_SECONDS + 1
    await oauth.token("T1")
    assert len(installs.lookups) == 2
    del installs.bots[("T1", None)]
    oauth.forget("T1")  # uninstalled here: known at once, not a minute later
    assert await _authorize(oauth, "T1") is None
    assert len(installs.lookups) == 3


async def test_with_oauth_a_workspace_without_an_install_gets_nothing(oauth: SlackTokens):
    assert await _authorize(oauth, "T9") is None  # bolt refuses the request
    with pytest.raises(NotInstalled, match="T9"):
        await oauth.token("T9")  # a send there is undeliverable, never the default token
    assert await oauth.bot_user_id("T9") is None


async def test_an_org_install_serves_the_teams_it_was_seen_serving(
        oauth: SlackTokens, installs: CountingInstalls):
    installs.bots[("", "E1")] = InstalledBot("xoxb-org", "UORG", "BORG", enterprise_id="E1")
    result = await _authorize(oauth, "T7", "E1")
    assert result is not None and result.bot_token == "xoxb-org"
    assert await oauth.token("T7") == "xoxb-org"  # a send names only the team
    oauth.forget(None, "E1")
    del installs.bots[("", "E1")]
    with pytest.raises(NotInstalled):
        await oauth.token("T7")


async def test_without_oauth_the_one_token_serves_everywhere(client: AsyncWebClient,
                                                             installs: CountingInstalls):
    single = SlackTokens("xoxb-default", SlackIdentity(client), installs)
    assert await single.token("T1") == "xoxb-default"
    result = await _authorize(single, "T42")
    assert result is not None and result.bot_token == "xoxb-default"
    assert installs.lookups == []


async def test_a_revoked_token_makes_a_send_undeliverable(client: AsyncWebClient,
                                                          tokens: SlackTokens,
                                                          slack_api: FakeSlackApi):
    """SLACK_BOT_TOKEN's workspace uninstalled the app: retrying cannot help."""
    outbox = SlackOutbox(client, tokens)
    general = ConversationRef(Platform.SLACK, "C0GEN", ConversationKind.CHANNEL)
    try:
        slack_api.error_next("chat.postMessage", "token_revoked")
        with pytest.raises(Undeliverable, match="revoked"):
            await outbox.post(general, "hello")
        slack_api.error_next("chat.postMessage", "channel_not_found")
        with pytest.raises(DeliveryError) as failed:
            await outbox.post(general, "hello")
    finally:
        await outbox.close()
    assert not isinstance(failed.value, Undeliverable)  # a later run may try again
