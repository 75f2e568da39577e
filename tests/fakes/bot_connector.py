"""A fake Bot Framework connector (a Teams serviceUrl) on loopback."""

from __future__ import annotations

from itertools import count
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from tests.fakes.recorder import FakeServer, Fault

Args = dict[str, Any]
ACTIVITY = "/v3/conversations/{conversation_id}/activities/{activity_id}"
ERROR_CODES = {404: "NotFound", 429: "TooManyRequests", 500: "ServiceError"}
# Microsoft 365 Agents Playground's serviceUrl is `http://localhost:<port>/_connector`: a path,
# and no trailing slash.
PLAYGROUND_PATH = "/_connector"
# What every team has: its General channel, which Teams lists without a name.
GENERAL_CHANNEL = {"id": "19:general@thread.tacv2"}


class FakeBotConnector(FakeServer):
    """Records what a bot sends to the Bot Framework connector and answers like Teams."""

    def __init__(self) -> None:
        """Register routes; call start() (or use `async with`) before use."""
        super().__init__()
        self.members: dict[str, Args] = {}
        self.channels: dict[str, list[Args]] = {}
        # Conversations and users Teams refuses with 403 BotNotInConversationRoster (the
        # person has not installed the app, or removed it).
        self.not_installed: set[str] = set()
        self._activity_ids = count(1)
        self._conversation_ids = count(1)
        router = self.app.router
        # At the root (Teams' serviceUrls), and under the path of the Agents Playground's.
        for root in ("", PLAYGROUND_PATH):
            router.add_post(f"{root}/v3/conversations", self._create_conversation)
            router.add_post(f"{root}/v3/conversations/{{conversation_id}}/activities",
                            self._activity("send"))
            router.add_post(root + ACTIVITY, self._activity("reply"))
            router.add_put(root + ACTIVITY, self._activity("update"))
            router.add_delete(root + ACTIVITY, self._activity("delete"))
            router.add_get(f"{root}/v3/conversations/{{conversation_id}}/members",
                           self._get_members)
            router.add_get(f"{root}/v3/conversations/{{conversation_id}}/pagedmembers",
                           self._get_members)
            router.add_get(f"{root}/v3/conversations/{{conversation_id}}/members/{{member_id}}",
                           self._get_member)
            router.add_get(f"{root}/v3/teams/{{team_id}}/conversations",
                           self._get_team_channels)

    @property
    def url(self) -> str:
        """Return the serviceUrl to put in activities (always ends with a slash)."""
        return f"{self.origin}/"

    @property
    def playground_url(self) -> str:
        """Return a serviceUrl shaped as the Agents Playground's (a path, no slash after)."""
        return f"{self.origin}{PLAYGROUND_PATH}"

    def add_member(
        self,
        member_id: str,
        *,
        name: str,
        email: str = "",
        aad_object_id: str = "",
        tenant_id: str = "tenant-1",
    ) -> Args:
        """Register a conversation member (TeamsChannelAccount JSON) for get_member."""
        given, _, surname = name.partition(" ")
        self.members[member_id] = {
            "id": member_id,
            "name": name,
            "aadObjectId": aad_object_id,
            "email": email,
            "userPrincipalName": email,
            "givenName": given,
            "surname": surname,
            "tenantId": tenant_id,
            "userRole": "user",
        }
        return self.members[member_id]

    def add_channel(self, team_id: str, channel_id: str, name: str) -> None:
        """A named channel of a team (each team lists its unnamed General channel first)."""
        self.channels.setdefault(team_id, [dict(GENERAL_CHANNEL)]).append(
            {"id": channel_id, "name": name})

    async def _get_team_channels(self, request: web.Request) -> web.StreamResponse:
        """A team's channels as Teams lists them (ConversationList)."""
        team = request.match_info["team_id"]
        args: Args = {"_team_id": team}
        if (faulty := await self.intercept("get_team_channels", request, args)) is not None:
            return faulty
        return web.json_response(
            {"conversations": self.channels.get(team, [dict(GENERAL_CHANNEL)])})

    def fail_next(self, name: str, status: int = 429, retry_after: int = 1, times: int = 1) -> None:
        """Answer the next `times` calls named `name` with HTTP `status`."""
        retry = retry_after if status == 429 else None
        self.inject(
            name, Fault(status=status, error=ERROR_CODES.get(status), retry_after=retry), times
        )

    @staticmethod
    def _not_in_roster() -> web.StreamResponse:
        """What Teams answers a message for someone who has not installed the app."""
        return web.json_response({"error": {"code": "BotNotInConversationRoster",
                                            "message": "The bot is not part of the "
                                                       "conversation roster."}}, status=403)

    def fault_response(self, fault: Fault) -> web.StreamResponse:
        """Render a fault as a Bot Framework ErrorResponse."""
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        code = fault.error or "ServiceError"
        body = {"error": {"code": code, "message": f"Injected HTTP {fault.status}"}}
        return web.json_response(body, status=fault.status, headers=headers)

    def _next_activity_id(self) -> str:
        """Return a fresh activity id ("activity-N")."""
        return f"activity-{next(self._activity_ids)}"

    def _activity(self, name: str) -> Handler:
        """Build the handler for send / reply / update / delete."""

        async def handle(request: web.Request) -> web.StreamResponse:
            """Record an activity operation and answer with a ResourceResponse."""
            args = await _json(request)
            args["_conversation_id"] = request.match_info["conversation_id"]
            activity_id = request.match_info.get("activity_id")
            if activity_id is not None:
                args["_activity_id"] = activity_id
            if (faulty := await self.intercept(name, request, args)) is not None:
                return faulty
            if args["_conversation_id"] in self.not_installed:
                return self._not_in_roster()
            if name == "delete":
                return web.Response(status=200)
            answer_id = activity_id if name == "update" else self._next_activity_id()
            return web.json_response({"id": answer_id})

        return handle

    async def _create_conversation(self, request: web.Request) -> web.StreamResponse:
        """Record a proactive conversation creation (ConversationParameters)."""
        args = await _json(request)
        if (faulty := await self.intercept("create_conversation", request, args)) is not None:
            return faulty
        members = {member.get("id") for member in args.get("members") or []}
        if members & self.not_installed:
            return self._not_in_roster()
        body: Args = {"id": f"conv-{next(self._conversation_ids)}", "serviceUrl": self.url}
        if args.get("activity"):
            body["activityId"] = self._next_activity_id()
        return web.json_response(body, status=201)

    async def _get_member(self, request: web.Request) -> web.StreamResponse:
        """Return a member registered with add_member(), or 404."""
        info = request.match_info
        args = {"_conversation_id": info["conversation_id"], "_member_id": info["member_id"]}
        if (faulty := await self.intercept("get_member", request, args)) is not None:
            return faulty
        member = self.members.get(args["_member_id"])
        if member is None:
            error = {"code": "MemberNotFoundInConversation", "message": "The member was not found"}
            return web.json_response({"error": error}, status=404)
        return web.json_response(member)

    async def _get_members(self, request: web.Request) -> web.StreamResponse:
        """List every registered member (plain list, or pages of pageSize for pagedmembers)."""
        args: Args = {"_conversation_id": request.match_info["conversation_id"]}
        args.update(request.query)
        paged = request.path.endswith("/pagedmembers")
        name = "get_paged_members" if paged else "get_members"
        if (faulty := await self.intercept(name, request, args)) is not None:
            return faulty
        members = list(self.members.values())
        if not paged:
            return web.json_response(members)
        start = int(args.get("continuationToken") or 0)
        end = start + int(args.get("pageSize") or len(members) or 1)
        page: Args = {"members": members[start:end]}
        if end < len(members):
            page["continuationToken"] = str(end)
        return web.json_response(page)


async def _json(request: web.Request) -> Args:
    """Read a JSON object body (an empty dict when there is none)."""
    if not request.can_read_body:
        return {}
    body = await request.json()
    return body if isinstance(body, dict) else {"_body": body}
