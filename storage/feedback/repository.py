"""Feedback campaigns, their audience and their replies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, distinct, func
from sqlmodel import col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.common.models import Partner, Person, PersonIdentity, Role
from storage.feedback.models import (
    AudienceKind,
    Campaign,
    CampaignPartner,
    FeedbackReply,
    ReplySource,
)
from storage.numbering import insert_numbered
from storage.upsert import insert_or_find


@dataclass(frozen=True)
class NewCampaign:
    """What starting a campaign stores."""

    title: str
    questions: list[str]
    audience: AudienceKind
    audience_value: str
    anonymous: bool
    owner_id: int | None
    channel: dict[str, Any]
    closes_at: datetime
    remind_before_hours: int = 48


@dataclass(frozen=True)
class Contact:
    """A partner's contact, and an account the bot reaches them by."""

    person: Person
    partner_id: int
    platform: str
    user_id: str


async def create(session: AsyncSession, workspace_id: int, new: NewCampaign,
                 partner_ids: Sequence[int], now: datetime) -> Campaign:
    """The campaign with the workspace's next number, and its audience's partners."""
    campaign = await insert_numbered(
        session, Campaign, workspace_id, title=new.title, questions=list(new.questions),
        audience=new.audience, audience_value=new.audience_value, anonymous=new.anonymous,
        owner_id=new.owner_id, channel=dict(new.channel), closes_at=new.closes_at,
        remind_before_hours=new.remind_before_hours, created_at=now)
    for partner_id in dict.fromkeys(partner_ids):
        session.add(CampaignPartner(campaign_id=campaign.id or 0, partner_id=partner_id))
    await session.flush()
    return campaign


async def forget(session: AsyncSession, campaign_id: int) -> None:
    """Undo a campaign whose parent post could not be made (nothing else refers to it)."""
    await session.exec(delete(CampaignPartner).where(  # type: ignore[call-overload]
        col(CampaignPartner.campaign_id) == campaign_id))
    await session.exec(delete(Campaign).where(  # type: ignore[call-overload]
        col(Campaign.id) == campaign_id))


async def set_parent(session: AsyncSession, campaign_id: int, message_id: str) -> None:
    await session.exec(update(Campaign).where(  # type: ignore[call-overload]
        col(Campaign.id) == campaign_id).values(parent_message_id=message_id))


async def by_number(session: AsyncSession, workspace_id: int, number: int) -> Campaign | None:
    return (await session.exec(select(Campaign).where(
        Campaign.workspace_id == workspace_id, Campaign.number == number))).first()


async def get(session: AsyncSession, campaign_id: int) -> Campaign | None:
    return await session.get(Campaign, campaign_id)


async def by_parent(session: AsyncSession, workspace_id: int, message_id: str
                    ) -> Campaign | None:
    """The campaign whose parent post is `message_id` (a Slack ts, a Teams activity id)."""
    return (await session.exec(select(Campaign).where(
        Campaign.workspace_id == workspace_id,
        Campaign.parent_message_id == message_id))).first()


async def in_workspace(session: AsyncSession, workspace_id: int) -> Sequence[Campaign]:
    return (await session.exec(select(Campaign).where(Campaign.workspace_id == workspace_id)
                               .order_by(col(Campaign.number)))).all()


async def with_due_work(session: AsyncSession, closed_since: datetime) -> Sequence[Campaign]:
    """Every workspace's campaigns still open, or closed since `closed_since` (whose
    summary may still be owed), for the timed messages."""
    return (await session.exec(select(Campaign).where(
        col(Campaign.closed_at).is_(None) | (col(Campaign.closed_at) >= closed_since))
        .order_by(col(Campaign.id)))).all()


async def close(session: AsyncSession, campaign_id: int, now: datetime) -> bool:
    """Close it; False when it was closed already (by the clock or by someone else)."""
    result = await session.exec(update(Campaign).where(  # type: ignore[call-overload]
        col(Campaign.id) == campaign_id, col(Campaign.closed_at).is_(None))
        .values(closed_at=now))
    return bool(result.rowcount)


async def audience(session: AsyncSession, campaign_id: int) -> list[Partner]:
    """The partners asked, by name."""
    statement = (select(Partner).join(CampaignPartner,
                                      col(CampaignPartner.partner_id) == Partner.id)
                 .where(CampaignPartner.campaign_id == campaign_id)
                 .order_by(col(Partner.name_key)))
    return list((await session.exec(statement)).all())


async def contacts(session: AsyncSession, partner_ids: Sequence[int]) -> list[Contact]:
    """Every account of every contact of these partners, in a stable order."""
    if not partner_ids:
        return []
    statement = (select(Person, PersonIdentity)
                 .join(PersonIdentity, col(PersonIdentity.person_id) == Person.id)
                 .where(col(Person.partner_id).in_(list(partner_ids)),
                        Person.role == Role.PARTNER_CONTACT)
                 .order_by(col(Person.id), col(PersonIdentity.id)))
    return [Contact(person, person.partner_id or 0, account.platform, account.user_id)
            for person, account in (await session.exec(statement)).all()]


