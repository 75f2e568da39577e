"""`/partner`: the partner list, contacts, leads and each partner's card."""

from __future__ import annotations

from bot.core.commands import CommandSpec, ExportSpec, Feature, Subcommand
from handlers.partners import contacts, leads, manage, objectives, review, show
from handlers.partners.digest import health_changes, objectives_due
from handlers.partners.due import ObjectiveDueWork
from handlers.partners.home import your_objectives, your_partners
from handlers.partners.pages import PAGES
from storage.partners.export import (
    LEAD_COLUMNS,
    OBJECTIVE_COLUMNS,
    PARTNER_COLUMNS,
    lead_rows,
    objective_rows,
    partner_rows,
)
from storage.rows import flat_row

FEATURE_NAME = "partners"

COMMAND = CommandSpec(
    name="partner",
    summary="The partners you sell through: who owns them, their contacts, their leads.",
    subcommands=(
        Subcommand("add", "Add a partner (you own it unless you name an owner).",
                   "add <name> [type VAR|MSP|SI|distributor|reseller|referral|technology] "
                   "[tier <tier>] [owner @someone]", manage.add,
                   examples=(manage.ADD_EXAMPLE.removeprefix("partner "),)),
        Subcommand("edit", "Rename a partner or change its type, tier or owner.",
                   "edit <name> [name <new name>] [type <type>] [tier <tier>] [owner @someone]",
                   manage.edit, examples=(manage.EDIT_EXAMPLE.removeprefix("partner "),)),
        Subcommand("list", "Every partner, or those of a tier, type or owner, or archived.",
                   "list [tier <tier> | type <type> | owner @someone | archived]",
                   manage.list_partners, examples=("list", "list tier Gold")),
        Subcommand("show", "A partner's card: owner, contacts, leads.", "show <name>",
                   show.show, examples=("show Northwind Traders",)),
        Subcommand("archive", "Archive a partner: out of lists, history kept.",
                   "archive <name>", manage.archive, examples=("archive Northwind Traders",)),
        Subcommand("contact", "Add or remove who speaks for a partner: a chat user or an "
                              "email not seen yet.",
                   "contact add|remove <partner> @someone|email", contacts.contact,
                   examples=('contact add "Northwind Traders" @pat',
                             'contact add "Northwind Traders" pat@northwind.example')),
        Subcommand("lead", "Record a partner-sourced lead, how it ended and the engineer hours "
                           "it took.",
                   'lead <partner> "<deal>" won|lost|lost-to-competitor|unqualified '
                   "[hours N] [value N]", leads.lead,
                   examples=(leads.EXAMPLE.removeprefix("partner "),)),
        Subcommand("leads", "A partner's leads, win rate and engineer hours per won deal.",
                   "leads <partner>", leads.list_leads, examples=("leads Northwind Traders",)),
    ),
)

OBJECTIVES = CommandSpec(
    name="objective",
    summary="Partners' own objectives: add them, record progress, and review who met theirs.",
    subcommands=(
        Subcommand("add", "Add an objective of a partner (its contacts, its owner or admins).",
                   "add <partner> <what they aim for> [by YYYY-MM-DD] [target N unit]",
                   objectives.add,
                   examples=(objectives.ADD_EXAMPLE.removeprefix("objective "),)),
        Subcommand("list", "Objectives, open (the default) or all, of one partner or every "
                           "one you can see.", "list [partner] [open|all]",
                   objectives.list_objectives, examples=("list", "list Northwind Traders all")),
        Subcommand("update", "Record progress: a percent or a value towards the target, and a "
                             "note.", "update O-<n> <percent>%|<value> [note]",
                   objectives.update,
                   examples=(objectives.UPDATE_EXAMPLE.removeprefix("objective "),)),
        Subcommand("done", "The partner met it.", "done O-<n> [note]", objectives.done,
                   examples=("done O-1",)),
        Subcommand("missed", "The partner missed it.", "missed O-<n> [note]",
                   objectives.missed, examples=("missed O-1",)),
        Subcommand("drop", "No longer an objective (counts neither as met nor missed).",
                   "drop O-<n> [note]", objectives.drop, examples=("drop O-1",)),
        Subcommand("review", "Did partners meet their objectives? Per partner and in total, "
                             "for a quarter or a year; to you, or posted here or to a channel.",
                   "review [YYYY-Qn | YYYY] [here | #channel]", review.review,
                   examples=("review 2026-Q4", "review 2026 here")),
    ),
)

FEATURE = Feature(
    name=FEATURE_NAME,
    commands=(COMMAND, OBJECTIVES),
    exporters=(ExportSpec("partners", PARTNER_COLUMNS, partner_rows, flat_row),
               ExportSpec("leads", LEAD_COLUMNS, lead_rows, flat_row),
               ExportSpec("objectives", OBJECTIVE_COLUMNS, objective_rows, flat_row)),
    due=(ObjectiveDueWork(),),
    home=(your_partners, your_objectives),
    digest=(health_changes, objectives_due),
    pages=PAGES,
)
