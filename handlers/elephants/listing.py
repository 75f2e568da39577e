"""Reading the herd: `list [open|all] [partner] [category]`, `show E-<n>`, `mine`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from bot.core.cards import Card, Context, Text
from bot.core.commands import excerpt
from bot.core.errors import UserError
from bot.core.requests import split_words
from bot.core.responses import Reply, Response
from handlers.common.context import CommandContext
from handlers.elephants.cards import status_label
from handlers.elephants.fields import CATEGORY_LABELS
from handlers.elephants.lifecycle import CLOSED, elephant_named
from handlers.elephants.posting import card_of
from storage.common import people
from storage.common.models import Partner
from storage.common.names import name_key
from storage.elephants import repository as elephants
from storage.elephants.models import (
    CLOSED_STATUSES,
    Elephant,
    ElephantCategory,
    ElephantStatus,
)
from storage.partners import repository as partners

LIST_EXAMPLE = "elephant list open Northwind"
# `list resolved`, `list closed`: one status (or the closed ones) instead of open or all.
STATUS_WORDS: dict[str, tuple[ElephantStatus, ...]] = {
    **{status.value: (status,) for status in ElephantStatus},
    "wontfix": (ElephantStatus.WONT_FIX,), "closed": CLOSED_STATUSES,
    "acked": (ElephantStatus.ACKNOWLEDGED,)}
SHOWN_MAX = 30


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def _category_named(words: str) -> ElephantCategory | None:
    """A category by its label, its stored value, or words only its label holds
    ("pricing", "channel conflict", "meetings")."""
    key = name_key(words)
    exact = next((category for category, label in CATEGORY_LABELS.items()
                  if key in (name_key(label), category.value)), None)
    if exact is not None or not _words(words):
        return exact
    holding = [category for category, label in CATEGORY_LABELS.items()
               if _words(words) <= _words(label) | _words(category.value)]
    return holding[0] if len(holding) == 1 else None


def _line(elephant: Elephant, partner_names: dict[int, str]) -> str:
    about = f" · {partner_names[elephant.partner_id]}" \
        if elephant.partner_id in partner_names else ""
    return f"- {elephant.short_id} {elephant.title} ({status_label(elephant).lower()}){about}"


async def _partner_names(ctx: CommandContext) -> dict[int, str]:
    async with ctx.services.db.session() as session:
        found = await partners.all_partners(session, ctx.workspace.id or 0, archived=True)
    return {partner.id or 0: partner.name for partner in found}


def _listing(title: str, found: Sequence[Elephant], names: dict[int, str], empty: str
             ) -> Reply:
    if not found:
        return Reply(empty)
    lines = [_line(item, names) for item in found[-SHOWN_MAX:]]
    more = f" (the latest {SHOWN_MAX} of {len(found)})" if len(found) > SHOWN_MAX else ""
    return Reply(Card(summary=f"{title}: {len(found)}", title=f"{title}{more}",
                      blocks=(Text("\n".join(lines), markup=False),
                              Context("`elephant show E-<n>` shows one whole."))))


async def _partner_and_category(ctx: CommandContext, words: list[str]
                                ) -> tuple[Partner | None, ElephantCategory | None]:
    """A partner's name, a category, or a partner's name then a category; (None, None) when
    the words name neither."""
    for cut in range(len(words), -1, -1):
        named, kind = " ".join(words[:cut]), " ".join(words[cut:])
        category = _category_named(kind) if kind else None
        if kind and category is None:
            continue
        if not named:
            return None, category
        async with ctx.services.db.session() as session:
            partner = await partners.by_name(session, ctx.workspace.id or 0, named)
        if partner is not None:
            return partner, category
    return None, None


async def list_elephants(ctx: CommandContext) -> Response:
    """Open ones by default; `all`, a partner's name and a category narrow or widen it."""
    words = split_words(ctx.args)
    shown_all = False
    status: tuple[ElephantStatus, ...] = ()
    if words and words[0].lower() in ("all", "open"):
        shown_all = words.pop(0).lower() == "all"
    elif words and words[0].lower() in STATUS_WORDS:
        status, shown_all = STATUS_WORDS[words.pop(0).lower()], True
    rest = " ".join(words)
    partner, category = await _partner_and_category(ctx, words) if words else (None, None)
    if words and partner is None and category is None:
        raise UserError(f"'{excerpt(rest)}' is neither a partner nor a category (or a partner "
                        "then a category). Categories: " + ", ".join(
                            label.lower() for label in CATEGORY_LABELS.values()) + ".",
                        example=LIST_EXAMPLE)
    async with ctx.services.db.session() as session:
        found = [item for item in await elephants.all_elephants(session, ctx.workspace.id or 0)
                 if (shown_all or item.status not in CLOSED)
                 and (not status or item.status in status)
                 and (partner is None or item.partner_id == partner.id)
                 and (category is None or item.category is category)]
    which = "All elephants" if shown_all and not status else \
        f"{' or '.join(s.value.replace('_', ' ') for s in status).capitalize()} elephants" \
        if status else "Open elephants"
    narrowed = (f" of {partner.name}" if partner else "") + \
        (f" ({CATEGORY_LABELS[category].lower()})" if category else "")
    return _listing(which + narrowed, found, await _partner_names(ctx),
                    f"No {'' if shown_all else 'open '}elephants{narrowed}. "
                    "`elephant <what gets in the way>` names one.")


async def show(ctx: CommandContext) -> Response:
    if not ctx.args.strip():
        raise UserError("Name the elephant: show E-<n>.", example="elephant show E-3")
    elephant = await elephant_named(ctx, ctx.args.split()[0], "elephant show E-3")
    card = await card_of(ctx.services, ctx.workspace, elephant)
    async with ctx.services.db.session() as session:
        named = [person.display_name for person_id in
                 await elephants.named_voters(session, elephant.id or 0)
                 if (person := await people.get(session, person_id)) is not None]
    if named:  # only votes cast while an admin had made votes named carry a name
        card = replace(card, blocks=(*card.blocks,
                                     Context("Named votes: " + ", ".join(sorted(named)))))
    return Reply(card)


async def mine(ctx: CommandContext) -> Response:
    """What you reported under your name, and what you own."""
    async with ctx.services.db.session() as session:
        found = [item for item in await elephants.all_elephants(session, ctx.workspace.id or 0)
                 if (item.reporter_id == ctx.person.id and not item.anonymous)
                 or item.owner_id == ctx.person.id]
    return _listing("Your elephants", found, await _partner_names(ctx),
                    "You have no elephants: none reported under your name, none you own. "
                    "(Anonymous reports name nobody, you included.)")
