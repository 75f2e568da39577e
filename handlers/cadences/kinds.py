"""Every fact about a kind of cadence, in one table; and the commands that manage them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.errors import UserError
from storage.cadences.models import CadenceKind


@dataclass(frozen=True)
class KindSpec:
    kind: CadenceKind
    label: str  # as people say it: "partner check-in"
    default_questions: tuple[str, ...]
    # Each participant answers about each partner on the cadence (one answer per partner).
    about_partners: bool = False


KINDS: dict[CadenceKind, KindSpec] = {spec.kind: spec for spec in (
    KindSpec(CadenceKind.STANDUP, "standup", (
        "What did you get done since last time?",
        "What are you working on today?",
        "Anything blocking you?",
    )),
    KindSpec(CadenceKind.CHECKIN, "partner check-in", (
        "Health? [green|amber|red]",
        "When did you last talk to them?",
        "What is the next step?",
        "Any blockers?",
        "Progress on their objectives?",
    ), about_partners=True),
    KindSpec(CadenceKind.OBJECTIVE_REVIEW, "objective review", (
        "Progress on your partners' objectives since last time?",
        "Which objective is at risk, and why?",
    )),
)}


def kind_label(kind: CadenceKind) -> str:
    return KINDS[kind].label


@dataclass(frozen=True)
class Family:
    """The cadences one command manages (`/standup`, `/checkin`), and how it talks of them."""

    command: str
    kinds: tuple[CadenceKind, ...]
    noun: str
    plural: str
    summary: str
    example_name: str  # a name to show in examples
    # `report` may name a partner instead of a cadence.
    reports_by_partner: bool = False

    @property
    def kind(self) -> CadenceKind:
        """The kind a new cadence of this command has unless the form says otherwise."""
        return self.kinds[0]

    def example(self, rest: str) -> str:
        return f"{self.command} {rest}"


FAMILIES: tuple[Family, ...] = (
    Family("standup", (CadenceKind.STANDUP,), "standup", "standups",
           "Async standups: answer yours, see who answered, run them.", "Daily standup"),
    # Objective reviews have no command of their own yet: /checkin manages them.
    Family("checkin", (CadenceKind.CHECKIN, CadenceKind.OBJECTIVE_REVIEW), "check-in",
           "check-ins", "Partner check-ins and objective reviews: answer, report, run them.",
           "Weekly check-in", reports_by_partner=True),
)


def family_of(kind: CadenceKind) -> Family:
    """The command family that manages cadences of `kind`."""
    return next(family for family in FAMILIES if kind in family.kinds)


def family_named(command: str) -> Family:
    """The family a form's context names; forms from an older version are refused."""
    found = next((family for family in FAMILIES if family.command == command), None)
    if found is None:
        raise UserError("That form is no longer in use. Please start again.")
    return found
