"""What may reach a handler: signed, new, readable, well-formed, and from our workspace.

Bolt parses a request body before it checks the signature, and a body it cannot
parse (``payload=`` that is not JSON, bytes that are not UTF-8) escapes as an
exception, which aiohttp answers with a 500. So HTTP requests come through
:func:`slack_events` instead, which checks in the order an attacker can least abuse:

1. the signature (Slack's HMAC over timestamp and body, at most 5 minutes old),
   else 401, before a byte of the body is interpreted;
2. that this exact signed request was not already handled (a replay), else 200
   with no effect: Slack never sends two requests with the same signature (each
   carries its own ``trigger_id``, ``action_ts`` or ``event_id``), so only a captured
   request can arrive twice;
3. that the body parses and has what the handlers rely on (who, which workspace,
   which action), else 400. Bolt gets the body parsed (see :func:`parse`): its own
   parser mistakes any form containing the word "payload" for an interaction.

Then :func:`register`'s middleware, which also guards Socket Mode, turns away
requests from another workspace: the token, channel and roster belong to the one
workspace the token was issued for, so acting on another workspace's request would
read or write its rows and post its people's check-ins into our channel.
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

SIGNATURE_WINDOW_SECONDS = 5 * 60
"""Slack's (and slack_sdk's) limit on a request timestamp's distance from now, either way."""

INTERACTIONS = frozenset(
    {"block_actions", "view_submission", "view_closed", "shortcut", "message_action"}
)
USER_EVENTS = frozenset({"member_joined_channel", "member_left_channel", "app_home_opened"})
"""Events whose handlers act for ``event["user"]`` (a user ID)."""

FOREIGN_WORKSPACE = (
    "This Huddle belongs to another Slack workspace, so it can't act for yours. "
    "Nothing was recorded."
)


class ReplayGuard:
    """Remembers every signature seen while its timestamp is still acceptable.

    A signature is an HMAC over the timestamp and the whole body, so it names one
    request exactly; once its timestamp is too old, the signature check refuses the
    request anyway and the guard may forget it.
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        # The signature check reads the real clock, so the guard must too.
        self._clock = clock
        self._seen: set[str] = set()
        self._expiry: deque[tuple[float, str]] = deque()

    def first_time(self, timestamp: str, signature: str) -> bool:
        now = self._clock()
        while self._expiry and self._expiry[0][0] < now:
            self._seen.discard(self._expiry.popleft()[1])
        if signature in self._seen:
            return False
        self._seen.add(signature)
        self._expiry.append((int(timestamp) + SIGNATURE_WINDOW_SECONDS, signature))
        return True


def slack_events(
    app: AsyncApp, signing_secret: str
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The aiohttp handler for ``POST /slack/events``."""
    verifier = SignatureVerifier(signing_secret)
    replays = ReplayGuard()

    async def handle(request: web.Request) -> web.StreamResponse:
        # Slack sends UTF-8; anything else, decoded with replacements, fails the check.
        text = (await request.read()).decode("utf-8", errors="replace")
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        signed = timestamp.isascii() and timestamp.isdigit()
        if not (signed and verifier.is_valid(text, timestamp, signature)):
            return web.json_response({"error": "invalid request"}, status=401)
        if not replays.first_time(timestamp, signature):
            log.warning("a replayed request was ignored (timestamp %s)", timestamp)
            return web.Response(status=200)
        try:
            body = parse(text, request.content_type)
        except ValueError as error:
            log.warning("unreadable request refused: %s", type(error).__name__)
            return web.json_response({"error": "unreadable request"}, status=400)
        problem = malformed(body)
        if problem is not None:
            log.warning("malformed request refused: %s", problem)
            return web.json_response({"error": "malformed request"}, status=400)
        # Handed over parsed, the way Socket Mode hands requests to Bolt: the signature
        # is checked above, and Bolt's own parser takes any form body containing the
        # word "payload" (a note, a name) for an interaction and loses the command.
        bolt_request = AsyncBoltRequest(
            body=body, query=request.query_string, headers=dict(request.headers), mode="socket_mode"
        )
        try:
            response = await app.async_dispatch(bolt_request)
        except Exception as error:  # Bolt's plumbing choking on an odd payload is still bad input
            log.warning("request refused: Bolt could not dispatch it (%r)", error)
            return web.json_response({"error": "unprocessable request"}, status=400)
        return await to_aiohttp_response(response)

    return handle


def parse(text: str, content_type: str) -> Any:
    """A request body as Slack means it: JSON (events), or a form whose ``payload``
    field holds the JSON of an interaction, or a plain form (slash commands)."""
    if content_type == "application/json" or text.startswith("{"):
        return json.loads(text)
    form = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" in form:
        return json.loads(form["payload"])
    return form


def _has_id(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("id"), str) and bool(value["id"])


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def malformed(body: Any) -> str | None:
    """Why a parsed request lacks what the handlers rely on, or None when it has it."""
    if not isinstance(body, dict):
        return "not an object"
    kind = body.get("type")
    if "command" in body:
        if not all(_text(body.get(key)) for key in ("command", "user_id", "team_id")):
            return "a slash command needs command, user_id and team_id"
    elif kind in INTERACTIONS:
        if not (_has_id(body.get("user")) and _has_id(body.get("team"))):
            return "an interaction needs user.id and team.id"
        actions = body.get("actions")
        if kind == "block_actions" and not (
            isinstance(actions, list)
            and actions
            and all(isinstance(a, dict) and _text(a.get("action_id")) for a in actions)
        ):
            return "block_actions needs actions with action_id"
    elif kind == "event_callback":
        event = body.get("event")
        if not (
            _text(body.get("team_id")) and isinstance(event, dict) and _text(event.get("type"))
        ):
            return "an event needs team_id and event.type"
        if event["type"] in USER_EVENTS and not _text(event.get("user")):
            return f"{event['type']} needs event.user"
        if event["type"] == "user_change" and not _has_id(event.get("user")):
            return "user_change needs event.user.id"
    return None


def register(app: AsyncApp) -> None:
    @app.middleware
    async def from_our_workspace(
        body: dict[str, Any],
        context: AsyncBoltContext,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse:
        ours = context.authorize_result.team_id if context.authorize_result else None
        if ours and context.team_id and context.team_id != ours:
            log.warning("request from workspace %s refused (this is %s)", context.team_id, ours)
            if "command" in body:
                return BoltResponse(
                    status=200, body={"response_type": "ephemeral", "text": FOREIGN_WORKSPACE}
                )
            return BoltResponse(status=200, body="")
        return await next()
