"""Slack for many workspaces: "Add to Slack" and each workspace's Web API, by token.

Huddle in OAuth mode calls one Web API URL for every workspace; Slack tells them apart
by the token. :class:`SlackOAuthStandIn` plays that: it serves Slack's consent page
(``/oauth/v2/authorize``, which sends the browser back with a code), ``oauth.v2.access``
(a v2 installation payload with a new bot token per code, each code good once),
``apps.uninstall`` (the workspace's tokens stop working), and passes every other call
to the :class:`SlackWebAPIStandIn` of the workspace whose token it carries, so
``auth.test`` with a token of workspace A answers as A, and a token no workspace issued
is refused with ``invalid_auth``. Revocation events (``app_uninstalled``,
``tokens_revoked``) reach the app the way every event does, from the workspace's
:class:`bot.standin.SignedSlackClient`.
"""

from __future__ import annotations

import base64
import itertools
import secrets
import socket
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

import aiohttp
from aiohttp import web

from bot.standin.webapi import SlackWebAPIStandIn

__all__ = ["InstalledToken", "SlackOAuthStandIn"]


@dataclass
class InstalledToken:
    team_id: str
    token: str
    revoked: bool = False


@dataclass
class _Code:
    team_id: str
    installer_id: str
    redirect_uri: str | None
    used: bool = False


@dataclass
class SlackOAuthStandIn:
    """Use as ``async with SlackOAuthStandIn(client_id, client_secret) as slack:``; add
    workspaces with :meth:`add_workspace` (each a started :class:`SlackWebAPIStandIn`)."""

    client_id: str
    client_secret: str
    app_id: str = "A0HUDDLE"
    scopes: tuple[str, ...] = ()
    workspaces: dict[str, SlackWebAPIStandIn] = field(default_factory=dict)
    installers: dict[str, str] = field(default_factory=dict)
    tokens: list[InstalledToken] = field(default_factory=list)
    """Every bot token issued, in order (the secret guard looks for them in logs)."""
    refused: list[str] = field(default_factory=list)
    """Methods called with a token no installed workspace holds."""
    _codes: dict[str, _Code] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    _port: int | None = None
    _session: aiohttp.ClientSession | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def __aenter__(self) -> SlackOAuthStandIn:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/oauth/v2/authorize", self._authorize)
        app.router.add_route("*", "/api/{method}", self._api)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._port = int(sock.getsockname()[1])
        await web.SockSite(self._runner, sock).start()
        self._session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        for workspace in self.workspaces.values():
            await workspace.stop()
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    async def add_workspace(
        self, team_id: str, installer_id: str, *, name: str | None = None, **options: object
    ) -> SlackWebAPIStandIn:
        """A workspace whose ``installer_id`` will install the app; until then every
        token is refused there. ``options`` go to :class:`SlackWebAPIStandIn`."""
        workspace = SlackWebAPIStandIn(
            team_id=team_id,
            team_name=name or team_id,
            team_domain=team_id.lower(),
            bot_user_id=f"UBOT{team_id}",
            bot_id=f"BBOT{team_id}",
            app_id=self.app_id,
            valid_tokens=(),
            **options,  # type: ignore[arg-type]
        )
        await workspace.start()
        self.workspaces[team_id] = workspace
        self.installers[team_id] = installer_id
        return workspace

    def token_of(self, team_id: str) -> str | None:
        """The workspace's working bot token, if it is installed."""
        live = [t.token for t in self.tokens if t.team_id == team_id and not t.revoked]
        return live[-1] if live else None

    def revoke(self, team_id: str) -> None:
        """The workspace's tokens stop working (an uninstall, a revocation)."""
        for token in self.tokens:
            if token.team_id == team_id:
                token.revoked = True
        self.workspaces[team_id].valid_tokens = frozenset()

    # ------------------------------------------------------------------ the browser

    async def _authorize(self, request: web.Request) -> web.StreamResponse:
        """Slack's consent page, already agreed to: back to the app with a code."""
        query = request.query
        if query.get("client_id") != self.client_id:
            return web.Response(status=400, text="invalid client_id")
        team_id = query.get("team") or next(iter(self.workspaces))
        code = f"code-{next(self._ids)}-{secrets.token_hex(4)}"
        redirect_uri = query.get("redirect_uri")
        self._codes[code] = _Code(team_id, self.installers[team_id], redirect_uri)
        target = redirect_uri or "/slack/oauth_redirect"
        location = f"{target}?{urlencode({'code': code, 'state': query.get('state', '')})}"
        raise web.HTTPFound(location)

    # ------------------------------------------------------------------ the Web API

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        body = await request.read()
        args = dict(parse_qsl(body.decode(errors="replace"), keep_blank_values=True))
        if method == "oauth.v2.access":
            return web.json_response(self._access(request, args))
        if method == "apps.uninstall":
            return web.json_response(self._uninstall(request, args))
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip() or args.get("token", "")
        owner = next((t for t in self.tokens if t.token == token and not t.revoked), None)
        if owner is None:
            self.refused.append(method)
            return web.json_response({"ok": False, "error": "invalid_auth"})
        workspace = self.workspaces[owner.team_id]
        assert self._session is not None
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() in ("authorization", "content-type")
        }
        target = f"{workspace.api_url}{method}?{request.query_string}"
        async with self._session.request(
            request.method, target, data=body, headers=headers
        ) as answer:
            passed = {
                k: v for k, v in answer.headers.items() if k in ("Retry-After", "X-OAuth-Scopes")
            }
            return web.Response(
                status=answer.status,
                body=await answer.read(),
                headers=passed,
                content_type="application/json",
            )

    def _client(self, request: web.Request, args: dict[str, str]) -> bool:
        """The app's client credentials, as a form or HTTP Basic (slack_sdk's way)."""
        basic = request.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            given = base64.b64decode(basic.removeprefix("Basic ")).decode().split(":", 1)
            client_id, client_secret = [*given, ""][:2]
        else:
            client_id, client_secret = args.get("client_id", ""), args.get("client_secret", "")
        return client_id == self.client_id and client_secret == self.client_secret

    def _access(self, request: web.Request, args: dict[str, str]) -> dict[str, object]:
        if not self._client(request, args):
            return {"ok": False, "error": "invalid_client_id"}
        code = self._codes.get(args.get("code", ""))
        if code is None or code.used:
            return {"ok": False, "error": "invalid_code"}
        if code.redirect_uri and args.get("redirect_uri") != code.redirect_uri:
            return {"ok": False, "error": "bad_redirect_uri"}
        code.used = True
        workspace = self.workspaces[code.team_id]
        token = f"xoxb-{next(self._ids)}-{code.team_id}-{secrets.token_hex(12)}"
        self.tokens.append(InstalledToken(code.team_id, token))
        workspace.valid_tokens = frozenset({token})
        return {
            "ok": True,
            "app_id": self.app_id,
            "authed_user": {"id": code.installer_id},
            "scope": ",".join(self.scopes),
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": workspace.bot_user_id,
            "team": {"id": workspace.team_id, "name": workspace.team_name},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _uninstall(self, request: web.Request, args: dict[str, str]) -> dict[str, object]:
        if not self._client(request, args):
            return {"ok": False, "error": "invalid_client_id"}
        owner = next(
            (t for t in self.tokens if t.token == args.get("token") and not t.revoked), None
        )
        if owner is None:
            return {"ok": False, "error": "invalid_auth"}
        self.revoke(owner.team_id)
        return {"ok": True}
