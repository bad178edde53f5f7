"""Slack's Socket Mode, played locally: ``apps.connections.open`` and the ``/link/`` socket.

In Socket Mode the app calls ``apps.connections.open`` with its app-level token
(``xapp-…``), connects to the websocket URL it gets back, and Slack then pushes every
slash command, click and event as an *envelope* the app must acknowledge with
``{"envelope_id": …}`` within 3 seconds. Connections are refreshed (``disconnect``
messages) and sometimes die; unacknowledged events come again with ``retry_attempt``.

:class:`SocketModeStandIn` is that side of the protocol, strict where slack_sdk's
``SocketModeClient`` relies on it: the app token is checked, ``hello`` opens every
connection, envelopes carry Slack's fields and the same payloads the HTTP stand-in
posts (:class:`~bot.standin.signed.SlackPayloads`), and every ack is recorded with
its latency so a test can prove the 3-second deadline rather than assume it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Literal

from aiohttp import WSMsgType, web

from bot.standin.envelopes import ACK_DEADLINE, Ack, Connection, Envelope, EnvelopeType
from bot.standin.signed import SlackPayloads
from bot.standin.webapi import SlackWebAPIStandIn

__all__ = ["CONNECTIONS_OPEN_METHOD", "DisconnectReason", "SocketModeStandIn"]

Args = dict[str, Any]
DisconnectReason = Literal["refresh_requested", "warning", "link_disabled"]

CONNECTIONS_OPEN_METHOD = "apps.connections.open"
_CLOSING_REASONS: frozenset[str] = frozenset({"refresh_requested", "link_disabled"})
"""Slack closes the socket after these; after a ``warning`` it stays open for a while."""
_RESPONSE_PAYLOAD_INTERACTIONS = frozenset({"view_submission", "block_suggestion"})


class SocketModeStandIn:
    """Slack's Socket Mode side, next to a :class:`SlackWebAPIStandIn`.

    ``apps.connections.open`` is answered on the Web API stand-in (where the app's
    ``AsyncWebClient`` points); the websocket is served by this object on its own
    port of 127.0.0.1, as Slack serves it from its own host (``wss-primary``).
    """

    def __init__(
        self,
        webapi: SlackWebAPIStandIn,
        *,
        app_token: str = "xapp-1-A0HUDDLE-1-standin",
        payloads: SlackPayloads | None = None,
        refresh_grace: float = 1.0,
    ) -> None:
        """``payloads`` builds what is sent (by default for ``webapi``'s workspace);
        ``refresh_grace`` is how long the old socket lives after ``refresh_requested``
        unless the app closes it first."""
        if not app_token.startswith("xapp-"):
            raise ValueError("an app-level token starts with xapp-")
        self.webapi = webapi
        self.app_token = app_token
        self.app_id = webapi.app_id
        self.payloads = payloads or SlackPayloads(
            team_id=webapi.team_id,
            standin=webapi,
            api_app_id=webapi.app_id,
            team_domain=webapi.team_domain,
        )
        self.refresh_grace = refresh_grace
        self.connections: list[Connection] = []
        self.envelopes: list[Envelope] = []
        self.acks: list[Ack] = []
        self.stray_messages: list[str] = []
        """Frames from the app that ack no envelope this stand-in sent."""
        self._tickets: set[str] = set()
        self._connection_ids = itertools.count(1)
        self._cond: asyncio.Condition | None = None
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        webapi.app_level_methods[CONNECTIONS_OPEN_METHOD] = self._open_connection

    # ----------------------------------------------------------------- lifecycle

    async def __aenter__(self) -> SocketModeStandIn:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Listen on an OS-chosen port of 127.0.0.1."""
        if self._runner is not None:
            return
        app = web.Application()
        app.router.add_get("/link/", self._handle_link)
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
        for connection in self.open_connections:
            self._mark_closed(connection, "stopped")
            await connection.websocket.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self.webapi.app_level_methods.pop(CONNECTIONS_OPEN_METHOD, None)

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("SocketModeStandIn is not started")
        return self._port

    # --------------------------------------------------------------- observing

    @property
    def opened(self) -> int:
        """How many connections the app has opened so far."""
        return len(self.connections)

    @property
    def open_connections(self) -> list[Connection]:
        return [c for c in self.connections if c.is_open]

    def ack_for(self, envelope: Envelope) -> Ack | None:
        return next((a for a in self.acks if a.envelope_id == envelope.envelope_id), None)

    async def wait_until(
        self,
        condition: Callable[[], bool],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline per wait reads best in tests
        what: str = "",
    ) -> None:
        """Wait until ``condition()`` holds, re-checking on every connection change and ack."""
        cond = self._condition()
        try:
            async with cond:
                await asyncio.wait_for(cond.wait_for(condition), timeout)
        except TimeoutError:
            raise TimeoutError(
                f"timed out after {timeout}s waiting for {what or 'condition'}; "
                f"{self.opened} connections opened, {len(self.open_connections)} open, "
                f"{len(self.envelopes)} envelopes sent, {len(self.acks)} acked"
            ) from None

    async def wait_for_connections(
        self,
        opened: int,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> Connection:
        """Wait until ``opened`` connections have been opened and one is open; return the newest."""
        while True:  # the socket may close again between the wake-up and the return
            await self.wait_until(
                lambda: self.opened >= opened and bool(self.open_connections),
                timeout=timeout,
                what=f"{opened} connections",
            )
            if self.open_connections:
                return self.open_connections[-1]

    # -------------------------------------------------------------- delivering

    async def deliver(
        self,
        envelope_type: EnvelopeType,
        payload: Mapping[str, Any],
        *,
        accepts_response_payload: bool,
        retry_attempt: int = 0,
        retry_reason: str = "",
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> Envelope:
        """Send one envelope on the newest open connection (waiting for one); no ack wait."""
        connection = await self.wait_for_connections(1, timeout)
        envelope = Envelope(
            envelope_id=str(uuid.uuid4()),
            type=envelope_type,
            payload=dict(payload),
            accepts_response_payload=accepts_response_payload,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
            connection_id=connection.id,
            sent_at=time.monotonic(),
        )
        self.envelopes.append(envelope)
        await connection.websocket.send_str(json.dumps(envelope.to_slack()))
        return envelope

    async def wait_ack(
        self,
        envelope: Envelope,
        timeout: float = ACK_DEADLINE,  # noqa: ASYNC109
    ) -> Ack:
        await self.wait_until(
            lambda: self.ack_for(envelope) is not None,
            timeout=timeout,
            what=f"the ack of {envelope.type} envelope {envelope.envelope_id}",
        )
        ack = self.ack_for(envelope)
        assert ack is not None
        return ack

    async def send_slash_command(
        self,
        user_id: str,
        command: str,
        text: str = "",
        *,
        channel_id: str | None = None,
        user_name: str | None = None,
        escape: bool = True,
        timeout: float = ACK_DEADLINE,  # noqa: ASYNC109
    ) -> Ack:
        """A slash command as the user typed it (escaped as Slack does unless ``escape=False``)."""
        fields = self.payloads.command_form(
            user_id, command, text, channel_id=channel_id, user_name=user_name, escape=escape
        )
        envelope = await self.deliver("slash_commands", fields, accepts_response_payload=True)
        return await self.wait_ack(envelope, timeout)

    async def send_interactive(
        self,
        payload: Mapping[str, Any],
        *,
        timeout: float = ACK_DEADLINE,  # noqa: ASYNC109
    ) -> Ack:
        """A ``block_actions`` / ``view_submission`` payload (see ``self.payloads``)."""
        envelope = await self.deliver(
            "interactive",
            payload,
            accepts_response_payload=payload.get("type") in _RESPONSE_PAYLOAD_INTERACTIONS,
        )
        return await self.wait_ack(envelope, timeout)

    async def send_event(
        self,
        event: Mapping[str, Any],
        *,
        event_id: str | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
        timeout: float = ACK_DEADLINE,  # noqa: ASYNC109
    ) -> Ack:
        """An Events API event, wrapped in its ``event_callback`` and an ``events_api`` envelope."""
        callback = self.payloads.event_callback(event, event_id=event_id)
        envelope = await self.deliver(
            "events_api",
            callback,
            accepts_response_payload=False,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
        )
        return await self.wait_ack(envelope, timeout)

    async def redeliver(
        self,
        envelope: Envelope,
        *,
        reason: str = "timeout",
        timeout: float = ACK_DEADLINE,  # noqa: ASYNC109
    ) -> Ack:
        """Send ``envelope``'s payload again as Slack's next retry: a new envelope id,
        ``retry_attempt`` one higher, ``retry_reason`` set; wait for its ack."""
        again = await self.deliver(
            envelope.type,
            envelope.payload,
            accepts_response_payload=envelope.accepts_response_payload,
            retry_attempt=envelope.retry_attempt + 1,
            retry_reason=reason,
        )
        return await self.wait_ack(again, timeout)

    # ------------------------------------------------------------------ faults

    async def disconnect(
        self,
        reason: DisconnectReason = "refresh_requested",
        *,
        connection: Connection | None = None,
    ) -> Connection:
        """Send Slack's ``disconnect`` message (to the newest open connection by default).

        After ``refresh_requested`` or ``link_disabled`` the socket is closed once the app
        has closed it or ``refresh_grace`` has passed; after ``warning`` it stays open.
        """
        target = connection or await self.wait_for_connections(1)
        ws = target.websocket
        await ws.send_json(
            {"type": "disconnect", "reason": reason, "debug_info": self._debug_info(target)}
        )
        if reason in _CLOSING_REASONS:
            try:
                await self.wait_until(lambda: not target.is_open, timeout=self.refresh_grace)
            except TimeoutError:
                self._mark_closed(target, f"disconnect:{reason}")
                await ws.close()
        return target

    async def drop(self, connection: Connection | None = None) -> Connection:
        """Cut the TCP connection with no close frame, as a network failure would."""
        target = connection or await self.wait_for_connections(1)
        self._mark_closed(target, "dropped")
        if target.request.transport is not None:
            target.request.transport.abort()
        await self._notify()
        return target

    # ----------------------------------------------------------------- serving

    def _open_connection(self, token: str | None) -> Args:
        """``apps.connections.open``: only this app's app-level token gets a URL."""
        if not token:
            return {"ok": False, "error": "not_authed"}
        if not token.startswith("xapp-") or token != self.app_token:
            return {"ok": False, "error": "invalid_auth"}
        ticket = str(uuid.uuid4())
        self._tickets.add(ticket)
        return {
            "ok": True,
            "url": f"ws://127.0.0.1:{self.port}/link/?ticket={ticket}&app_id={self.app_id}",
        }

    def _debug_info(self, connection: Connection) -> Args:
        return {
            "host": f"applink-standin-{connection.id}",
            "build_number": 1,
            "approximate_connection_time": 18060,
        }

    async def _handle_link(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets or request.query.get("app_id") != self.app_id:
            return web.Response(status=401, text="invalid ticket")
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        connection = Connection(next(self._connection_ids), ticket, time.monotonic(), ws, request)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": len(self.open_connections) + 1,
                "debug_info": self._debug_info(connection),
                "connection_info": {"app_id": self.app_id},
            }
        )
        self.connections.append(connection)
        await self._notify()
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._receive(connection, str(message.data))
                    await self._notify()
        finally:
            self._mark_closed(connection, "app_closed")
            await self._notify()
        return ws

    def _receive(self, connection: Connection, raw: str) -> None:
        """Record an ack against the envelope it names; anything else is stray."""
        received_at = time.monotonic()
        try:
            message = json.loads(raw)
        except json.JSONDecodeError:
            message = None
        envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
        envelope = next((e for e in self.envelopes if e.envelope_id == envelope_id), None)
        if envelope is None or not isinstance(message, dict):
            self.stray_messages.append(raw)
            return
        payload = message.get("payload")
        self.acks.append(
            Ack(
                envelope=envelope,
                payload=payload if isinstance(payload, dict) else None,
                latency=received_at - envelope.sent_at,
                connection_id=connection.id,
            )
        )

    def _mark_closed(self, connection: Connection, reason: str) -> None:
        if connection.closed_at is None:
            connection.closed_at = time.monotonic()
            connection.close_reason = reason

    def _condition(self) -> asyncio.Condition:
        if self._cond is None:
            self._cond = asyncio.Condition()
        return self._cond

    async def _notify(self) -> None:
        cond = self._condition()
        async with cond:
            cond.notify_all()
