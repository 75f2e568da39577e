"""An anonymous campaign's breakdown by tier never gives away a tier that 1 or 2 partners
answered, not even by subtraction from the total. The campaigns are stored and counted by the
database, on both backends, as the summary counts them."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.feedback.summary import Turnout, tier_counts
from storage.common import people, workspaces
from storage.common.models import Partner
from storage.engine import Database
from storage.feedback import repository as campaigns
from storage.feedback import tally
from storage.feedback.models import Campaign, CampaignPartner, FeedbackReply, ReplySource

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def stored(database: Database, answered_by_tier: dict[str, tuple[int, int]], *,
                 anonymous: bool, uncounted: bool = False) -> Turnout:
    """Tier -> (partners asked, partners that answered), as a stored campaign. `uncounted`:
    add replies that must not count (our own people's, a withdrawn one, a partner not
    asked), each from a tier's partner that did not answer."""
    async with database.session() as session:
        workspace = await workspaces.for_external_id(session, "console", "", now=NOW)
        ws = workspace.id or 0
        campaign = Campaign(workspace_id=ws, number=1, title="Summit", anonymous=anonymous,
                            closes_at=NOW, created_at=NOW)
        session.add(campaign)
        await session.flush()
        replies, number = [], 0
        for tier, (asked, answered) in answered_by_tier.items():
            for index in range(asked + uncounted):  # the one more is not asked
                number += 1
                partner = Partner(workspace_id=ws, name=f"{tier} {index}",
                                  name_key=f"{tier} {index}".lower(), tier=tier,
                                  created_at=NOW)
                session.add(partner)
                await session.flush()
                if index < asked:
                    session.add(CampaignPartner(campaign_id=campaign.id or 0,
                                                partner_id=partner.id or 0))
                [person] = await people.get_or_create_many(session, ws, "console",
                                                           [f"u{number}"], now=NOW)
                said = {"campaign_id": campaign.id or 0, "workspace_id": ws,
                        "person_id": person.id or 0, "partner_id": partner.id,
                        "platform": "console", "text": "yes", "created_at": NOW}
                form = {**said, "source": ReplySource.FORM, "question_index": 0}
                if index < answered or index == asked:  # answered, or answered unasked
                    replies.append(FeedbackReply(**form))
                elif uncounted and index == answered:  # asked, silent: ours and withdrawn
                    replies += [FeedbackReply(**form, internal=True),
                                FeedbackReply(**said, source=ReplySource.THREAD,
                                              message_id=f"m{number}", withdrawn_at=NOW)]
        session.add_all(replies)
    async with database.session() as session:
        return Turnout(campaign, await campaigns.audience(session, campaign.id or 0),
                       await tally.answered(session, campaign.id or 0))


async def test_a_tier_one_partner_answered_hides_every_tier_of_an_anonymous_campaign(
        database: Database):
    found = await stored(database, {"Gold": (4, 3), "Silver": (3, 1)}, anonymous=True)
    assert tier_counts(found) == []  # Gold 3 beside a total of 4 would show Silver's 1


async def test_tiers_nobody_answered_are_left_out_and_the_others_shown(database: Database):
    found = await stored(database, {"Gold": (4, 3), "Silver": (3, 0)}, anonymous=True)
    assert tier_counts(found) == [("Gold", 3, 4)]


async def test_a_named_campaign_shows_every_tier(database: Database):
    found = await stored(database, {"Gold": (4, 3), "Silver": (3, 1)}, anonymous=False)
    assert tier_counts(found) == [("Gold", 3, 4), ("Silver", 1, 3)]


async def test_our_own_withdrawn_and_unasked_replies_do_not_count(database: Database):
    found = await stored(database, {"Gold": (4, 3), "Silver": (3, 0)}, anonymous=True,
                         uncounted=True)
    assert tier_counts(found) == [("Gold", 3, 4)]  # Silver's stray replies counted nothing
    assert len(found.answered) == 3 and len(found.silent) == 4
