"""What crosses a Socket Mode connection, as the stand-in records it.

An :class:`Envelope` is what Slack sent, an :class:`Ack` what the app answered (and
how fast), a :class:`Connection` one websocket's life; ``bot.standin.socket_mode``
keeps lists of them for tests to assert on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web

__all__ = ["ACK_DEADLINE", "Ack", "Connection", "Envelope", "EnvelopeType"]

Args = dict[str, Any]
EnvelopeType = Literal["slash_commands", "interactive", "events_api"]

ACK_DEADLINE = 3.0
"""Seconds Slack waits for an envelope's ack before it gives up (and tells the user)."""


@dataclass(frozen=True)
class Envelope:
    """One envelope as Slack sent it, on which connection and when."""

    envelope_id: str
    type: EnvelopeType
    payload: Args
    accepts_response_payload: bool
    retry_attempt: int
    retry_reason: str
    connection_id: int
    sent_at: float
    """``time.monotonic()`` just before the frame was written."""

    def to_slack(self) -> Args:
        """Slack puts the retry fields in Events API envelopes only (and in any retry)."""
        out: Args = {
            "envelope_id": self.envelope_id,
            "payload": self.payload,
            "type": self.type,
            "accepts_response_payload": self.accepts_response_payload,
        }
        if self.type == "events_api" or self.retry_attempt:
            out["retry_attempt"] = self.retry_attempt
            out["retry_reason"] = self.retry_reason
        return out


@dataclass(frozen=True)
class Ack:
    """The app's acknowledgement of one envelope, with what it answered."""

    envelope: Envelope
    payload: Args | None
    """The response payload (e.g. Bolt's ``ack("text")``), or None for a bare ack."""
    latency: float
    """Seconds from sending the envelope to receiving this ack."""
    connection_id: int

    @property
    def envelope_id(self) -> str:
        return self.envelope.envelope_id

    @property
    def within_deadline(self) -> bool:
        """Slack gives up on an envelope (and tells the user) after 3 seconds."""
        return self.latency < ACK_DEADLINE


@dataclass
class Connection:
    """One websocket the app opened; ``close_reason`` says who ended it and how."""

    id: int
    ticket: str
    opened_at: float
    websocket: web.WebSocketResponse = field(repr=False)
    """The stand-in's end of the socket (what ``disconnect``/``drop`` act on)."""
    request: web.Request = field(repr=False)
    closed_at: float | None = None
    close_reason: str | None = None
    """``app_closed``, ``dropped``, ``disconnect:<reason>`` or ``stopped``."""

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
