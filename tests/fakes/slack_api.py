"""A fake Slack Web API (plus response_url target and Socket Mode endpoint) on loopback."""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from datetime import datetime
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import WSMsgType, web

from tests.fakes.recorder import FakeServer, Fault

Args = dict[str, Any]
SOCKET_WAIT = 5.0
TEAM = {"team_id": "T0001", "team": "Acme", "user_id": "UBOT", "bot_id": "BBOT"}
HELLO = {
    "type": "hello",
    "num_connections": 1,
    "debug_info": {"host": "applink-fake", "build_number": 1, "approximate_connection_time": 60},
    "connection_info": {"app_id": "A0001"},
}


class FakeSlackApi(FakeServer):
    """Records Slack Web API calls and answers them with canned, realistic responses."""

    def __init__(self) -> None:
        """Register routes; call start() (or use `async with`) before use."""
        super().__init__()
        self.users: dict[str, Args] = {}
        self.channels: dict[str, Args] = {}
        self.overrides: dict[str, Args] = {}
        self.history: dict[str, list[Args]] = {}  # channel id -> posted messages, oldest first
        # OAuth: install code -> the oauth.v2.access answer; bot token -> its team for auth.test.
        self.install_codes: dict[str, Args] = {}
        self.bot_tokens: dict[str, Args] = {}
        # Calls whose work is done but whose answer is lost: the status Slack sends instead.
        self._lost_answers: dict[str, deque[int]] = defaultdict(deque)
        self._last_ts = 0.0
        self._view_ids = count(1)
        self._sockets: set[web.WebSocketResponse] = set()
        self._connected = asyncio.Event()
        self.app.router.add_route("*", "/api/{method}", self._api)
        self.app.router.add_post("/response/{token}", self._response_url)
        self.app.router.add_post("/upload/{file_id}", self._upload)
        self.app.router.add_get("/socket", self._socket)
        self._canned: dict[str, Callable[[Args], Args]] = {
            "auth.test": lambda _: {**TEAM, "url": "https://acme.slack.com/", "user": "partnerops"},
            "chat.postMessage": self._post_message,
            "chat.update": self._update,
            "chat.postEphemeral": lambda _: {"message_ts": self._next_ts()},
            "chat.delete": lambda a: {"channel": a.get("channel"), "ts": a.get("ts")},
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "users.info": self._users_info,
            "views.open": self._view,
            "views.update": self._view,
            "views.push": self._view,
            "views.publish": self._view,
            # files_upload_v2: an upload URL (here), the upload, then the completion.
            "files.getUploadURLExternal": lambda a: {
                "file_id": f"F{len(self.of('files.getUploadURLExternal')):04d}",
                "upload_url": f"{self.origin}/upload/"
                              f"F{len(self.of('files.getUploadURLExternal')):04d}"},
            "files.completeUploadExternal": lambda a: {"files": [
                {"id": item.get("id"), "title": item.get("title")}
                for item in (json.loads(a["files"]) if isinstance(a.get("files"), str)
                             else a.get("files") or [])]},
            "apps.connections.open": lambda _: {"url": f"ws://127.0.0.1:{self.port}/socket"},
            "oauth.v2.access": self._oauth_access,
        }

    @property
    def url(self) -> str:
        """Return the base URL for AsyncWebClient(base_url=...) / SLACK_API_URL."""
        return f"{self.origin}/api/"

    def response_url(self, token: str = "r1") -> str:
        """Return a response_url that this fake records as "response_url"."""
        return f"{self.origin}/response/{token}"

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        real_name: str = "",
        email: str = "",
        tz: str = "Europe/Berlin",
        team_id: str = "T0001",
        is_bot: bool = False,
    ) -> Args:
        """Register a user that users.info returns; returns the user object."""
        offset = ZoneInfo(tz).utcoffset(datetime.now())
        real = real_name or name
        self.users[user_id] = {
            "id": user_id,
            "team_id": team_id,
            "name": name,
            "real_name": real,
            "deleted": False,
            "tz": tz,
            "tz_label": tz,
            "tz_offset": int(offset.total_seconds()) if offset else 0,
            "is_bot": is_bot,
            "is_admin": False,
            "profile": {"real_name": real, "display_name": name, "email": email, "team": team_id},
        }
        return self.users[user_id]

    def set_channel(
        self,
        channel_id: str,
        *,
        is_member: bool = True,
        name: str = "",
        members: Sequence[str] = (),
        ext_shared: bool = False,
    ) -> None:
        """Register a channel's name, bot membership, (if given) its member list, and
        whether another organisation shares it (Slack Connect)."""
        self.channels[channel_id] = {
            "name": name or channel_id.lower(),
            "is_member": is_member,
            "members": list(members) or None,
            "is_ext_shared": ext_shared,
        }

    def add_install(self, code: str, *, team_id: str, token: str, bot_user_id: str,
                    team_name: str = "", enterprise_id: str | None = None,
                    installer: str = "UINSTALLER", scopes: Sequence[str] = ()) -> None:
        """Let oauth.v2.access trade `code` for a bot `token` of `team_id` (and auth.test
        with that token answer for that team), as installing the app there would."""
        team = {"id": team_id, "name": team_name or f"Team {team_id}"}
        self.install_codes[code] = {
            "access_token": token, "token_type": "bot", "scope": ",".join(scopes),
            "bot_user_id": bot_user_id, "app_id": "A0001", "team": team,
            "enterprise": {"id": enterprise_id, "name": "Org"} if enterprise_id else None,
            "is_enterprise_install": False,
            "authed_user": {"id": installer},
        }
        self.bot_tokens[token] = {"team_id": team_id, "team": team["name"],
                                  "user_id": bot_user_id, "bot_id": f"B{team_id}",
                                  "enterprise_id": enterprise_id}

    def _oauth_access(self, args: Args) -> Args:
        """A bot token for a known, unused install code (codes are single-use)."""
        answer = self.install_codes.pop(str(args.get("code") or ""), None)
        return answer if answer is not None else {"ok": False, "error": "invalid_code"}

    def set_response(self, method: str, body: Args) -> None:
        """Answer every later `method` call with `body` merged over {"ok": true}."""
        self.overrides[method] = body

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        error: str = "ratelimited",
    ) -> None:
        """Answer the next `times` calls with HTTP `status` (Retry-After only on 429)."""
        if status != 429:
            error = "fatal_error" if error == "ratelimited" else error
        retry = retry_after if status == 429 else None
        self.inject(method, Fault(status=status, error=error, retry_after=retry), times)

    def lose_next_answer(self, method: str, status: int = 503, times: int = 1) -> None:
        """Do the next `times` calls' work (a message is posted), then answer HTTP `status`:
        the caller cannot tell whether it happened."""
        self._lost_answers[method].extend([status] * times)

    def error_next(self, method: str, error: str = "channel_not_found", times: int = 1) -> None:
        """Answer the next `times` calls with HTTP 200 {"ok": false, "error": error}."""
        self.inject(method, Fault(status=200, error=error), times)

    def fault_response(self, fault: Fault) -> web.StreamResponse:
        """Render a fault the way Slack does: JSON {"ok": false, "error": ...}."""
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        body = {"ok": False, "error": fault.error or "fatal_error"}
        return web.json_response(body, status=fault.status, headers=headers)

    async def socket_send(self, envelope: Args) -> None:
        """Push an envelope to every Socket Mode client, waiting briefly for one to connect."""
        try:
            async with asyncio.timeout(SOCKET_WAIT):
                await self._connected.wait()
        except TimeoutError:
            raise AssertionError(f"no Socket Mode client within {SOCKET_WAIT}s") from None
        for ws in list(self._sockets):
            await ws.send_str(json.dumps(envelope))

    async def socket_drop(self) -> None:
        """Drop every Socket Mode connection, as a network blip does (no `disconnect`
        message first): the client must notice and connect again."""
        for ws in list(self._sockets):
            await ws.close(code=1011, message=b"dropped")

    async def stop(self) -> None:
        """Close Socket Mode connections, then stop the server."""
        for ws in list(self._sockets):
            await ws.close()
        await super().stop()

    # Besides the base's: a 503 after the work was done (the caller cannot tell); with
    # `hang`, the work done but its answer late, after the caller gave up.
    CHAOS = ("ratelimited", "unavailable", "lost")
    TIMEOUTS = ("hung", "slow")

    def chaos_fault(self, kind: str) -> Fault:
        """A lost or slow answer lets the call through: its work is done, then 503 or a
        late answer (in `_api`)."""
        return Fault() if kind in ("lost", "slow") else super().chaos_fault(kind)

    async def _api(self, request: web.Request) -> web.StreamResponse:
        """Handle any GET/POST /api/{method} call."""
        method = request.match_info["method"]
        args = await parse_args(request)
        if (faulty := await self.intercept(method, request, args)) is not None:
            return faulty
        canned = self._canned.get(method)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if method == "auth.test" and token in self.bot_tokens:  # an install's own token
            canned = lambda _: {**self.bot_tokens[token], "url": "https://team.slack.com/"}  # noqa: E731
        body = self.overrides.get(method, canned(args) if canned else {})
        if self._lost_answers[method] or args.get("_chaos") == "lost":  # done, unheard
            status = self._lost_answers[method].popleft() if self._lost_answers[method] else 503
            return self.fault_response(Fault(status=status))
        if args.get("_chaos") == "slow":  # done, answered after the caller gave up
            await asyncio.sleep(self.hang_seconds)
        return web.json_response({"ok": True, **body})

    async def _response_url(self, request: web.Request) -> web.StreamResponse:
        """Record a post to a response_url (JSON body merged into args)."""
        body = await request.json() if request.can_read_body else {}
        args: Args = {"_token": request.match_info["token"], **body}
        if (faulty := await self.intercept("response_url", request, args)) is not None:
            return faulty
        return web.json_response({"ok": True})

    async def _upload(self, request: web.Request) -> web.StreamResponse:
        """Record a file's bytes sent to an upload URL ("file_upload", as text)."""
        data = await request.read()
        args: Args = {"_file_id": request.match_info["file_id"],
                      "_content": data.decode("utf-8", errors="replace")}
        if (faulty := await self.intercept("file_upload", request, args)) is not None:
            return faulty
        return web.Response(text="OK - file uploaded")

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        """Serve Socket Mode: send hello, then record acks ("socket_ack")."""
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.add(ws)
        self._connected.set()
        self.record("socket_connect", request, dict(request.query), verb="WS")
        await ws.send_str(json.dumps(HELLO))
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    data = json.loads(msg.data)
                    name = "socket_ack" if "envelope_id" in data else "socket_message"
                    self.record(name, request, data, verb="WS")
        finally:
            self._sockets.discard(ws)
            if not self._sockets:
                self._connected.clear()
        return ws

    def _next_ts(self) -> str:
        """A fresh, strictly increasing message ts from the wall clock, as Slack's are."""
        self._last_ts = max(time.time(), self._last_ts + 0.000001)
        return f"{self._last_ts:.6f}"

    def _message(self, args: Args, ts: str) -> Args:
        """Build the message object Slack echoes back."""
        message = {"type": "message", "user": "UBOT", "bot_id": "BBOT", "team": "T0001", "ts": ts}
        message["text"] = args.get("text", "")
        keys = ("blocks", "attachments", "thread_ts", "metadata")
        return message | {key: args[key] for key in keys if key in args}

    def _post_message(self, args: Args) -> Args:
        """Post a message; a user id as channel is answered with its DM channel like Slack."""
        channel = str(args.get("channel", ""))
        channel = "D" + channel if channel.startswith(("U", "W")) else channel
        ts = self._next_ts()
        message = self._message(args, ts)
        self.history.setdefault(channel, []).append(message)
        return {"channel": channel, "ts": ts, "message": message}

    def _update(self, args: Args) -> Args:
        """Update a message in place."""
        ts = str(args.get("ts", ""))
        message = self._message(args, ts)
        text = message["text"]
        return {"channel": args.get("channel"), "ts": ts, "text": text, "message": message}

    def _conversations_open(self, args: Args) -> Args:
        """Open a DM ("D" + user id) or a multi-person DM ("G" + user ids)."""
        users = [user for user in str(args.get("users", "")).split(",") if user]
        prefix = "D" if len(users) == 1 else "G"
        return {"channel": {"id": args.get("channel") or prefix + "".join(users)}}

    def _conversations_info(self, args: Args) -> Args:
        """Describe a channel; the bot is a member unless set_channel said otherwise."""
        cid = str(args.get("channel", ""))
        known = self.channels.get(cid, {"name": cid.lower(), "is_member": True})
        return {
            "channel": {
                "id": cid,
                "name": known["name"],
                "is_channel": cid.startswith("C"),
                "is_group": cid.startswith("G"),
                "is_im": cid.startswith("D"),
                "is_private": cid.startswith("G"),
                "is_archived": False,
                "is_member": known["is_member"],
                "is_ext_shared": known.get("is_ext_shared", False),
                "is_shared": known.get("is_ext_shared", False),
                "is_pending_ext_shared": False,
            }
        }

    def _conversations_members(self, args: Args) -> Args:
        """Page through members: those given to set_channel, else every user plus the bot."""
        members = self.channels.get(str(args.get("channel", "")), {}).get("members")
        members = members if members is not None else [*self.users, "UBOT"]
        start, limit = int(args.get("cursor") or 0), int(args.get("limit") or 100)
        more = str(start + limit) if start + limit < len(members) else ""
        return {"members": members[start:start + limit],
                "response_metadata": {"next_cursor": more}}

    def _conversations_history(self, args: Args) -> Args:
        """Top-level messages posted after `oldest`, newest first; metadata only if asked."""
        oldest, limit = float(args.get("oldest") or 0), int(args.get("limit") or 100)
        posted = [message for message in self.history.get(str(args.get("channel")), [])
                  if float(message["ts"]) > oldest and message.get("thread_ts") in (None, "")]
        metadata = str(args.get("include_all_metadata")).lower() in ("1", "true")
        page = [message if metadata else {k: v for k, v in message.items() if k != "metadata"}
                for message in reversed(posted)][:limit]
        return {"messages": page, "has_more": len(posted) > limit}

    def _conversations_replies(self, args: Args) -> Args:
        """A thread's messages (its root first) posted after `oldest`; metadata if asked."""
        root, oldest = str(args.get("ts", "")), float(args.get("oldest") or 0)
        thread = [message for message in self.history.get(str(args.get("channel")), [])
                  if (message["ts"] == root or message.get("thread_ts") == root)
                  and (message["ts"] == root or float(message["ts"]) > oldest)]
        metadata = str(args.get("include_all_metadata")).lower() in ("1", "true")
        return {"messages": [message if metadata else
                             {k: v for k, v in message.items() if k != "metadata"}
                             for message in thread], "has_more": False}

    def _users_info(self, args: Args) -> Args:
        """Return a user added with add_user(), or user_not_found."""
        user = self.users.get(str(args.get("user", "")))
        return {"user": user} if user else {"ok": False, "error": "user_not_found"}

    def _view(self, args: Args) -> Args:
        """Echo the view with an id, as views.open/update/push/publish do."""
        view = args.get("view")
        view = dict(view) if isinstance(view, dict) else {}
        view_id = args.get("view_id") or f"V{next(self._view_ids):04d}"
        view.setdefault("private_metadata", "")
        view.setdefault("callback_id", "")
        ids = {"id": view_id, "root_view_id": view_id, "team_id": "T0001", "app_id": "A0001"}
        return {"view": {**view, **ids, "state": {"values": {}}, "hash": f"1700000000.{view_id}"}}


async def parse_args(request: web.Request) -> Args:
    """Merge query string, form body and JSON body into one args dict."""
    args: Args = {key: maybe_json(key, value) for key, value in request.query.items()}
    if not request.can_read_body:
        return args
    if request.content_type == "application/json":
        body = await request.json()
        args.update(body if isinstance(body, dict) else {"_body": body})
        return args
    for key, value in (await request.post()).items():
        if isinstance(value, web.FileField):
            args[key] = value.filename  # a multipart upload: keep the name, not the content
        else:
            args[key] = maybe_json(key, value) if isinstance(value, str) else bytes(value)
    return args


def maybe_json(key: str, value: str) -> str | list[Any] | dict[str, Any]:
    """Decode JSON lists/dicts sent as form/query strings (blocks, view...); never `text`."""
    if key == "text" or not value.startswith(("[", "{")):
        return value
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    return decoded if isinstance(decoded, (list, dict)) else value
