"""The elephant form: its fields as people read them, and a submission read into a report
(every bad field reported at once, with what was typed kept)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from bot.core.errors import FormErrors
from bot.core.forms import FieldKind, Form, FormField, Option, Submission
from handlers.common.partner_menu import PartnerMenuAction
from storage.elephants.models import ElephantCategory, ElephantSide

TITLE_MAX = 200
TITLE_MIN = 5
TITLE_WORDS_MIN = 2
# Slack's text inputs hold at most 3000 characters; a quick report may say more, kept whole.
FORM_DESCRIPTION_MAX = 3000
DESCRIPTION_MAX = 20000
HOURS_MAX = Decimal(168)  # the hours of a week
DEALS_MAX = 100000
EXAMPLE = "elephant Direct reps keep the forecast from our VARs"

SIDE_LABELS = {
    ElephantSide.DIRECT_SALES: "Direct sales",
    ElephantSide.SALES_ENGINEERING: "Sales engineering/IT",
    ElephantSide.PARTNER_SALES: "Partner sales",
    ElephantSide.PARTNER_MARKETING: "Partner marketing",
    ElephantSide.DISTRIBUTOR: "Distributor",
    ElephantSide.MARKETING: "Marketing",
    ElephantSide.OPERATIONS: "Operations/finance",
    ElephantSide.OTHER: "Other",
}
CATEGORY_LABELS = {
    ElephantCategory.INFORMATION_WITHHELD: "Information withheld",
    ElephantCategory.LEAD_CONFLICT: "Lead or deal conflict",
    ElephantCategory.CHANNEL_CONFLICT: "Channel/pricing conflict",
    ElephantCategory.COMPENSATION_CONFLICT: "Compensation conflict",
    ElephantCategory.PROCESS: "Process or tooling",
    ElephantCategory.EXCLUDED: "Excluded from meetings",
    ElephantCategory.OTHER: "Other",
}


class ElephantForm(StrEnum):
    """Values travel through Slack callback_ids and Teams card data: keep them stable."""

    REPORT = "partnerops.elephant.report"


class Field(StrEnum):
    TITLE = "title"
    DESCRIPTION = "description"
    SIDES = "sides"
    CATEGORY = "category"
    HOURS = "hours"
    DEALS = "deals"
    PARTNER = "partner"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Details:
    """A report as its reporter described it."""

    title: str
    description: str = ""
    sides: tuple[ElephantSide, ...] = ()
    category: ElephantCategory | None = None
    hours_lost_per_week: Decimal | None = None
    deals_affected: int | None = None
    partner_id: int | None = None
    anonymous: bool = False


def _hours(text: str) -> str | None:
    try:
        hours = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return f"Hours lost per week is a number, such as 3 or 1.5 (not '{text[:20]}')."
    if not hours.is_finite() or not Decimal(0) <= hours <= HOURS_MAX:
        return f"Hours lost per week is between 0 and {HOURS_MAX}."
    return None


def _deals(text: str) -> str | None:
    if not text.strip().isdigit() or int(text.strip()) > DEALS_MAX:
        return "Deals affected is a whole number, such as 2."
    return None


def title_problem(title: str) -> str | None:
    title = " ".join(title.split())
    if len(title) < TITLE_MIN or len(title.split()) < TITLE_WORDS_MIN:
        return "Say a little more about the elephant in the title: a few words at least."
    if len(title) > TITLE_MAX:
        return f"Keep the title under {TITLE_MAX} characters."
    return None


def report_form(partners: tuple[Option, ...]) -> Form:
    """`partners`: the partner list, for the optional Related partner menu."""
    fields = [
        FormField(Field.TITLE, "Title: what is the elephant?", max_length=TITLE_MAX,
                  placeholder="Direct reps keep the forecast from our VARs",
                  check=title_problem),
        FormField(Field.DESCRIPTION, "Description: what happens, and what does it cost?",
                  kind=FieldKind.MULTILINE, required=False, max_length=FORM_DESCRIPTION_MAX),
        FormField(Field.SIDES, "Sides involved", kind=FieldKind.MULTISELECT, required=False,
                  options=tuple(Option(side.value, label)
                                for side, label in SIDE_LABELS.items())),
        FormField(Field.CATEGORY, "Category", kind=FieldKind.SELECT, required=False,
                  options=tuple(Option(category.value, label)
                                for category, label in CATEGORY_LABELS.items())),
        FormField(Field.HOURS, "Hours lost per week (an estimate)", kind=FieldKind.NUMBER,
                  required=False, placeholder="3", check=_hours),
        FormField(Field.DEALS, "Deals affected", kind=FieldKind.NUMBER, required=False,
                  placeholder="2", check=_deals),
    ]
    if partners:
        fields.append(FormField(Field.PARTNER, "Related partner (optional)",
                                kind=FieldKind.SELECT, required=False, options=partners,
                                search=PartnerMenuAction.FIND))
    fields.append(FormField(Field.ANONYMOUS, "Anonymous: file it without my name",
                            kind=FieldKind.CHECKBOX, required=False,
                            hint="Nobody, admins included, can find out who filed it."))
    return Form(id=ElephantForm.REPORT, title="Report an elephant", submit_label="Report",
                fields=tuple(fields))


def anonymous_report(submission: Submission) -> bool:
    """A report form sent with Anonymous ticked: its sender leaves no trace."""
    return submission.flag(Field.ANONYMOUS)


def read_details(form: Form, submission: Submission) -> Details:
    """The report the form describes; FormErrors naming every bad field otherwise."""
    values = dict(submission.values)
    if problems := form.errors(values):
        raise FormErrors(problems, form=form.again(values, problems))
    hours, deals = submission.text(Field.HOURS), submission.text(Field.DEALS)
    partner = submission.text(Field.PARTNER)
    return Details(
        title=" ".join(submission.text(Field.TITLE).split()),
        description=submission.text(Field.DESCRIPTION),
        sides=tuple(ElephantSide(value) for value in submission.items(Field.SIDES)),
        category=ElephantCategory(submission.text(Field.CATEGORY))
        if submission.text(Field.CATEGORY) else None,
        hours_lost_per_week=Decimal(hours.replace(",", ".")) if hours else None,
        deals_affected=int(deals) if deals else None,
        partner_id=int(partner) if partner.isdigit() else None,
        anonymous=submission.flag(Field.ANONYMOUS),
    )
