"""`/feedback`: ask partners what they want before planning the conference, in a channel
thread and by direct message, on Slack and Teams at once."""

from __future__ import annotations

from bot.core.commands import CommandSpec, ExportSpec, Feature, Subcommand, ThreadListener
from handlers.feedback import closing, manage, threads
from handlers.feedback.answers import answer_pressed, answer_submitted
from handlers.feedback.digest import closing_soon
from handlers.feedback.ids import FeedbackAction, FeedbackForm
from handlers.feedback.pages import PAGES
from storage.feedback.export import (
    CAMPAIGN_COLUMNS,
    FEEDBACK_COLUMNS,
    campaign_rows,
    feedback_rows,
)
from storage.rows import flat_row

FEATURE = Feature(
    name="feedback",
    commands=(
        CommandSpec(
            name="feedback",
            summary="Ask partners what they want before you plan: a campaign in a channel "
                    "thread and by direct message.",
            subcommands=(
                Subcommand("start", "Start a campaign: the form, or a title, channel and "
                                    "close date in one line (all partners, default "
                                    "questions).",
                           'start ["<title>" in #channel|here closes YYYY-MM-DD [HH:MM]]',
                           manage.start,
                           examples=('start "Partner Summit 2027 planning" in #partner-summit '
                                     "closes 2027-01-15", "start")),
                Subcommand("list", "Every campaign, open and closed.", "list",
                           manage.list_campaigns, examples=("list",)),
                Subcommand("status", "Which partners answered and which did not (a partner "
                                     "contact sees their own answers).", "status F-<n>",
                           manage.status, examples=("status F-1",)),
                Subcommand("report", "The summary now, and every answer as a CSV file "
                                     "(its owner and admins).", "report F-<n>",
                           manage.report, examples=("report F-1",)),
                Subcommand("remind", "Remind the contacts of partners that have not answered "
                                     "(at most once a day each).", "remind F-<n>",
                           manage.remind, examples=("remind F-1",)),
                Subcommand("close", "Close it now and send the summary (its owner and "
                                    "admins).", "close F-<n>", manage.close,
                           examples=("close F-1",)),
            ),
        ),
    ),
    actions=((FeedbackAction.ANSWER, answer_pressed),),
    forms=((FeedbackForm.START, manage.start_submitted),
           (FeedbackForm.ANSWER, answer_submitted)),
    thread_listeners=(ThreadListener(threads.owns, threads.thread_reply),),
    exporters=(ExportSpec("campaigns", CAMPAIGN_COLUMNS, campaign_rows, flat_row),
               ExportSpec("feedback", FEEDBACK_COLUMNS, feedback_rows, flat_row)),
    due=(closing.FeedbackDueWork(),),
    digest=(closing_soon,),
    pages=PAGES,
)
