"""One builder for `/standup` and `/checkin`: the same subcommands over a family of kinds.

Both commands, and the buttons and forms they share, make up the one FEATURE.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.commands import CommandSpec, Feature, Handler, Subcommand
from bot.core.ids import ActionId, FormId
from bot.core.responses import Response
from handlers.cadences import absence as cadence_absence
from handlers.cadences import manage as cadence_manage
from handlers.cadences import report as cadence_report
from handlers.cadences import setup as cadence_setup
from handlers.cadences.answer_form import answer_now, answer_pressed
from handlers.cadences.answer_post import answer_submitted, skip_pressed
from handlers.cadences.family import FAMILIES, Family
from handlers.common.context import CommandContext
from storage.cadences.models import CadenceKind

FamilyHandler = Callable[[CommandContext, Family], Awaitable[Response]]


def _bound(family: Family, handler: FamilyHandler) -> Handler:
    async def run(ctx: CommandContext) -> Response:
        return await handler(ctx, family)

    return run


def _subcommands(family: Family) -> tuple[Subcommand, ...]:
    noun, name = family.noun, ("Daily standup" if family.kind is CadenceKind.STANDUP
                               else "Weekly check-in")
    report_usage = "report [name] [YYYY-MM-DD]" if family.kind is CadenceKind.STANDUP \
        else "report [partner|name] [YYYY-MM-DD]"
    report_example = f"report {name} 2026-11-23" if family.kind is CadenceKind.STANDUP \
        else "report Northwind Traders"
    kinds = " or objective review" if len(family.kinds) > 1 else ""

    def sub(word: str, summary: str, usage: str, handler: FamilyHandler,
            examples: tuple[str, ...], admin_only: bool = False) -> Subcommand:
        return Subcommand(word, summary, usage, _bound(family, handler), examples=examples,
                          admin_only=admin_only)

    return (
        sub("report", f"Who answered a {noun} (the latest, or that day), what they said, "
                      "and their streaks.", report_usage, cadence_report.report,
            (report_example,)),
        sub("skip", f"Not today: skip every cadence you are in, or the {noun} named.",
            "skip [name]",
            cadence_absence.skip, ("skip",)),
        sub("ooo", "Out of office until a date (inclusive), or from one date to another.",
            "ooo until <YYYY-MM-DD> | ooo <YYYY-MM-DD> <YYYY-MM-DD>", cadence_absence.ooo,
            ("ooo until 2026-12-24", "ooo 2026-12-20 2026-12-24")),
        sub("back", "Back early: end your out-of-office and skips from today.", "back",
            cadence_absence.back, ("back",)),
        sub("list", f"Every {noun}: schedule, channel, participants, paused or not.", "list",
            cadence_manage.list_cadences, ("list",)),
        sub("setup", f"Set up a {noun}{kinds} with a form.", "setup",
            cadence_setup.open_setup, ("setup",), admin_only=True),
        sub("edit", f"Change a {noun} with the same form, filled in.", "edit <name>",
            cadence_setup.open_edit, (f"edit {name}",), admin_only=True),
        sub("pause", "Stop asking until resumed; nothing is lost.", "pause <name>",
            cadence_manage.pause, (f"pause {name}",), admin_only=True),
        sub("resume", "Start asking again after a pause.", "resume <name>",
            cadence_manage.resume, (f"resume {name}",), admin_only=True),
        sub("delete", f"Delete a {noun} with its history (asks to confirm).",
            "delete <name> [confirm]",
            cadence_manage.delete, (f"delete {name}",), admin_only=True),
    )


def command_spec(kind: CadenceKind) -> CommandSpec:
    family = FAMILIES[kind]
    summaries = {
        CadenceKind.STANDUP: "Async standups: answer yours, see who answered, run them.",
        CadenceKind.CHECKIN: "Partner check-ins and objective reviews: answer, report, run them.",
    }
    return CommandSpec(
        name=family.command,
        summary=summaries[kind],
        subcommands=_subcommands(family),
        default=Subcommand("", f"Answer the {family.noun} that is open for you now.", "",
                           _bound(family, answer_now)),
    )


FEATURE = Feature(
    commands=(command_spec(CadenceKind.STANDUP), command_spec(CadenceKind.CHECKIN)),
    actions=((ActionId.CADENCE_ANSWER, answer_pressed), (ActionId.CADENCE_SKIP, skip_pressed)),
    forms=((FormId.CADENCE_SETUP, cadence_setup.setup_submitted),
           (FormId.CADENCE_ANSWER, answer_submitted)),
)
