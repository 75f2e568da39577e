"""`/partnerops admins`: who runs PartnerOps; never nobody, never a partner contact."""

from __future__ import annotations

from storage.common.models import Role
from tests.handlers.cadence_team import Team
from tests.handlers.test_partners import northwind_with_pat, say


async def test_admins_are_listed_added_and_removed_but_never_none(team: Team):
    await northwind_with_pat(team)  # Ana (the first user) is the admin; Pat a contact
    assert "Admins: Ana." in await say(team, "ana", "partnerops admins")
    assert "Bob is now an admin. Admins: Ana, Bob." in await say(
        team, "ana", "partnerops admins add @bob")
    assert "Bob is already an admin" in await say(team, "ana", "partnerops admins add @bob")
    assert "Pat is a partner contact" in await say(team, "ana", "partnerops admins add @pat")
    assert (await team.person("pat")).role is Role.PARTNER_CONTACT
    assert "Ana is no longer an admin. Admins: Bob." in await say(
        team, "bob", "partnerops admins remove @ana")
    only = await say(team, "bob", "partnerops admins remove @bob")
    assert "Bob is the only admin; add another first" in only
    assert (await team.person("bob")).role is Role.ADMIN


async def test_only_admins_change_who_the_admins_are(team: Team):
    await northwind_with_pat(team)
    for user in ("bob", "pat"):
        said = await say(team, user, "partnerops admins add @bob")
        assert said.startswith("Only admins can use 'partnerops admins'"), said
    assert (await team.person("bob")).role is Role.MEMBER
    assert "Mention who" in await say(team, "ana", "partnerops admins add bob")


async def test_an_admin_exports_this_workspaces_rows_as_a_csv_file(team: Team):
    await northwind_with_pat(team)
    said = await say(team, "ana", "partnerops export partners")
    assert said.startswith("Sent partners-2026-11-23.csv to our direct messages: 2 rows")
    [(user, file, comment)] = team.outbox.files
    lines = file.data.decode().splitlines()
    assert user == "ana" and lines[0].startswith("id,workspace,name,type,tier,owner")
    assert [line.split(",")[2] for line in lines[1:]] == ["Northwind Traders", "Contoso Ltd"]
    assert comment == "2 rows of partners, this workspace only."
    assert "choose one of answers, cadences" in await say(team, "ana",
                                                          "partnerops export secrets")
    assert "Only admins" in await say(team, "bob", "partnerops export partners")
    assert len(team.outbox.files) == 1
