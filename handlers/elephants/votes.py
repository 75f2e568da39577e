""""I see it too" and "Not for me": one vote per person, counted and never named.

A vote is stored as a keyed hash of the elephant and the voter (HMAC-SHA256 with a random
key the workspace keeps), so a second click finds the first and "Not for me" takes it
back, while no row holds, or joins to, who voted.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from bot.core.cards import Actions, Button, Card, Context, Text
from bot.core.errors import UserError
from bot.core.responses import Reply, Response
from bot.core.words import counted
from handlers.common.context import ActionContext, CommandContext
from handlers.elephants.access import require_internal
from handlers.elephants.cards import CLOSED, status_label
from handlers.elephants.ids import ElephantAction
from handlers.elephants.lifecycle import start_following
from handlers.elephants.posting import VOTES_SETTING, refresh_post, votes_are_named
from storage.common import settings
from storage.common.models import Role
from storage.elephants import repository as elephants
from storage.elephants.models import Elephant

VOTE_KEY_SETTING = "elephant-vote-key"


async def _elephant(ctx: ActionContext) -> Elephant:
    require_internal(ctx.person)
    raw = ctx.action.value
    async with ctx.services.db.session() as session:
        found = await elephants.get_in(session, ctx.workspace.id or 0, int(raw)) \
            if raw.isdigit() else None
    if found is None:
        raise UserError("That elephant is gone; nothing was counted.")
    return found


async def _voter_key(ctx: ActionContext, elephant: Elephant) -> str:
    """HMAC of the elephant and the voter, keyed by the workspace's random key and the
    deployment's own secret: the database alone (a dump, an admin) cannot recompute it
    for each person. (The console has no secret outside its database.)"""
    async with ctx.services.db.session() as session:
        key = await settings.first(session, ctx.workspace.id or 0, VOTE_KEY_SETTING,
                                   secrets.token_hex(32), now=ctx.services.clock.now())
    keyed = bytes.fromhex(str(key)) + ctx.services.config.server_secret.encode()
    return hmac.new(keyed, f"{elephant.id}:{ctx.person.id}".encode(),
                    hashlib.sha256).hexdigest()


async def _herd(ctx: ActionContext, elephant: Elephant) -> int:
    async with ctx.services.db.session() as session:
        return (await elephants.herds(session, [elephant.id or 0])).get(elephant.id or 0, 0)


async def see_it_too(ctx: ActionContext) -> Response:
    elephant = await _elephant(ctx)
    if elephant.status in CLOSED:
        raise UserError(f"{elephant.short_id} is closed ({status_label(elephant).lower()}); "
                        "reopened, it counts votes again.")
    key = await _voter_key(ctx, elephant)
    named = await votes_are_named(ctx.services, ctx.workspace)
    async with ctx.services.db.session() as session:
        counted = await elephants.vote(session, elephant.id or 0, key,
                                       ctx.person.id if named else None)
    herd = await _herd(ctx, elephant)
    if not counted:
        return Reply(f"You already see {elephant.short_id} too; the herd stays at {herd}.")
    await refresh_post(ctx.services, ctx.workspace, elephant)
    whose = "Votes are named here: yours shows on `elephant show`." if named \
        else "Your vote names nobody."
    said = f"Counted: {herd} {'sees' if herd == 1 else 'see'} {elephant.short_id} now. {whose}"
    # Opting in to news is a choice of its own: following is kept under the person's name.
    return Reply(Card(summary=said, blocks=(
        Text(said, markup=True),
        Context(f"Want to hear when {elephant.short_id} changes? Following keeps your name "
                f"(the vote stays as it is); `elephant follow {elephant.short_id}` does the "
                "same."),
        Actions((Button("Tell me when it changes", ElephantAction.FOLLOW,
                        str(elephant.id)),)))))


async def follow_pressed(ctx: ActionContext) -> Response:
    """"Tell me when it changes", under a vote."""
    return await start_following(ctx.services, await _elephant(ctx), ctx.person)


async def votes_setting(ctx: CommandContext) -> Response:
    """`votes named|anonymous` (admins): whether new votes carry the voter's name. Votes cast
    while anonymous never get one; going back to anonymous forgets every name."""
    word = ctx.args.strip().lower()
    if ctx.person.role is not Role.ADMIN:
        raise UserError("Only admins choose whether votes are named.",
                        example="partnerops whoami")
    if word not in ("named", "anonymous"):
        now = "named" if await votes_are_named(ctx.services, ctx.workspace) \
            else "anonymous (counted, never named)"
        raise UserError(f"Votes are {now}. Say `votes named` or `votes anonymous`.",
                        example="elephant votes anonymous")
    if (word == "named") == await votes_are_named(ctx.services, ctx.workspace):
        return Reply(f"Votes are {word} already; nothing changed.")
    async with ctx.services.db.session() as session:
        await settings.put(session, ctx.workspace.id or 0, VOTES_SETTING,
                           {"named": word == "named"}, now=ctx.services.clock.now())
        if word == "anonymous":
            forgotten = await elephants.forget_voters(session, ctx.workspace.id or 0)
        shown = [item for item in await elephants.all_elephants(session, ctx.workspace.id or 0)
                 if item.status not in CLOSED]
    for item in shown:  # each open post says whether a vote there carries a name
        await refresh_post(ctx.services, ctx.workspace, item)
    if word == "named":
        return Reply("From now on votes carry the voter's name. Votes cast before stay "
                     "anonymous: they never had a name to show.")
    return Reply(f"Votes are anonymous again; {counted(forgotten, 'named vote')} "
                 f"{'lost its name' if forgotten == 1 else 'lost their names'}.")


async def not_for_me(ctx: ActionContext) -> Response:
    elephant = await _elephant(ctx)
    key = await _voter_key(ctx, elephant)
    async with ctx.services.db.session() as session:
        taken = await elephants.unvote(session, elephant.id or 0, key)
    herd = await _herd(ctx, elephant)
    if not taken:
        return Reply(f"You had not said you see {elephant.short_id}; the herd stays at {herd}.")
    await refresh_post(ctx.services, ctx.workspace, elephant)
    return Reply(f"Taken back: {herd} see {elephant.short_id} now.")
