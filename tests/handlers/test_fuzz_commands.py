"""Fuzz, with hypothesis: every command's text, and every form's and button's payload.
Whatever is typed (unicode, quotes, mentions, huge, empty, control characters) or sent
(missing fields, values of another kind, unknown forms and buttons, ids that are stale or
another's), the answer is never a traceback or the apology for an unexpected failure, and
a refusal changes nothing."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from bot.core.cards import as_card
from bot.core.conversation import Actor, Platform
from bot.core.errors import UserError
from bot.core.forms import Submission
from bot.core.requests import ActionInvocation, Invocation
from bot.core.responses import Reply, Response
from handlers.common.dispatch import APOLOGY, Call, Dispatcher
from storage.tables import TABLES
from tests.handlers.cadence_team import GENERAL, Team
from tests.handlers.elephant_lifecycle_helpers import filed
from tests.handlers.test_partners import say

# People learn about each other on sight (a mention makes a person row): not a change a
# refusal must undo. Everything else must stay as it was.
LEARNED_ON_SIGHT = {"person", "personidentity"}
# A bounded, derandomized number in the suite; `python -m bench.fuzz` runs many more with a
# fresh seed each time.
EXAMPLES = int(os.environ.get("PARTNEROPS_FUZZ_EXAMPLES", "80"))
SEEDED = "PARTNEROPS_FUZZ_EXAMPLES" not in os.environ


class Refusals:
    """An innermost middleware: notes whether the handler refused (a UserError)."""

    def __init__(self) -> None:
        self.refused = False

    async def __call__(self, call: Call, next_step: Callable[[Call], Awaitable[Response]]
                       ) -> Response:
        try:
            return await next_step(call)
        except UserError:
            self.refused = True
            raise


async def fingerprint(team: Team) -> dict[str, int]:
    """Rows per table, but for the people learned on sight."""
    found = {}
    async with team.application.database.session() as session:
        for table in TABLES:
            name = table.__tablename__  # type: ignore[attr-defined]
            if name in LEARNED_ON_SIGHT:
                continue
            result = await session.exec(text(f"SELECT count(*) FROM {name}"))  # type: ignore[call-overload]
            found[name] = int(result.one()[0])
    return found


def words_of(team: Team) -> list[str]:
    """Every command and subcommand word the registry knows, as a person would start."""
    found = []
    for spec in team.application.registry.commands:
        found.append(spec.name)
        found.extend(f"{spec.name} {sub.name}" for sub in spec.subcommands)
    return found


NASTY = st.sampled_from([
    "", " ", "\x00", "\u202e", "🐘" * 50, '"', "“unbalanced", "'", "@", "@ana", "#", "#general",
    "E-1", "E-999999999999999999999", "O-0", "F--1", "2026-02-30", "-1", "1e309", "NaN",
    "help", "here", "confirm", "<script>alert(1)</script>", "*bold*", "`code`", "\n\n",
    "x" * 5000, "Northwind", "Daily", "monday 25:61", "%s%n", "{}", "\\", "DROP TABLE person;",
])
TEXT = st.lists(st.one_of(NASTY, st.text(max_size=40)), max_size=6).map(" ".join)


async def prepared(team: Team) -> Team:
    """A workspace with something to act on: a partner, a standup, an elephant."""
    await say(team, "ana", "partner add Northwind type VAR tier Gold")
    await team.set_up(participants=["bob"])
    await filed(team)
    recorder = Refusals()
    application = team.application
    application.dispatcher = Dispatcher(application.registry, application.services,
                                        middleware=(recorder,))
    team.refusals = recorder  # type: ignore[attr-defined]
    return team


def _text(response: Response) -> str:
    return as_card(response.content).plain_text() if isinstance(response, Reply) else ""


async def check(team: Team, user: str, command: str, text: str) -> None:
    refusals: Refusals = team.refusals  # type: ignore[attr-defined]
    refusals.refused = False
    before = await fingerprint(team)
    word, _, rest = f"{command} {text}".partition(" ")
    mentioned = tuple(token[1:] for token in rest.split() if token.startswith("@") and token[1:])
    response = await team.application.dispatcher.command(Invocation(
        Actor(Platform.CONSOLE, user, user.capitalize()), GENERAL, word, rest,
        people=mentioned))
    said = _text(response)
    assert APOLOGY not in said, (command, text)
    assert "Traceback" not in said
    if refusals.refused:
        assert await fingerprint(team) == before, (command, text)


def _examples(**extra: Any) -> Any:
    return settings(max_examples=EXAMPLES, deadline=None, derandomize=SEEDED,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow], **extra)


@_examples()
@given(data=st.data())
async def test_any_text_after_any_command_is_answered_and_a_refusal_changes_nothing(
        team: Team, data: st.DataObject):
    if not hasattr(team, "refusals"):
        await prepared(team)
    command = data.draw(st.sampled_from(words_of(team)), label="command")
    user = data.draw(st.sampled_from(["ana", "bob"]), label="user")  # an admin, a member
    await check(team, user, command, data.draw(TEXT, label="text"))


async def _field_ids(team: Team) -> list[str]:
    """The fields of the forms a person can open, and a few no form has."""
    found = {"q0", "q1", "anonymous", "nope", ""}
    for typed in ("standup setup", "elephant", "feedback start"):
        word, _, rest = typed.partition(" ")
        opened = await team.application.dispatcher.command(Invocation(
            Actor(Platform.CONSOLE, "ana", "Ana"), GENERAL, word, rest))
        form = getattr(opened, "form", None)
        found.update(field.id for field in getattr(form, "fields", ()))
    return sorted(found)


VALUE = st.one_of(st.none(), st.booleans(), TEXT, st.lists(TEXT, max_size=4))
IDS = st.one_of(st.sampled_from(["1", "0", "-1", "99999999", "1:p1", "1:p999", "x", ""]),
                st.text(max_size=30))


@_examples()
@given(data=st.data())
async def test_any_form_or_button_payload_is_answered_and_a_refusal_changes_nothing(
        team: Team, data: st.DataObject):
    if not hasattr(team, "refusals"):
        await prepared(team)
        team.fields = await _field_ids(team)  # type: ignore[attr-defined]
    registry = team.application.registry
    user = data.draw(st.sampled_from(["ana", "bob"]), label="user")
    actor = Actor(Platform.CONSOLE, user, user.capitalize())
    refusals: Refusals = team.refusals  # type: ignore[attr-defined]
    refusals.refused = False
    before = await fingerprint(team)
    if data.draw(st.booleans(), label="a form"):
        form_id = data.draw(st.sampled_from([*registry.form_ids, "unknown.form"]), label="form")
        values = data.draw(st.dictionaries(st.sampled_from(team.fields),  # type: ignore[attr-defined]
                                           VALUE, max_size=8), label="values")
        context = data.draw(st.dictionaries(st.sampled_from(
            ["occurrence", "cadence", "partner", "campaign", "token", "elephant", "x"]), IDS,
            max_size=3), label="context")
        response = await team.application.dispatcher.submit(
            Submission(form_id, actor, GENERAL, values, context))  # type: ignore[arg-type]
    else:
        action = data.draw(st.sampled_from([*registry.action_ids, "unknown.action"]),
                           label="action")
        response = await team.application.dispatcher.action(ActionInvocation(
            actor, GENERAL, action, data.draw(IDS, label="value")))  # type: ignore[arg-type]
    said = _text(response)
    assert APOLOGY not in said and "Traceback" not in said
    if refusals.refused:
        assert await fingerprint(team) == before
