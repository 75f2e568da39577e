"""`/elephant`: name the friction between direct sales, engineering and partner teams, then
own it and resolve it."""

from __future__ import annotations

from bot.core.commands import CommandSpec, ExportSpec, Feature, Subcommand
from handlers.elephants import digest, lifecycle, listing, votes
from handlers.elephants.access import internal_only
from handlers.elephants.details import details_pressed
from handlers.elephants.fields import ElephantForm, anonymous_report
from handlers.elephants.filing import ELEPHANTS_CHANNEL
from handlers.elephants.ids import ElephantAction
from handlers.elephants.observed import new_and_biggest
from handlers.elephants.pages import PAGES
from handlers.elephants.reports import (
    file_anyway,
    file_mine,
    report,
    report_submitted,
    yours,
)
from storage.elephants.export import ELEPHANT_COLUMNS, elephant_rows
from storage.rows import flat_row

FEATURE = Feature(
    name="elephants",
    commands=(
        CommandSpec(
            name="elephant",
            summary="Name the friction between direct sales, engineering and partner teams.",
            default=Subcommand(
                "", "File a report at once, or open the form when no text is given.",
                "[what is the elephant]", report,
                examples=("Direct reps keep the forecast from our VARs",),
                opens_anonymous_form=True,
            ),
            subcommands=(
                Subcommand("list", "The open elephants, or all, or those of one status "
                                   "(resolved, closed, ...); of a partner or a category.",
                           "list [open|all|resolved|closed|...] [partner] [category]",
                           internal_only(listing.list_elephants),
                           examples=("list", "list all Northwind")),
                Subcommand("show", "One elephant whole.", "show E-<n>",
                           internal_only(listing.show),
                           examples=("show E-3",)),
                Subcommand("mine", "The elephants you reported under your name or own.",
                           "mine", internal_only(listing.mine), examples=("mine",)),
                Subcommand("ack", "Acknowledge an elephant and name who owns it (admins and "
                                  "its owner).", "ack E-<n> [@owner]", internal_only(lifecycle.ack),
                           examples=("ack E-3 @ana",)),
                Subcommand("addressing", "Say it is being addressed.", "addressing E-<n>",
                           internal_only(lifecycle.addressing), examples=("addressing E-3",)),
                Subcommand("resolve", "Mark it resolved, saying what was done.",
                           "resolve E-<n> <what was done>", internal_only(lifecycle.resolve),
                           examples=("resolve E-3 Deal registration now names the partner",)),
                Subcommand("wontfix", "Close it without a fix, saying why.",
                           "wontfix E-<n> <why>", internal_only(lifecycle.wontfix),
                           examples=("wontfix E-3 Pricing is set by the distributor",)),
                Subcommand("digest", "The herd digest now; admins set when it is posted "
                                     "each week.",
                           "digest [schedule <day> <HH:MM>|off]", internal_only(digest.digest),
                           examples=("digest", "digest schedule monday 09:00")),
                Subcommand("follow", "Be told when an elephant's status changes.",
                           "follow E-<n>", internal_only(lifecycle.follow),
                           examples=("follow E-3",)),
                Subcommand("unfollow", "Stop hearing about an elephant.", "unfollow E-<n>",
                           internal_only(lifecycle.unfollow), examples=("unfollow E-3",)),
                Subcommand("votes", "(admins) Whether new votes carry the voter's name; "
                                    "anonymous by default.", "votes named|anonymous",
                           internal_only(votes.votes_setting),
                           examples=("votes anonymous",)),
                Subcommand("reopen", "Open a resolved or won't-fix elephant again.",
                           "reopen E-<n>", internal_only(lifecycle.reopen),
                           examples=("reopen E-3",)),
            ),
        ),
    ),
    actions=((ElephantAction.DETAILS, details_pressed),
             (ElephantAction.FILE_ANYWAY, file_anyway),
             (ElephantAction.FILE_MINE, file_mine),
             (ElephantAction.SEE_IT_TOO, votes.see_it_too),
             (ElephantAction.NOT_FOR_ME, votes.not_for_me),
             (ElephantAction.FOLLOW, votes.follow_pressed)),
    forms=((ElephantForm.REPORT, report_submitted),),
    anonymous_forms=((ElephantForm.REPORT, anonymous_report),),
    settings=(ELEPHANTS_CHANNEL,),
    exporters=(ExportSpec("elephants", ELEPHANT_COLUMNS, elephant_rows, flat_row),),
    home=(yours,),
    due=(digest.DigestDueWork(),),
    digest=(new_and_biggest,),
    pages=PAGES,
)
