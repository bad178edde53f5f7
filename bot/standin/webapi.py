"""A local stand-in for Slack's Web API, served over real HTTP on 127.0.0.1.

Huddle cannot reach Slack from tests or from ``huddle demo``, so this server plays
Slack's part: it accepts requests exactly as ``slack_sdk``'s ``AsyncWebClient`` sends
them (form or JSON bodies, bearer tokens), keeps a small workspace (users, channels,
messages, views, files) and answers with the response shapes Slack documents.

It is deliberately strict where Slack is strict, because a test double that accepts
what Slack rejects only hides bugs until production: every Block Kit payload is parsed
with ``slack_sdk``'s models *and* checked against Slack's published limits, and a
rejected payload is both answered with Slack's error and remembered in
:attr:`SlackWebAPIStandIn.rejections`. Faults (rate limits, 5xx, dropped connections,
late answers) can be injected so retry behaviour can be proven, not assumed.

This module is the server: HTTP, tokens, faults, the record of calls and waiting on
it. The workspace lives in :mod:`bot.standin.workspace` and the Web API methods in
the ``bot.standin.methods_*`` modules, one per family of Slack methods.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from aiohttp import web

from bot.standin.arguments import ApiError, Args, Rejected, opt_str, truthy
from bot.standin.methods_chat import ChatMethods
from bot.standin.methods_conversations import ConversationsMethods, UsersMethods
from bot.standin.methods_views_files import FilesMethods, ViewsMethods
from bot.standin.rate_limit import RateLimit
from bot.standin.records import (
    DEFAULT_TS_BASE,
    RESPONSE_URL_METHOD,
    UPLOAD_METHOD,
    Fault,
    FaultMode,
    Outcome,
    RecordedCall,
    Rejection,
    ResponseUrlPost,
)

__all__ = ["SlackWebAPIStandIn"]

_MAX_RESPONSE_URL_USES = 5
_JSON_FIELDS = frozenset({"blocks", "attachments", "metadata", "view", "files", "unfurls"})


@dataclass(frozen=True)
class _ResponseUrlContext:
    channel_id: str | None
    user_id: str | None
    message_ts: str | None


class SlackWebAPIStandIn(
    ChatMethods, ConversationsMethods, UsersMethods, ViewsMethods, FilesMethods
):
    """Slack's Web API on ``127.0.0.1``, for tests and ``huddle demo``.

    Use as ``async with SlackWebAPIStandIn() as slack:`` and point the app's
    ``AsyncWebClient(base_url=slack.api_url)`` at it. Every request is kept in
    :attr:`calls`; payloads Slack would refuse are answered with Slack's error and
    kept in :attr:`rejections`.
    """

    def __init__(
        self,
        *,
        team_id: str = "T0HUDDLE",
        team_name: str = "Huddle",
        team_domain: str = "huddle",
        bot_user_id: str = "UHUDDLEBOT",
        bot_id: str = "B0HUDDLE",
        app_id: str = "A0HUDDLE",
        bot_name: str = "huddle",
        token_prefixes: Iterable[str] = ("xoxb-",),
        valid_tokens: Iterable[str] | None = None,
        page_size_cap: int | None = None,
        clock: Callable[[], float] = time.time,
        ts_clock: Callable[[], float] | None = None,
        ts_base: int = DEFAULT_TS_BASE,
        post_limit: RateLimit | None = None,
    ) -> None:
        """``page_size_cap`` forces short pages (Slack may return fewer than ``limit``).

        ``post_limit`` is the workspace's limit on ``chat.postMessage``, shared by every
        client (Slack's own is a few hundred a minute); calls over it are answered 429
        with ``Retry-After`` and recorded as ``ratelimited``. None: no limit.

        Message ``ts`` values are deterministic (``ts_base`` plus 100 µs per message)
        unless ``ts_clock`` is given, in which case they follow that clock (kept
        strictly increasing) so history filters by time behave like the app expects.
        """
        super().__init__(
            team_id=team_id,
            team_name=team_name,
            team_domain=team_domain,
            bot_user_id=bot_user_id,
            bot_id=bot_id,
            app_id=app_id,
            bot_name=bot_name,
            page_size_cap=page_size_cap,
            ts_clock=ts_clock,
            ts_base=ts_base,
        )
        self.token_prefixes = tuple(token_prefixes)
        self.valid_tokens = frozenset(valid_tokens) if valid_tokens is not None else None
        self._clock = clock
        self.post_limit = post_limit
        self.calls: list[RecordedCall] = []
        self.rejections: list[Rejection] = []
        self.responses: list[ResponseUrlPost] = []
        self.answers: list[str] = []
        """The app's HTTP answers to requests Slack sent it (recorded by
        :class:`bot.standin.SignedSlackClient`): they reach Slack too."""
        self._faults: list[Fault] = []
        self.app_level_methods: dict[str, Callable[[str | None], Args]] = {}
        """Methods called with an app-level token (e.g. ``apps.connections.open``, added by
        ``bot.standin.socket_mode``); each checks the token itself and answers the body."""
        self._response_ctx: dict[str, _ResponseUrlContext] = {}
        self._response_uses: dict[str, int] = {}
        self._cond: asyncio.Condition | None = None
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

        self._handlers: dict[str, Callable[[Args, float], Args]] = {
            "api.test": self._api_test,
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.getPermalink": self._chat_get_permalink,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.join": self._conversations_join,
            "conversations.members": self._conversations_members,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "users.profile.get": self._users_profile_get,
            "views.publish": self._views_publish,
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.update": self._views_update,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
        }

    # ----------------------------------------------------------------- lifecycle

    async def __aenter__(self) -> SlackWebAPIStandIn:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Listen on an OS-chosen port of 127.0.0.1 (never a fixed port: tests run in parallel)."""
        if self._runner is not None:
            return
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/response/{key}", self._handle_response_url)
        app.router.add_post("/upload/{file_id}", self._handle_upload)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self._port = int(sock.getsockname()[1])
        await web.SockSite(runner, sock).start()
        self._runner = runner
        self._cond = asyncio.Condition()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("SlackWebAPIStandIn is not started")
        return self._port

    @property
    def url(self) -> str:
        """Root URL, e.g. ``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """Base for ``AsyncWebClient(base_url=...)``; the trailing slash is required."""
        return f"{self.url}/api/"

    def response_url(
        self,
        key: str | None = None,
        *,
        channel_id: str | None = None,
        user_id: str | None = None,
        message_ts: str | None = None,
    ) -> str:
        """A fresh ``response_url`` on this server, as Slack puts in commands and actions.

        ``message_ts`` names the (non-ephemeral) message an action came from, so that
        ``replace_original`` / ``delete_original`` act on it as they would in Slack.
        """
        key = key or f"R{self._next_id():07d}"
        self._response_ctx[key] = _ResponseUrlContext(channel_id, user_id, message_ts)
        return f"{self.url}/response/{key}"

    def now(self) -> float:
        """The stand-in's clock (the one ``RecordedCall.at`` uses)."""
        return self._clock()

    def new_trigger_id(self) -> str:
        """A trigger id shaped like Slack's (``views.open`` requires one)."""
        n = self._next_id()
        return f"{n}.{n * 7919}.{n:032x}"

    # ------------------------------------------------------------------- faults

    def fail(
        self,
        method: str = "*",
        times: int = 1,
        *,
        status: int = 429,
        retry_after: int = 1,
        mode: FaultMode = "status",
        seconds: float = 0.0,
        error: str | None = None,
    ) -> Fault:
        """Make the next ``times`` calls to ``method`` (or ``"*"``) fail.

        Modes: ``status`` answers HTTP ``status`` (429 carries ``Retry-After`` and
        ``ratelimited``); ``error`` answers HTTP 200 ``{"ok": false, "error": error}``;
        ``status_after`` applies the call, then answers HTTP ``status`` all the same
        (Slack did the work but said it failed); ``drop`` closes the connection
        without applying the call; ``drop_after`` applies it, then closes the
        connection (the caller cannot know it worked);
        ``delay`` answers normally after ``seconds``.
        """
        if mode == "error" and not error:
            raise ValueError("mode='error' needs error=...")
        fault = Fault(method, times, mode, status, retry_after, seconds, error)
        self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self._faults.clear()

    def _take_fault(self, method: str) -> Fault | None:
        for fault in self._faults:
            if fault.matches(method):
                fault.remaining -= 1
                return fault
        return None

    # ----------------------------------------------------------- test accessors

    def calls_to(self, method: str, *, applied_only: bool = True) -> list[RecordedCall]:
        """Calls to ``method``; by default only those that took effect."""
        return [c for c in self.calls if c.method == method and (c.applied or not applied_only)]

    @property
    def failed_calls(self) -> list[RecordedCall]:
        return [c for c in self.calls if not c.applied]

    def responses_to(self, url_or_key: str) -> list[ResponseUrlPost]:
        key = url_or_key.rstrip("/").rsplit("/", 1)[-1]
        return [r for r in self.responses if r.id == key]

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[RecordedCall], bool] | None = None,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline per wait reads best in tests
        *,
        applied_only: bool = True,
    ) -> list[RecordedCall]:
        """Wait until ``count`` matching calls were recorded; return them.

        Apps post announcements after acknowledging a request, so a test must wait
        for the post rather than look for it right after the HTTP answer.
        """

        def matching() -> list[RecordedCall]:
            return [
                c
                for c in self.calls_to(method, applied_only=applied_only)
                if predicate is None or predicate(c)
            ]

        await self.wait_until(
            lambda: len(matching()) >= count, timeout=timeout, what=f"{count} x {method}"
        )
        return matching()

    async def wait_until(
        self,
        condition: Callable[[], bool],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
        what: str = "",
    ) -> None:
        """Wait until ``condition()`` holds, re-checking after every recorded request."""
        cond = self._condition()
        try:
            async with cond:
                await asyncio.wait_for(cond.wait_for(condition), timeout)
        except TimeoutError:
            seen = ", ".join(f"{c.method}({c.outcome})" for c in self.calls) or "nothing"
            raise TimeoutError(
                f"timed out after {timeout}s waiting for {what or 'condition'}; saw: {seen}"
            ) from None

    def _condition(self) -> asyncio.Condition:
        if self._cond is None:
            self._cond = asyncio.Condition()
        return self._cond

    async def _record(self, call: RecordedCall) -> None:
        self.calls.append(call)
        cond = self._condition()
        async with cond:
            cond.notify_all()

    # ------------------------------------------------------------ HTTP handlers

    async def _read_args(self, request: web.Request) -> tuple[Args, str | None]:
        args: Args = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except json.JSONDecodeError:
                    body = None
                if isinstance(body, dict):
                    args.update(body)
            else:
                form = await request.post()
                for key, value in form.items():
                    args[key] = (
                        value if isinstance(value, str | bytes | bytearray) else value.file.read()
                    )
        for key in _JSON_FIELDS & args.keys():
            value = args[key]
            if isinstance(value, str) and value[:1] in ("[", "{"):
                # Undecodable JSON stays a string: the handler reports Slack's *_format error.
                with contextlib.suppress(json.JSONDecodeError):
                    args[key] = json.loads(value)
        token: str | None = None
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            token = auth.removeprefix("Bearer ").strip()
        body_token = args.pop("token", None)
        if not token and isinstance(body_token, str):
            token = body_token
        return args, token

    def _auth_error(self, token: str | None) -> str | None:
        if not token:
            return "not_authed"
        if self.valid_tokens is not None:
            return None if token in self.valid_tokens else "invalid_auth"
        return None if token.startswith(self.token_prefixes) else "invalid_auth"

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        args, token = await self._read_args(request)
        at = self._clock()
        if method in self.app_level_methods:
            answer = self.app_level_methods[method](token)
            outcome: Outcome = "ok" if answer.get("ok") else "error"
            await self._record(RecordedCall(method, args, at, outcome, answer))
            return web.json_response(answer)
        auth_error = self._auth_error(token)
        if auth_error is not None:
            body: Args = {"ok": False, "error": auth_error}
            await self._record(RecordedCall(method, args, at, "error", body))
            return web.json_response(body)

        retry_after = self._over_limit(method, at)
        if retry_after is not None:
            body = {"ok": False, "error": "ratelimited"}
            await self._record(RecordedCall(method, args, at, "ratelimited", body))
            return web.json_response(body, status=429, headers={"Retry-After": str(retry_after)})

        fault = self._take_fault(method)
        if fault is not None:
            early = await self._apply_fault_before(request, method, args, at, fault)
            if early is not None:
                return early

        body, outcome = self._dispatch(method, args, at)
        if fault is not None and fault.mode == "drop_after":
            await self._record(RecordedCall(method, args, at, "dropped_after", body, fault))
            return self._drop(request)
        if fault is not None and fault.mode == "status_after":
            answer, headers = self._status_answer(fault)
            await self._record(RecordedCall(method, args, at, "fault_after", answer, fault))
            return web.json_response(answer, status=fault.status, headers=headers)
        await self._record(RecordedCall(method, args, at, outcome, body, fault))
        headers = {
            "X-OAuth-Scopes": "chat:write,commands,users:read,channels:read,groups:read,im:write"
        }
        return web.json_response(body, headers=headers if method == "auth.test" else None)

    async def _apply_fault_before(
        self, request: web.Request, method: str, args: Args, at: float, fault: Fault
    ) -> web.StreamResponse | None:
        """Carry out the part of a fault that happens before the call is applied."""
        if fault.mode == "delay":
            await asyncio.sleep(fault.seconds)
            return None
        if fault.mode in ("drop_after", "status_after"):
            return None
        if fault.mode == "drop":
            await self._record(RecordedCall(method, args, at, "dropped", None, fault))
            return self._drop(request)
        if fault.mode == "error":
            body: Args = {"ok": False, "error": fault.error}
            await self._record(RecordedCall(method, args, at, "fault", body, fault))
            return web.json_response(body)
        body, headers = self._status_answer(fault)
        await self._record(RecordedCall(method, args, at, "fault", body, fault))
        return web.json_response(body, status=fault.status, headers=headers)

    def _over_limit(self, method: str, at: float) -> int | None:
        """``Retry-After`` seconds when the workspace's posting limit refuses the call."""
        if method != "chat.postMessage" or self.post_limit is None:
            return None
        return self.post_limit.take(at)

    @staticmethod
    def _status_answer(fault: Fault) -> tuple[Args, dict[str, str]]:
        """Slack's body and headers for an HTTP error status."""
        if fault.status == 429:
            return {"ok": False, "error": "ratelimited"}, {"Retry-After": str(fault.retry_after)}
        error = {500: "fatal_error", 503: "service_unavailable"}.get(fault.status, "internal_error")
        return {"ok": False, "error": error}, {}

    @staticmethod
    def _drop(request: web.Request) -> web.StreamResponse:
        """Close the connection with no answer; the client sees ServerDisconnectedError."""
        if request.transport is not None:
            request.transport.abort()
        return web.Response()

    def _dispatch(self, method: str, args: Args, at: float) -> tuple[Args, Outcome]:
        handler = self._handlers.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method", "req_method": method}, "error"
        try:
            result = handler(args, at)
        except Rejected as exc:
            self.rejections.append(Rejection(method, exc.error, exc.errors, args, at))
            return {"ok": False, "error": exc.error, **exc.extra}, "rejected"
        except ApiError as exc:
            return {"ok": False, "error": exc.error, **exc.extra}, "error"
        return {"ok": True, **result}, "ok"

    async def _handle_response_url(self, request: web.Request) -> web.StreamResponse:
        key = request.match_info["key"]
        at = self._clock()
        raw = await request.read()
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            body = None
        args: Args = body if isinstance(body, dict) else {"_raw": raw.decode(errors="replace")}
        url = f"{self.url}/response/{key}"

        fault = self._take_fault(RESPONSE_URL_METHOD)
        if fault is not None:
            early = await self._apply_fault_before(request, RESPONSE_URL_METHOD, args, at, fault)
            if early is not None:
                return early

        status = 200
        outcome: Outcome = "ok"
        answer: Args = {"ok": True}
        try:
            if not isinstance(body, dict):
                raise ApiError("invalid_payload")
            self._response_uses[key] = self._response_uses.get(key, 0) + 1
            if self._response_uses[key] > _MAX_RESPONSE_URL_USES:
                raise ApiError("used_url")
            self._apply_response_url(key, body, at)
        except Rejected as exc:
            self.rejections.append(Rejection(RESPONSE_URL_METHOD, exc.error, exc.errors, args, at))
            status, outcome = 400, "rejected"
            answer = {"ok": False, "error": exc.error, **exc.extra}
        except ApiError as exc:
            status, outcome = (404 if exc.error == "used_url" else 400), "error"
            answer = {"ok": False, "error": exc.error}
        self.responses.append(ResponseUrlPost(key, url, args, at, outcome == "ok"))
        if fault is not None and fault.mode == "drop_after":
            await self._record(
                RecordedCall(
                    RESPONSE_URL_METHOD,
                    {**args, "response_url": url},
                    at,
                    "dropped_after",
                    answer,
                    fault,
                )
            )
            return self._drop(request)
        await self._record(
            RecordedCall(
                RESPONSE_URL_METHOD, {**args, "response_url": url}, at, outcome, answer, fault
            )
        )
        return web.json_response(answer, status=status)

    def _apply_response_url(self, key: str, body: Args, at: float) -> None:
        delete = truthy(body.get("delete_original"))
        if not delete:
            self._check_message_payload(body, require_content=True)
        ctx = self._response_ctx.get(key)
        if ctx is None or ctx.channel_id is None:
            return
        original = self._find_message(ctx.channel_id, ctx.message_ts) if ctx.message_ts else None
        if delete and original is not None:
            self._delete_message(original)
        elif truthy(body.get("replace_original")) and original is not None:
            original.text = str(body.get("text") or "")
            original.blocks = body.get("blocks")
            original.edited = {"user": self.bot_user_id, "ts": self._next_ts()}
        elif body.get("response_type") == "in_channel" and not truthy(body.get("replace_original")):
            channel = self._resolve_channel(ctx.channel_id)
            message = self._bot_message(channel.id, body, thread_ts=opt_str(body, "thread_ts"))
            self.messages[channel.id].append(message)

    async def _handle_upload(self, request: web.Request) -> web.StreamResponse:
        """The ``upload_url`` from files.getUploadURLExternal; answers like files.slack.com."""
        file_id = request.match_info["file_id"]
        at = self._clock()
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            part = next(iter(form.values()), b"")
            if isinstance(part, str):
                data = part.encode()
            elif isinstance(part, bytes | bytearray):
                data = bytes(part)
            else:
                data = part.file.read()
        else:
            data = await request.read()
        args: Args = {"file_id": file_id, "size": len(data)}
        fault = self._take_fault(UPLOAD_METHOD)
        if fault is not None:
            early = await self._apply_fault_before(request, UPLOAD_METHOD, args, at, fault)
            if early is not None:
                return early
        upload = self.files.get(file_id)
        if upload is None:
            await self._record(RecordedCall(UPLOAD_METHOD, args, at, "error"))
            return web.Response(status=404, text="file_not_found", content_type="text/plain")
        if len(data) != upload.length:  # the bytes must be the length announced
            await self._record(RecordedCall(UPLOAD_METHOD, args, at, "error"))
            return web.Response(status=400, text="length_mismatch", content_type="text/plain")
        upload.content = data
        await self._record(RecordedCall(UPLOAD_METHOD, args, at, "ok", fault=fault))
        return web.Response(text=f"OK - {len(data)}", content_type="text/plain")

    # ------------------------------- api.test, auth.test (the rest: methods_*.py)

    def _api_test(self, args: Args, at: float) -> Args:
        return {"args": {k: v for k, v in args.items() if isinstance(v, str)}}

    def _auth_test(self, args: Args, at: float) -> Args:
        return {
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_name,
            "user": self.users[self.bot_user_id].name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }
