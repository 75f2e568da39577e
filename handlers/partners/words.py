"""Reading what people type after `/partner`: names (quoted when they have spaces),
`type`/`tier`/`owner` options, a lead's deal, outcome, hours and value."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from bot.core.commands import excerpt
from bot.core.errors import UserError
from storage.common.models import PartnerType
from storage.partners.models import LeadOutcome

# Slack's clients turn " into “ ” as people type; apostrophes stay part of names (O'Neil).
DOUBLE_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"'})
OPTION_WORDS = ("type", "tier", "owner", "name")
TIER_MAX = 40
NAME_MAX = 200
DEAL_MAX = 200
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TYPES = {kind.value.lower(): kind for kind in PartnerType}
OUTCOMES = {outcome.value: outcome for outcome in LeadOutcome}
TYPE_LIST = ", ".join(kind.value for kind in PartnerType)


def tokens(text: str, example: str) -> list[str]:
    """Words, a "quoted phrase" being one word (straight or typographic double quotes)."""
    lexer = shlex.shlex(text.translate(DOUBLE_QUOTES), posix=True)
    lexer.quotes, lexer.whitespace_split, lexer.commenters = '"', True, ""
    try:
        return list(lexer)
    except ValueError:
        raise UserError("A quote is not closed: put names with spaces in quotes, \"like "
                        "this\".", example=example) from None


def is_mention(word: str) -> bool:
    return word.startswith("@") and len(word) > 1


@dataclass
class PartnerOptions:
    """What `add` or `edit` typed besides the partner's name."""

    name: str | None = None
    type: PartnerType | None = None
    tier: str | None = None
    owner_mentioned: bool = False  # `owner @someone`: the first person mentioned
    given: set[str] = field(default_factory=set)


def split_name(words: list[str], example: str) -> tuple[str, list[str]]:
    """The partner's name (the words before the first option) and the rest."""
    cut = next((index for index, word in enumerate(words)
                if index > 0 and word.lower() in OPTION_WORDS), len(words))
    name = " ".join(words[:cut]).strip()
    if not name:
        raise UserError("Name the partner first.", example=example)
    if len(name) > NAME_MAX:
        raise UserError(f"Keep the partner's name under {NAME_MAX} characters.",
                        example=example)
    return name, words[cut:]


def options(words: list[str], example: str) -> PartnerOptions:
    """`type VAR tier Gold owner @ana name "New name"`, in any order, each at most once."""
    found = PartnerOptions()
    rest = list(words)
    while rest:
        word = rest.pop(0).lower()
        if word not in OPTION_WORDS:
            raise UserError(f"I don't understand '{excerpt(word)}' here; after the name come "
                            f"{', '.join(OPTION_WORDS[:3])} (and name, to rename).",
                            example=example)
        if word in found.given:
            raise UserError(f"'{word}' is given twice.", example=example)
        found.given.add(word)
        if not rest:
            raise UserError(f"Say what the {word} is.", example=example)
        value = rest.pop(0)
        if word == "type":
            kind = TYPES.get(value.lower())
            if kind is None:
                raise UserError(f"'{excerpt(value)}' is not a partner type; use one of "
                                f"{TYPE_LIST}.", example=example)
            found.type = kind
        elif word == "tier":
            if len(value) > TIER_MAX:
                raise UserError(f"Keep the tier under {TIER_MAX} characters.", example=example)
            found.tier = value
        elif word == "owner":
            if not is_mention(value):
                raise UserError("Mention the owner: owner @someone.", example=example)
            found.owner_mentioned = True
        else:
            if len(value) > NAME_MAX:
                raise UserError(f"Keep the partner's name under {NAME_MAX} characters.",
                                example=example)
            found.name = value
    return found


@dataclass(frozen=True)
class LeadWords:
    partner: str
    deal: str
    outcome: LeadOutcome
    hours: Decimal | None
    value: Decimal | None


def _amount(word: str, what: str, example: str) -> Decimal:
    try:
        number = Decimal(word.replace(",", ""))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number < 0 or number >= Decimal("1e12"):
        raise UserError(f"'{excerpt(word)}' is not a number of {what}; use digits such as 12 "
                        "or 7.5.", example=example)
    return number


def lead(words: list[str], example: str) -> LeadWords:
    """`<partner> "<deal>" won|lost|lost-to-competitor|unqualified [hours N] [value N]`."""
    at = next((index for index, word in enumerate(words) if word.lower() in OUTCOMES), None)
    if at is None:
        raise UserError(f"Say how the lead ended: {', '.join(OUTCOMES)}.", example=example)
    if at < 2:
        raise UserError("Name the partner, then the deal in quotes, then how it ended.",
                        example=example)
    partner, deal = " ".join(words[:at - 1]), words[at - 1]
    if len(deal) > DEAL_MAX:
        raise UserError(f"Keep the deal's name under {DEAL_MAX} characters.", example=example)
    amounts: dict[str, Decimal] = {}
    rest = words[at + 1:]
    while rest:
        word = rest.pop(0).lower()
        if word not in ("hours", "value") or not rest:
            raise UserError("After the outcome come hours N (engineer hours spent) and value "
                            "N (the deal's value), both optional.", example=example)
        amounts[word] = _amount(rest.pop(0), "hours" if word == "hours" else "money",
                                example)
    return LeadWords(partner, deal, OUTCOMES[words[at].lower()], amounts.get("hours"),
                     amounts.get("value"))
