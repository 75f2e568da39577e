"""The read-only dashboard behind the web server: single-use sign-in links handed out in
chat (`/partnerops dashboard`), who a session is for, and every feature's pages.

A link works once, for ten minutes, and names one person in one workspace; the table keeps
only its hash. Who may open what is read from the database on every request: a partner
contact gets only pages for partners (their own partner's shared view), the vendor team the
rest; people from outside the company who are not a partner's contact get nothing."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta

from bot.core.conversation import ConversationKind, ConversationRef
from bot.core.errors import DeliveryError, UserError
from bot.core.pages import SESSION_LASTS, Page, PageLink, PageSpec, Viewer, ViewerKind
from bot.core.responses import Reply, Response
from handlers.common.context import CommandContext, Services
from handlers.common.pages import PageContext
from storage.common import people, workspaces
from storage.common.models import Person, Role
from storage.insight import repository as insight

LINK_LASTS = timedelta(minutes=10)
SIGN_IN_PATH = "/dashboard/signin/"
PagesOf = Callable[[], tuple[PageSpec, ...]]


def viewer_kind(person: Person) -> ViewerKind | None:
    """What the person may see; None for an outsider who speaks for no partner."""
    if person.role is Role.PARTNER_CONTACT:
        return ViewerKind.PARTNER_CONTACT if person.partner_id else None
    if person.is_external:
        return None
    return ViewerKind.ADMIN if person.role is Role.ADMIN else ViewerKind.MEMBER


async def sign_in_link(ctx: CommandContext) -> Response:
    """`dashboard`: a private, single-use sign-in link for the person who asked."""
    if ctx.args.strip():
        raise UserError("`partnerops dashboard` takes nothing after it: it sends you your "
                        "link.", example="partnerops dashboard")
    if viewer_kind(ctx.person) is None:
        raise UserError("The dashboard is for the vendor team and for partners' contacts; "
                        "an admin can add you as your partner's contact first.",
                        example="partner contact add <partner> @you")
    token = secrets.token_urlsafe(32)
    now = ctx.services.clock.now()
    async with ctx.services.db.session() as session:
        await insight.keep_link(session, token=token, workspace_id=ctx.workspace.id or 0,
                                person_id=ctx.person.id or 0, now=now,
                                expires_at=now + LINK_LASTS)
    link = f"{ctx.services.config.public_url.rstrip('/')}{SIGN_IN_PATH}{token}"
    what = "your partner's page" if ctx.person.role is Role.PARTNER_CONTACT else \
        "partners, objectives, participation, the herd and campaigns"
    said = (f"Your dashboard ({what}): {link}\nThe link works once, for the next "
            f"{int(LINK_LASTS.total_seconds() // 60)} minutes, and only for you; "
            "`partnerops dashboard` gives a new one.")
    here = ctx.invocation.conversation
    if here.kind is ConversationKind.DIRECT:
        return Reply(said)
    # Asked in a channel: the link goes to the direct messages only, never where a platform
    # without private replies in channels (Teams) would show it to everyone.
    direct = ConversationRef(here.platform, ctx.invocation.actor.user_id,
                             ConversationKind.DIRECT, workspace=here.workspace)
    try:
        await ctx.services.outbox.post(direct, said)
    except DeliveryError as problem:
        raise UserError(f"I couldn't send you the link in a direct message ({problem}); "
                        "write to me there once, then ask again.",
                        example="partnerops dashboard") from None
    return Reply("I sent you the dashboard link in our direct messages.")


class Dashboard:
    """The dashboard as the web server asks for it (bot.core.pages.DashboardSource)."""

    def __init__(self, services: Services, pages_of: PagesOf) -> None:
        self._services = services
        self._pages_of = pages_of

    async def check_link(self, token: str) -> bool:
        now = self._services.clock.now()
        async with self._services.db.session() as session:
            return await insight.link_is_live(session, token, now)

    async def spend_link(self, token: str) -> str | None:
        now = self._services.clock.now()
        async with self._services.db.session() as session:
            link = await insight.use_link(session, token, now)
        if link is None or await self._viewer_of(link.workspace_id, link.person_id) is None:
            return None
        return link.token_hash

    async def viewer(self, session_id: str) -> Viewer | None:
        now = self._services.clock.now()
        async with self._services.db.session() as session:
            link = await insight.live_session(session, session_id, now=now,
                                              lasts=SESSION_LASTS)
        return None if link is None else await self._viewer_of(link.workspace_id,
                                                                 link.person_id)

    async def end_session(self, session_id: str) -> None:
        async with self._services.db.session() as session:
            await insight.end_session(session, session_id, self._services.clock.now())

    async def _viewer_of(self, workspace_id: int, person_id: int) -> Viewer | None:
        async with self._services.db.session() as session:
            person = await people.get(session, person_id)
        if person is None or person.workspace_id != workspace_id:
            return None
        kind = viewer_kind(person)
        return Viewer(workspace_id, person_id, person.display_name, kind) if kind else None

    def _specs(self, viewer: Viewer) -> list[PageSpec]:
        return sorted((spec for spec in self._pages_of() if spec.audience is viewer.kind.audience),
                      key=lambda spec: spec.place)

    def pages(self, viewer: Viewer) -> tuple[PageLink, ...]:
        return tuple(PageLink(spec.slug, spec.title) for spec in self._specs(viewer))

    def every_slug(self) -> frozenset[str]:
        return frozenset(spec.slug for spec in self._pages_of())

    async def page(self, viewer: Viewer, slug: str, sort: str) -> Page | None:
        spec = next((spec for spec in self._specs(viewer) if spec.slug == slug), None)
        if spec is None:
            return None
        async with self._services.db.session() as session:
            workspace = await workspaces.get(session, viewer.workspace_id)
            person = await people.get(session, viewer.person_id)
        if workspace is None or person is None:
            return None
        parts = await spec.build(PageContext(self._services, workspace, person, viewer, sort))
        return Page(spec.slug, spec.title, parts)
