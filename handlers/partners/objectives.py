"""`/objective`: a partner's own goals, kept by the partner's contacts, its owner and admins.

`add <partner> <text> [by YYYY-MM-DD] [target N unit]`, `list [partner] [open|all]`,
`update O-<n> <percent>%|<value> [note]`, `done|missed|drop O-<n> [note]`.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from bot.core.cards import Card, Context, Fields
from bot.core.commands import excerpt
from bot.core.dates import day_label, parse_date
from bot.core.errors import UserError
from bot.core.responses import Reply, Response
from bot.core.words import counted
from handlers.common.context import CommandContext
from handlers.common.identity import zone_of
from handlers.partners import words
from handlers.partners.finding import is_contact, own_partner, partner_named
from storage.common.models import Partner, Role
from storage.common.names import name_key
from storage.partners import objectives
from storage.partners import repository as partners
from storage.partners.models import Objective, ObjectiveStatus

ADD_EXAMPLE = 'objective add "Northwind Traders" Certify 3 engineers by 2027-03-31 target 3 ' \
              "engineers"
UPDATE_EXAMPLE = "objective update O-1 40% two engineers booked"
TEXT_MAX = 300
NOTE_MAX = 500
SHORT_ID = re.compile(r"^o-?(\d{1,9})$", re.IGNORECASE)
CLOSING = {"done": ObjectiveStatus.MET, "missed": ObjectiveStatus.MISSED,
           "drop": ObjectiveStatus.DROPPED}


async def may_manage(ctx: CommandContext, partner: Partner) -> None:
    """Contacts keep their own partner's objectives, owners their partners', admins all."""
    person = ctx.person
    if person.role is Role.ADMIN or partner.owner_id == person.id \
            or (is_contact(person) and person.partner_id == partner.id):
        return
    raise UserError(f"Only the owner of {partner.name}, its contacts or an admin can change "
                    "its objectives.", example=f"objective list {partner.name}")


async def _partner_and_rest(ctx: CommandContext, found: list[str]) -> tuple[Partner, list[str]]:
    """The partner the words start with (the longest name that matches); a partner contact
    may leave their own partner out."""
    async with ctx.services.db.session() as session:
        for cut in range(len(found), 0, -1):
            named = await partners.by_name(session, ctx.workspace.id or 0,
                                           " ".join(found[:cut]))
            if named is not None and (not is_contact(ctx.person)
                                      or named.id == ctx.person.partner_id):
                return named, found[cut:]
    if is_contact(ctx.person):
        return await own_partner(ctx), found
    # No prefix names a partner: say which, with "did you mean" for the first words.
    await partner_named(ctx, found[0] if found else "", ADD_EXAMPLE)
    raise AssertionError("partner_named raises for a name that matches nothing")


def _number(word: str, what: str, example: str) -> Decimal:
    try:
        number = Decimal(word.replace(",", ""))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise UserError(f"'{excerpt(word)}' is not a number for the {what}.", example=example)
    return number


def _options(rest: list[str]) -> tuple[str, date | None, Decimal | None, str | None]:
    """(text, due date or None, target, unit) from `<text> [by DATE] [target N [unit]]`."""
    text_words: list[str] = []
    due: date | None = None
    target: Decimal | None = None
    unit: str | None = None
    index = 0
    while index < len(rest):
        word = rest[index]
        if word.lower() == "by" and index + 1 < len(rest) and \
                re.match(r"^\d{4}-\d{1,2}-\d{1,2}$", rest[index + 1]):
            try:
                due = parse_date(rest[index + 1])
            except ValueError as problem:
                raise UserError(f"{problem}.", example=ADD_EXAMPLE) from None
            index += 2
            continue
        if word.lower() == "target" and index + 1 < len(rest):
            target = _number(rest[index + 1], "target", ADD_EXAMPLE)
            unit_words = rest[index + 2:]
            unit = " ".join(unit_words)[:40] or None
            break
        text_words.append(word)
        index += 1
    return " ".join(text_words), due, target, unit


async def add(ctx: CommandContext) -> Response:
    found = words.tokens(ctx.args, ADD_EXAMPLE)
    if not found:
        raise UserError("Name the partner, then the objective.", example=ADD_EXAMPLE)
    partner, rest = await _partner_and_rest(ctx, found)
    await may_manage(ctx, partner)
    if partner.archived_at is not None:
        raise UserError(f"{partner.name} is archived; its objectives stay as they were.",
                        example=f"objective list {partner.name} all")
    text, due, target, unit = _options(rest)
    today = ctx.services.clock.now().astimezone(
        ZoneInfo(zone_of(ctx.person, ctx.services))).date()
    if due is not None and due < today:
        raise UserError(f"{day_label(due)} is already past (today is {day_label(today)}); "
                        "give the date it is due.",
                        example=f"objective add {partner.name} {text or 'Certify engineers'} "
                                f"by {today.replace(day=1).replace(year=today.year + 1)}")
    if not text:
        raise UserError(f"Say what {partner.name} aims for, after its name.",
                        example=ADD_EXAMPLE)
    if len(text) > TEXT_MAX:
        raise UserError(f"Keep the objective under {TEXT_MAX} characters.", example=ADD_EXAMPLE)
    async with ctx.services.db.session() as session:
        made = await objectives.add(session, workspace_id=ctx.workspace.id or 0,
                                    partner_id=partner.id or 0, text=text,
                                    due_on=due, target=target, unit=unit,
                                    created_by=ctx.person.id, now=ctx.services.clock.now())
    return Reply(f"Added {made.short_id} for {partner.name}: {_line(made)}. "
                 f"`objective update {made.short_id} 40%` records progress.")


def _amount(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _line(objective: Objective) -> str:
    parts = [objective.text]
    if objective.target is not None:
        parts.append(f"target {_amount(objective.target)}"
                     + (f" {objective.unit}" if objective.unit else ""))
    if objective.due_on:
        parts.append(f"by {day_label(objective.due_on)}")
    return " · ".join(parts)


def _progress(objective: Objective) -> str:
    done = []
    if objective.percent is not None:
        done.append(f"{objective.percent}%")
    if objective.value is not None:
        of = f" of {_amount(objective.target)}" if objective.target is not None else ""
        done.append(f"{_amount(objective.value)}{of}")
    state = objective.status.value
    return f"{state} · {', '.join(done)}" if done else state


async def _visible(ctx: CommandContext, word: str, example: str) -> tuple[Objective, Partner]:
    """The objective `O-<n>` names, if this person may see it; the same answer for one
    that does not exist and one of another partner."""
    match = SHORT_ID.match(word or "")
    if match is None:
        raise UserError("Name the objective by its id, such as O-1 (`objective list` shows "
                        "them).", example=example)
    number = int(match.group(1))
    async with ctx.services.db.session() as session:
        found = await objectives.by_number(session, ctx.workspace.id or 0, number)
        partner = await partners.get_in(session, ctx.workspace.id or 0,
                                        found.partner_id) if found else None
    hidden = found is None or partner is None or (
        is_contact(ctx.person) and partner.id != ctx.person.partner_id)
    if hidden:
        raise UserError(f"There is no objective O-{number} that you can see; "
                        "`objective list` shows yours.", example="objective list")
    assert found is not None and partner is not None
    return found, partner


async def update(ctx: CommandContext) -> Response:
    found = words.tokens(ctx.args, UPDATE_EXAMPLE)
    if len(found) < 2:
        raise UserError("Give the objective's id, then its progress (a percent or a value).",
                        example=UPDATE_EXAMPLE)
    objective, partner = await _visible(ctx, found[0], UPDATE_EXAMPLE)
    await may_manage(ctx, partner)
    if objective.status is not ObjectiveStatus.OPEN:
        raise UserError(f"{objective.short_id} is already {objective.status.value}; its "
                        "history stays as it is.", example="objective list")
    amount, note = found[1], " ".join(found[2:])
    percent, value = None, None
    if amount.endswith("%"):
        share = _number(amount[:-1], "progress", UPDATE_EXAMPLE)
        if not Decimal(0) <= share <= Decimal(100) or share != share.to_integral_value():
            raise UserError(f"'{excerpt(amount)}' is not a share of the objective; progress "
                            "runs from 0% to 100%, in whole percents.",
                            example=UPDATE_EXAMPLE)
        percent = int(share)
    else:
        if objective.target is None:
            raise UserError(f"{objective.short_id} has no target to count towards; give its "
                            "progress as a percent.",
                            example=f"objective update {objective.short_id} 40%")
        value = _number(amount, "progress", UPDATE_EXAMPLE)
    if len(note) > NOTE_MAX:
        raise UserError(f"Keep the note under {NOTE_MAX} characters.", example=UPDATE_EXAMPLE)
    async with ctx.services.db.session() as session:
        stored = await objectives.by_number(session, ctx.workspace.id or 0, objective.number)
        assert stored is not None
        await objectives.record(session, stored, status=ObjectiveStatus.OPEN, percent=percent,
                                value=value, note=note, person_id=ctx.person.id,
                                now=ctx.services.clock.now())
        shown = _progress(stored)
    beyond = "" if value is None or objective.target is None or value < objective.target else \
        f" That reaches its target: `objective done {objective.short_id}` if it is met."
    return Reply(f"{objective.short_id} ({partner.name}): {shown}.{beyond}")


async def close(ctx: CommandContext, word: str) -> Response:
    example = f"objective {word} O-1"
    found = words.tokens(ctx.args, example)
    objective, partner = await _visible(ctx, found[0] if found else "", example)
    await may_manage(ctx, partner)
    status = CLOSING[word]
    if objective.status is status:
        return Reply(f"{objective.short_id} is already {status.value}.")
    async with ctx.services.db.session() as session:
        stored = await objectives.by_number(session, ctx.workspace.id or 0, objective.number)
        assert stored is not None
        await objectives.record(session, stored, status=status, percent=None, value=None,
                                note=" ".join(found[1:])[:NOTE_MAX], person_id=ctx.person.id,
                                now=ctx.services.clock.now())
    return Reply(f"{objective.short_id} ({partner.name}) is {status.value}: {objective.text}.")


async def done(ctx: CommandContext) -> Response:
    return await close(ctx, "done")


async def missed(ctx: CommandContext) -> Response:
    return await close(ctx, "missed")


async def drop(ctx: CommandContext) -> Response:
    return await close(ctx, "drop")


async def list_objectives(ctx: CommandContext) -> Response:
    found = words.tokens(ctx.args, "objective list Northwind Traders all")
    which = found[-1].lower() if found and found[-1].lower() in ("open", "all") else "open"
    name = " ".join(found[:-1] if found and found[-1].lower() in ("open", "all") else found)
    if is_contact(ctx.person):
        shown = [await partner_named(ctx, name, "objective list")]
    elif name:
        shown = [await partner_named(ctx, name, "objective list Northwind Traders")]
    else:
        async with ctx.services.db.session() as session:
            shown = list(await partners.all_partners(session, ctx.workspace.id or 0))
    names = {partner.id: partner.name for partner in shown}
    async with ctx.services.db.session() as session:
        listed = await objectives.of_partners(session, list(names), only_open=which == "open")
    if not listed:
        whose = shown[0].name if len(shown) == 1 else "any partner"
        return Reply(f"No {'open ' if which == 'open' else ''}objectives for {whose} yet. "
                     f"`objective add <partner> <what they aim for>` adds one.")
    rows = tuple((f"{item.short_id} · {names[item.partner_id]}",
                  f"{_line(item)} — {_progress(item)}")
                 for item in sorted(listed, key=lambda item: (name_key(names[item.partner_id]),
                                                              item.number)))
    return Reply(Card(summary=counted(len(listed), "objective"),
                      title=f"Objectives ({which})",
                      blocks=(Fields(rows),
                              Context("`objective update O-<n> 40%` records progress; "
                                      "`done`, `missed`, `drop` close one."))))