async def add_thread_reply(session: AsyncSession, reply: FeedbackReply) -> bool:
    """Store a thread reply; False when that message was stored already (a retry)."""

    async def same() -> FeedbackReply | None:
        return (await session.exec(select(FeedbackReply).where(
            FeedbackReply.campaign_id == reply.campaign_id,
            FeedbackReply.platform == reply.platform,
            FeedbackReply.message_id == reply.message_id))).first()

    _, added = await insert_or_find(session, reply, same)
    return added


async def thread_reply(session: AsyncSession, campaign_id: int, platform: str,
                       message_id: str) -> FeedbackReply | None:
    return (await session.exec(select(FeedbackReply).where(
        FeedbackReply.campaign_id == campaign_id, FeedbackReply.platform == platform,
        FeedbackReply.message_id == message_id))).first()


async def edit_thread_reply(session: AsyncSession, campaign_id: int, platform: str,
                            message_id: str, text: str, now: datetime) -> bool:
    result = await session.exec(update(FeedbackReply).where(  # type: ignore[call-overload]
        col(FeedbackReply.campaign_id) == campaign_id, col(FeedbackReply.platform) == platform,
        col(FeedbackReply.message_id) == message_id,
        col(FeedbackReply.withdrawn_at).is_(None)).values(text=text, edited_at=now))
    return bool(result.rowcount)


async def withdraw_thread_reply(session: AsyncSession, campaign_id: int, platform: str,
                                message_id: str, now: datetime) -> bool:
    result = await session.exec(update(FeedbackReply).where(  # type: ignore[call-overload]
        col(FeedbackReply.campaign_id) == campaign_id, col(FeedbackReply.platform) == platform,
        col(FeedbackReply.message_id) == message_id,
        col(FeedbackReply.withdrawn_at).is_(None)).values(withdrawn_at=now))
    return bool(result.rowcount)


async def save_form_answers(session: AsyncSession, template: FeedbackReply,
                            answers: Sequence[tuple[int, str, str]]) -> None:
    """A person's form answers (question index, question, text): answering again replaces
    their earlier answer to each question."""
    for index, question, said in answers:
        existing = (await session.exec(select(FeedbackReply).where(
            FeedbackReply.campaign_id == template.campaign_id,
            FeedbackReply.person_id == template.person_id,
            FeedbackReply.question_index == index,
            FeedbackReply.source == ReplySource.FORM))).first()
        if existing is not None:
            existing.text, existing.edited_at = said, template.created_at
            session.add(existing)
            continue
        row = FeedbackReply(**{**template.model_dump(exclude={"id"}),
                               "question_index": index, "question": question, "text": said})

        async def found(index: int = index) -> FeedbackReply | None:
            return (await session.exec(select(FeedbackReply).where(
                FeedbackReply.campaign_id == template.campaign_id,
                FeedbackReply.person_id == template.person_id,
                FeedbackReply.question_index == index,
                FeedbackReply.source == ReplySource.FORM))).first()

        await insert_or_find(session, row, found)
    await session.flush()


async def replies(session: AsyncSession, campaign_id: int, *, withdrawn: bool = False
                  ) -> list[FeedbackReply]:
    """A campaign's replies, oldest first (without withdrawn ones unless asked)."""
    statement = select(FeedbackReply).where(FeedbackReply.campaign_id == campaign_id)
    if not withdrawn:
        statement = statement.where(col(FeedbackReply.withdrawn_at).is_(None))
    return list((await session.exec(statement.order_by(col(FeedbackReply.id)))).all())


async def own_replies(session: AsyncSession, campaign_id: int, person_id: int
                      ) -> list[FeedbackReply]:
    """One person's replies to a campaign, oldest first (not withdrawn ones)."""
    return list((await session.exec(select(FeedbackReply).where(
        FeedbackReply.campaign_id == campaign_id, FeedbackReply.person_id == person_id,
        col(FeedbackReply.withdrawn_at).is_(None)).order_by(col(FeedbackReply.id)))).all())


async def participation(session: AsyncSession, partner_id: int) -> tuple[int, int]:
    """(campaigns that asked the partner, campaigns it answered): its people's replies that
    count (not withdrawn, not the vendor's own)."""
    return (await participation_of(session, [partner_id])).get(partner_id, (0, 0))


async def participation_of(session: AsyncSession, partner_ids: Sequence[int]
                           ) -> dict[int, tuple[int, int]]:
    """`participation` of many partners, in two grouped queries."""
    if not partner_ids:
        return {}
    ids = list(partner_ids)
    asked = dict((await session.exec(
        select(CampaignPartner.partner_id, func.count(col(CampaignPartner.campaign_id)))
        .where(col(CampaignPartner.partner_id).in_(ids))
        .group_by(col(CampaignPartner.partner_id)))).all())
    answered = dict((await session.exec(
        select(FeedbackReply.partner_id, func.count(distinct(col(FeedbackReply.campaign_id))))
        .join(CampaignPartner, and_(col(CampaignPartner.campaign_id) == FeedbackReply.campaign_id,
                                    col(CampaignPartner.partner_id) == FeedbackReply.partner_id))
        .where(col(FeedbackReply.partner_id).in_(ids), col(FeedbackReply.internal).is_(False),
               col(FeedbackReply.withdrawn_at).is_(None))
        .group_by(col(FeedbackReply.partner_id)))).all())
    return {partner: (asked.get(partner, 0), answered.get(partner, 0)) for partner in ids}
