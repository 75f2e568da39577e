"""`/standup` and `/checkin`: the same subcommands over each family of cadence kinds.

Both commands, and the buttons and forms they share, make up the one FEATURE.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.commands import CommandSpec, ExportSpec, Feature, Handler, Subcommand
from bot.core.responses import Response
from handlers.cadences import absence, manage, membership, report, setup
from handlers.cadences.answer_form import answer_now, answer_pressed
from handlers.cadences.answer_post import answer_submitted, skip_pressed
from handlers.cadences.digest import participation_section
from handlers.cadences.due import CadenceDueWork
from handlers.cadences.export import answer_rows
from handlers.cadences.home import waiting_for_you
from handlers.cadences.ids import FEATURE_NAME, CadenceAction, CadenceForm
from handlers.cadences.kinds import FAMILIES, Family, kind_label
from handlers.cadences.pages import PAGES
from handlers.cadences.participants import cadence_zones
from handlers.common.context import CommandContext
from storage.cadences.export import (
    ANSWER_COLUMNS,
    CADENCE_COLUMNS,
    cadence_rows,
    flat_answer_row,
)
from storage.rows import flat_row

FamilyHandler = Callable[[CommandContext, Family], Awaitable[Response]]


def _bound(family: Family, handler: FamilyHandler) -> Handler:
    async def run(ctx: CommandContext) -> Response:
        return await handler(ctx, family)

    return run


def _subcommands(family: Family) -> tuple[Subcommand, ...]:
    noun, name = family.noun, family.example_name
    if family.reports_by_partner:
        report_usage, report_example = "report [partner|name] [YYYY-MM-DD]", \
            "report Northwind Traders"
    else:
        report_usage, report_example = "report [name] [YYYY-MM-DD]", f"report {name} 2026-11-23"
    kinds = " or " + ", ".join(kind_label(kind) for kind in family.kinds[1:]) \
        if len(family.kinds) > 1 else ""

    def sub(word: str, summary: str, usage: str, handler: FamilyHandler,
            examples: tuple[str, ...], admin_only: bool = False) -> Subcommand:
        return Subcommand(word, summary, usage, _bound(family, handler), examples=examples,
                          admin_only=admin_only)

    return (
        sub("report", f"Who answered a {noun} (the latest, or that day), what they said, "
                      "and their streaks.", report_usage, report.report, (report_example,)),
        sub("skip", f"Not today: skip every cadence you are in, or the {noun} named.",
            "skip [name]", absence.skip, ("skip",)),
        sub("ooo", "Out of office until a date (inclusive), or from one date to another.",
            "ooo until <YYYY-MM-DD> | ooo <YYYY-MM-DD> <YYYY-MM-DD>", absence.ooo,
            ("ooo until 2026-12-24", "ooo 2026-12-20 2026-12-24")),
        sub("back", "Back early: end your out-of-office and skips from today.", "back",
            absence.back, ("back",)),
        sub("list", f"Every {noun}: schedule, channel, participants, paused or not.", "list",
            manage.list_cadences, ("list",)),
        sub("setup", f"Set up a {noun}{kinds} with a form.", "setup",
            setup.open_setup, ("setup",), admin_only=True),
        sub("edit", f"Change a {noun} with the same form, filled in.", "edit <name>",
            setup.open_edit, (f"edit {name}",), admin_only=True),
        sub("run", f"Send today's {noun} now, to try it: whoever was not asked today is.",
            "run <name>", membership.run_now, (f"run {name}",), admin_only=True),
        sub("add", f"Add people to a {noun} (mention them).", "add <name> @someone",
            membership.add, (f"add {name} @bob",), admin_only=True),
        sub("remove", f"Take people off a {noun}; their answers stay.", "remove <name> @someone",
            membership.remove, (f"remove {name} @bob",), admin_only=True),
        sub("pause", "Stop asking until resumed; nothing is lost.", "pause <name>",
            manage.pause, (f"pause {name}",), admin_only=True),
        sub("resume", "Start asking again after a pause.", "resume <name>",
            manage.resume, (f"resume {name}",), admin_only=True),
        sub("delete", f"Delete a {noun} with its history (asks to confirm).",
            "delete <name> [confirm]", manage.delete, (f"delete {name}",), admin_only=True),
    )


def command_spec(family: Family) -> CommandSpec:
    return CommandSpec(
        name=family.command,
        summary=family.summary,
        subcommands=_subcommands(family),
        default=Subcommand("", f"Answer the {family.noun} that is open for you now"
                               + (", or the one about a partner you name." if
                                  family.reports_by_partner else "."),
                           "[partner]" if family.reports_by_partner else "",
                           _bound(family, answer_now)),
    )


FEATURE = Feature(
    name=FEATURE_NAME,
    commands=tuple(command_spec(family) for family in FAMILIES),
    actions=((CadenceAction.ANSWER, answer_pressed), (CadenceAction.SKIP, skip_pressed)),
    forms=((CadenceForm.SETUP, setup.setup_submitted), (CadenceForm.ANSWER, answer_submitted)),
    exporters=(ExportSpec("cadences", CADENCE_COLUMNS, cadence_rows, flat_row),
               ExportSpec("answers", ANSWER_COLUMNS, answer_rows, flat_answer_row)),
    due=(CadenceDueWork(),),
    zone_notes=(cadence_zones,),
    home=(waiting_for_you,),
    digest=(participation_section,),
    pages=PAGES,
)
