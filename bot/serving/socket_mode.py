"""Socket Mode: Slack's envelopes on a websocket, through the same gate as HTTP.

HTTP requests pass :mod:`bot.serving.gate` (signature, replay, readability,
well-formedness) before Bolt sees them. In Socket Mode there is no signature to check:
only Slack can put an envelope on a socket that Slack opened for the app-level token,
over TLS, so forgery and replay by a third party are ruled out by the transport.
Well-formedness still is checked here, with the same :func:`gate.malformed`, and the
workspace check and event de-duplication are Bolt middleware shared by both modes.

:class:`SocketModeServer` also owns the stop: it stops dispatching new envelopes, lets
the ones in flight send their ack, then closes the socket with a close frame.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.adapter.socket_mode.async_internals import run_async_bolt_app, send_async_response
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.serving import gate
from bot.serving.credentials import APP_TOKEN_VARIABLE, CredentialRefused

log = logging.getLogger(__name__)

ACK_GRACE_SECONDS = 3.0
"""How long a stop waits for envelopes in flight to be acked: Slack's own deadline."""
PING_SECONDS = 10.0


class SocketModeServer(AsyncSocketModeHandler):
    """Bolt's Socket Mode handler, gated, and able to stop without dropping an ack."""

    def __init__(self, app: AsyncApp, app_token: str, *, ping_interval: float) -> None:
        super().__init__(app, app_token, ping_interval=ping_interval)
        self.stopping = False
        self._in_flight: set[asyncio.Task[None]] = set()

    async def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        if self.stopping:
            # Not acked: Slack gives an event to another connection or retries it.
            log.info("stopping: %s envelope left to Slack to redeliver", req.type)
            return
        problem = gate.malformed(req.payload)
        if problem is not None:
            log.warning("malformed %s envelope refused: %s", req.type, problem)
            await client.send_socket_mode_response(SocketModeResponse(req.envelope_id))
            return
        task = asyncio.current_task()
        assert task is not None
        self._in_flight.add(task)
        try:
            response = await run_async_bolt_app(self.app, req)
            if response.status == 200:
                await send_async_response(client, req, response, 0.0)
            else:
                # Bolt's 404 (no listener) would go unacked, and Slack would send the
                # same envelope again, three times; an ack says "received, nothing to do".
                log.info("%s envelope not handled (%d); acked", req.type, response.status)
                await client.send_socket_mode_response(SocketModeResponse(req.envelope_id))
        finally:
            self._in_flight.discard(task)

    async def stop(self, grace: float = ACK_GRACE_SECONDS) -> None:
        """Take no new envelope, let those in flight be acked (bounded), close cleanly."""
        self.stopping = True
        if self._in_flight:
            await asyncio.wait(set(self._in_flight), timeout=grace)
        await self.close_async()  # type: ignore[no-untyped-call]


@asynccontextmanager
async def serving_socket_mode(
    app: AsyncApp, app_token: str, *, ping_interval: float = PING_SECONDS
) -> AsyncIterator[SocketModeServer]:
    """Connected until the block exits. The app token is tried first, so a token Slack
    refuses stops start-up with :class:`CredentialRefused` (slack_sdk would retry it
    forever, logging a traceback each time)."""
    server = SocketModeServer(app, app_token, ping_interval=ping_interval)
    try:
        opened = await app.client.apps_connections_open(app_token=app_token)
    except SlackApiError as error:
        await server.close_async()  # type: ignore[no-untyped-call]
        raise CredentialRefused(APP_TOKEN_VARIABLE, error) from None
    server.client.wss_uri = str(opened["url"])
    await server.connect_async()  # type: ignore[no-untyped-call]
    try:
        yield server
    finally:
        await server.stop()
