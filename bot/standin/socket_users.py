"""People using the app over Socket Mode: the same scenarios as over HTTP.

:class:`SocketModeUsers` is a :class:`~bot.standin.signed.SlackUsers` whose commands,
clicks, submissions and events travel as envelopes on the app's websocket
(:class:`~bot.standin.socket_mode.SocketModeStandIn`) instead of signed POSTs. What
the app acknowledges becomes an :class:`~bot.standin.signed.AppResponse`: the ack's
response payload is the answer's JSON, exactly where an HTTP answer's body would be, so
``replies()`` finds an ``ack(text)`` reply or a modal's inline errors the same way.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from bot.standin.envelopes import ACK_DEADLINE, Ack, Envelope, EnvelopeType
from bot.standin.signed import AppResponse, SlackUsers
from bot.standin.socket_mode import SocketModeStandIn

__all__ = ["SocketModeUsers"]

Args = dict[str, Any]


class SocketModeUsers(SlackUsers):
    """Slack's side of a Socket Mode app, as its users drive it."""

    def __init__(
        self,
        socket_mode: SocketModeStandIn,
        *,
        team_id: str | None = None,
        clock: Callable[[], float] = time.time,
        channel_id: str = "C0HUDDLE",
        ack_timeout: float = ACK_DEADLINE,
    ) -> None:
        """``ack_timeout``: how long to wait for an ack before the delivery fails
        (Slack's own deadline by default, so a slow ack fails the test)."""
        webapi = socket_mode.webapi
        super().__init__(
            team_id=team_id or webapi.team_id,
            standin=webapi,
            clock=clock,
            channel_id=channel_id,
            api_app_id=socket_mode.app_id,
            team_domain=webapi.team_domain,
        )
        self.socket_mode = socket_mode
        self.ack_timeout = ack_timeout

    async def _deliver_command(self, fields: Mapping[str, str], **context: Any) -> AppResponse:
        return await self._exchange("slash_commands", fields, True, **context)

    async def _deliver_interaction(self, payload: Args, **context: Any) -> AppResponse:
        # Slack lets only a submission (or a suggestion) answer in its ack.
        answers = payload.get("type") in ("view_submission", "block_suggestion")
        return await self._exchange("interactive", payload, answers, **context)

    async def _deliver_event(
        self, callback: Args, retry_num: int | None, retry_reason: str, **context: Any
    ) -> AppResponse:
        return await self._exchange(
            "events_api",
            callback,
            False,
            retry_attempt=retry_num or 0,
            retry_reason=retry_reason if retry_num else "",
            **context,
        )

    async def _exchange(
        self,
        envelope_type: EnvelopeType,
        payload: Mapping[str, Any],
        accepts_response_payload: bool,
        *,
        retry_attempt: int = 0,
        retry_reason: str = "",
        **context: Any,
    ) -> AppResponse:
        mark = len(self.standin.ephemerals) if self.standin is not None else 0
        envelope = await self.socket_mode.deliver(
            envelope_type,
            payload,
            accepts_response_payload=accepts_response_payload,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
        )
        ack = await self.socket_mode.wait_ack(envelope, self.ack_timeout)
        return acked(ack, envelope, mark, **context)


def acked(ack: Ack, envelope: Envelope, ephemeral_mark: int, **context: Any) -> AppResponse:
    """An ack as the answer to a request: an ack *is* Slack's 200, and its response
    payload is the body an HTTP answer would have carried."""
    return AppResponse(
        status=200,
        text=json.dumps(ack.payload) if ack.payload is not None else "",
        json=ack.payload,
        headers={},
        elapsed=ack.latency,
        ephemeral_mark=ephemeral_mark,
        sent=(json.dumps(envelope.to_slack()).encode(), {}),
        **context,
    )
