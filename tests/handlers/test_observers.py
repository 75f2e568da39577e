"""Observers: added by admins to a cadence or to the whole install, asked nothing, and sent a
digest once a week at the day and time they choose, through run-due."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.core.conversation import ConversationKind
from schedules.run_due import run_due
from storage.cadences import repository as cadences
from storage.cadences.models import AnswerStatus
from storage.partners import repository as partners
from tests.handlers.cadence_team import Team
from tests.handlers.elephant_lifecycle_helpers import filed
from tests.handlers.test_feedback import QUICK, feedback, partners_with_contacts
from tests.handlers.test_partners import say

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # the team's clock starts here


def digests_to(team: Team, user: str) -> list[str]:
    return [sent.text for sent in team.outbox.posts
            if sent.to.kind is ConversationKind.DIRECT and sent.to.id == user
            and "weekly digest" in sent.text]


async def _check_in(team: Team, day: date, health: str) -> None:
    bob = await team.person("bob")
    occurrence = await team.occurrence("Weekly check-in", day,
                                       datetime.combine(day, datetime.min.time(), UTC)
                                       + timedelta(hours=17))
    async with team.application.database.session() as session:
        northwind = await partners.by_name(session, bob.workspace_id, "Northwind")
        await cadences.record_answer(session, occurrence=occurrence, person_id=bob.id or 0,
                                     partner=northwind, status=AnswerStatus.ANSWERED,
                                     answers=[health, "", "", "", ""], now=team.clock.now())


async def test_admins_add_and_remove_observers_of_a_cadence_or_everything(team: Team):
    await team.set_up(participants=["bob"])
    for user in ("dana", "lee", "pat"):
        await say(team, user, "partnerops whoami")
    assert "Nobody observes yet" in await say(team, "ana", "partnerops observers")
    said = await say(team, "ana", "partnerops observers add @dana")
    assert "Dana now observes the whole install: a digest Mondays at 09:00 (UTC), first on " \
           "Mon 30 Nov 2026" in said
    assert "Lee now observes Daily" in await say(team, "ana", "partnerops observers add @lee "
                                                              "daily")
    assert "already observes" in await say(team, "ana", "partnerops observers add @dana")
    assert "no cadence called 'Nightly'" in await say(
        team, "ana", "partnerops observers add @lee Nightly")
    assert "Only admins" in await say(team, "bob", "partnerops observers add @bob")
    listed = await say(team, "ana", "partnerops observers")
    assert await say(team, "ana", "partnerops observers list") == listed
    assert "'watch' is not something observers do" in await say(
        team, "ana", "partnerops observers watch @dana")
    assert "• Dana: the whole install; Mondays at 09:00 (UTC)" in listed
    assert "• Lee: Daily; Mondays at 09:00 (UTC)" in listed
    # A partner contact is never an observer.
    await say(team, "ana", "partner add Northwind type VAR")
    await say(team, "ana", "partner contact add Northwind @pat")
    assert "partner contact" in await say(team, "ana", "partnerops observers add @pat")
    assert "no longer observes Daily" in await say(team, "ana",
                                                   "partnerops observers remove @lee Daily")
    assert "Lee" not in await say(team, "ana", "partnerops observers")
    # Someone who becomes a partner's contact stops getting the internal digest at once.
    await say(team, "ana", "partner contact add Northwind @dana")
    assert "Dana" not in await say(team, "ana", "partnerops observers")
    assert "You don't observe anything" in await say(team, "dana", "partnerops digest")
    # Observers are asked nothing: they are not participants.
    assert [person.display_name for person in
            await cadences_participants(team)] == ["Bob"]


async def cadences_participants(team: Team) -> list:
    cadence = await team.cadence("Daily")
    async with team.application.database.session() as session:
        return list(await cadences.participants(session, cadence.id or 0))


async def test_the_digest_comes_once_a_week_with_what_changed(team: Team):
    await partners_with_contacts(team)
    await team.set_up(command="checkin", name="Weekly check-in", participants=["bob"],
                      partners="Northwind")
    await _check_in(team, date(2026, 11, 16), "green")
    await _check_in(team, date(2026, 11, 24), "red")
    await say(team, "ana", "objective add Northwind Certify 3 engineers by 2026-12-10")
    await say(team, "ana", "objective add Contoso Joint launch by 2027-03-01")  # not within 30
    await filed(team, text="Reps hide the forecast")
    assert "F-1" in await feedback(team, "ana", QUICK.replace("2026-12-15", "2026-12-02"))
    await say(team, "dana", "partnerops whoami")
    await say(team, "ana", "partnerops observers add @dana")

    services = team.application.services
    await run_due(services, MONDAY + timedelta(days=7) - timedelta(minutes=1))
    assert digests_to(team, "dana") == []
    for _ in range(2):  # twice: once is all it ever sends
        await run_due(services, MONDAY + timedelta(days=7))
    [digest] = digests_to(team, "dana")
    assert "Your weekly digest: the whole install" in digest
    assert "Weekly check-in: week of Nov 23: 1 of 1 answered" in digest
    assert "Northwind: 🟢 green → 🔴 red (Tue 24 Nov 2026)" in digest
    assert "O-1 Northwind: Certify 3 engineers (due Thu 10 Dec 2026)" in digest
    assert "Joint launch" not in digest
    assert "New: E-1 Reps hide the forecast" in digest
    assert "F-1 Partner Summit 2027 planning: closes Wed 02 Dec 17:00; 0 of 3 partners " \
           "answered" in digest
    [sent] = [sent for sent in team.outbox.posts if sent.text == digest]
    assert [chart.title for chart in sent.card.charts] == [
        "Weekly check-in: participation per week"]
    await run_due(services, MONDAY + timedelta(days=10))
    assert len(digests_to(team, "dana")) == 1  # nothing more until next Monday
    await run_due(services, MONDAY + timedelta(days=14, hours=3))
    assert len(digests_to(team, "dana")) == 2  # late, but within its week


async def test_an_observer_chooses_the_day_and_time(team: Team):
    await team.set_up(participants=["bob"])
    assert "You don't observe anything" in await say(team, "dana", "partnerops digest")
    await say(team, "ana", "partnerops observers add @dana Daily")
    assert "is not a day of the week" in await say(team, "dana", "partnerops digest fun 16:00")
    said = await say(team, "dana", "partnerops digest friday 16:00")
    assert "Your digest now comes Fridays at 16:00 (UTC), next on Fri 27 Nov 2026" in said
    now = await say(team, "dana", "partnerops digest")
    assert "Your weekly digest: your cadences" in now
    assert "Daily: nobody was asked in the last 8 weeks" in now
    assert "Elephants" not in now  # a cadence's observer gets that cadence only
    services = team.application.services
    await run_due(services, datetime(2026, 11, 27, 15, 59, tzinfo=UTC))
    assert digests_to(team, "dana") == []
    await run_due(services, datetime(2026, 11, 27, 16, 0, tzinfo=UTC))
    assert len(digests_to(team, "dana")) == 1


async def test_an_observer_asking_to_stop_is_told_who_stops_it(team: Team):
    await team.set_up(participants=["bob"])
    await say(team, "ana", "partnerops observers add @dana")
    said = await say(team, "dana", "partnerops digest off")
    assert "`partnerops observers remove @you`" in said and "Example" in said


async def test_deleting_an_observed_cadence_says_who_stops_getting_it(team: Team):
    await team.set_up(participants=["bob"])
    await say(team, "ana", "partnerops observers add @dana Daily")
    asked = await say(team, "ana", "standup delete Daily")
    assert "Its observers (dana) stop getting its participation." in asked
    done = await say(team, "ana", "standup delete Daily confirm")
    assert "Deleted Daily" in done and "Its observers (dana)" in done
    assert "Nobody observes yet" in await say(team, "ana", "partnerops observers")
