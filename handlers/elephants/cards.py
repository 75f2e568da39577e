"""An elephant as the elephants channel shows it: its fields, status and reporter."""

from __future__ import annotations

from bot.core.cards import Actions, Block, Button, ButtonStyle, Card, Context, Fields, Text
from handlers.elephants.fields import CATEGORY_LABELS, SIDE_LABELS
from handlers.elephants.ids import ElephantAction
from storage.elephants.models import CLOSED_STATUSES as CLOSED
from storage.elephants.models import Elephant, ElephantStatus

# What one message shows of a description (Slack's text blocks hold 3000 characters;
# Teams cards have a size limit too): the rest is kept, and said to be.
DESCRIPTION_SHOWN = 2800


STATUS_LABELS = {ElephantStatus.WONT_FIX: "Won't fix"}


def status_label(elephant: Elephant) -> str:
    return STATUS_LABELS.get(elephant.status, elephant.status.value.capitalize())


def _description(text: str) -> tuple[Block, ...]:
    if not text:
        return ()
    if len(text) <= DESCRIPTION_SHOWN:
        return (Text(text),)
    cut = text[:DESCRIPTION_SHOWN].rsplit(" ", 1)[0]
    return (Text(cut + " …"),
            Context(f"Description cut here: {len(text):,} characters in all, kept whole "
                    "(an admin's `partnerops export elephants` has every word)."))


def elephant_card(elephant: Elephant, reporter_name: str | None, partner_name: str | None,
                  owner_name: str | None = None, herd: int = 0, *,
                  named_votes: bool = False) -> Card:
    """`reporter_name` None for an anonymous report; `partner_name` its related partner;
    `owner_name` who is fixing it; `herd` how many said they see it too. An open one has
    the buttons to say so, or take it back."""
    rows = [("Status", status_label(elephant)),
            ("Herd", f"{herd} see{'s' if herd == 1 else ''} it too" if herd
             else "nobody has said they see it too yet"),
            ("Reported by", reporter_name if reporter_name and not elephant.anonymous
             else "anonymous")]
    if elephant.sides:
        rows.append(("Sides involved", ", ".join(label for side, label in SIDE_LABELS.items()
                                                 if side.value in elephant.sides)))
    if elephant.category is not None:
        rows.append(("Category", CATEGORY_LABELS[elephant.category]))
    if elephant.hours_lost_per_week is not None:
        rows.append(("Hours lost per week", f"{elephant.hours_lost_per_week.normalize():f}"))
    if elephant.deals_affected is not None:
        rows.append(("Deals affected", str(elephant.deals_affected)))
    if partner_name:
        rows.append(("Related partner", partner_name))
    if owner_name:
        rows.append(("Owner", owner_name))
    if elephant.note:
        rows.append(("Resolution" if elephant.status.value == "resolved" else "Note",
                     elephant.note))
    blocks: list[Block] = [*_description(elephant.description), Fields(tuple(rows))]
    if elephant.status not in CLOSED:
        blocks.append(Actions((
            Button("I see it too", ElephantAction.SEE_IT_TOO, str(elephant.id),
                   ButtonStyle.PRIMARY),
            Button("Not for me", ElephantAction.NOT_FOR_ME, str(elephant.id)))))
    when = f"{elephant.created_at:%Y-%m-%d}" if elephant.anonymous \
        else f"{elephant.created_at:%Y-%m-%d %H:%M} UTC"
    votes = "votes carry names (an admin chose so)" if named_votes \
        else "votes are counted, never named"
    blocks.append(Context(f"{elephant.short_id} · reported {when} · {votes}"))
    return Card(summary=f"Elephant {elephant.short_id}: {elephant.title}",
                title=f"🐘 {elephant.short_id}: {elephant.title}", blocks=tuple(blocks))
