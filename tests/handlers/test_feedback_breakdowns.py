"""An anonymous campaign's breakdown by tier never gives away a tier that 1 or 2 partners
answered, not even by subtraction from the total."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.feedback.summary import Collected, tier_counts
from storage.common.models import Partner
from storage.feedback.models import Campaign, FeedbackReply, ReplySource

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def collected(answered_by_tier: dict[str, tuple[int, int]], *, anonymous: bool) -> Collected:
    """Tier -> (partners asked, partners that answered)."""
    partners, replies, number = [], [], 0
    for tier, (asked, answered) in answered_by_tier.items():
        for index in range(asked):
            number += 1
            partners.append(Partner(id=number, workspace_id=1, name=f"{tier} {index}",
                                    tier=tier, created_at=NOW))
            if index < answered:
                replies.append(FeedbackReply(campaign_id=1, workspace_id=1, person_id=number,
                                             partner_id=number, platform="slack",
                                             source=ReplySource.FORM, text="yes",
                                             created_at=NOW))
    campaign = Campaign(id=1, workspace_id=1, number=1, title="Summit", anonymous=anonymous,
                        closes_at=NOW, created_at=NOW)
    return Collected(campaign, partners, replies)


def test_a_tier_one_partner_answered_hides_every_tier_of_an_anonymous_campaign():
    found = collected({"Gold": (4, 3), "Silver": (3, 1)}, anonymous=True)
    assert tier_counts(found) == []  # Gold 3 beside a total of 4 would show Silver's 1


def test_tiers_nobody_answered_are_left_out_and_the_others_shown():
    found = collected({"Gold": (4, 3), "Silver": (3, 0)}, anonymous=True)
    assert tier_counts(found) == [("Gold", 3, 4)]


def test_a_named_campaign_shows_every_tier():
    found = collected({"Gold": (4, 3), "Silver": (3, 1)}, anonymous=False)
    assert tier_counts(found) == [("Gold", 3, 4), ("Silver", 1, 3)]
