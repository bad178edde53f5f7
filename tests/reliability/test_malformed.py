"""Bad input, correctly signed: a 4xx or a polite private reply, never a 500 or a
traceback, nothing stored, and the process keeps serving.

Only Slack can sign a request, so these bodies stand for Slack bugs, API changes
and hand-made requests from someone holding the signing secret; none of them may
take the app down or write half a check-in.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

import pytest

from bot.standin import AppResponse, block_errors
from tests.conftest import Running
from tests.reliability.helpers import live_total
from tests.test_checkin_e2e import checkins

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def form(**fields: str) -> bytes:
    return urlencode(fields).encode()


def payload(body: object) -> bytes:
    return form(payload=json.dumps(body))


COMMAND = {"team_id": "T0HUDDLE", "user_id": "UALICE", "user_name": "alice", "text": "2"}
ACTOR = {"user": {"id": "UALICE", "name": "alice"}, "team": {"id": "T0HUDDLE"}}
EVENT = {"type": "event_callback", "team_id": "T0HUDDLE", "event_id": "Ev1"}

SIGNED_BODIES: dict[str, tuple[bytes, str]] = {
    "binary-garbage": (b"\xff\xfe\x00\x81garbage", FORM),
    "plain-text": (b"hello", "text/plain"),
    "json-object-nobody-sends": (b'{"a": 1}', JSON),
    "payload-not-json": (form(payload="{not json"), FORM),
    "payload-a-list": (form(payload="[1, 2]"), FORM),
    "payload-a-string": (form(payload='"x"'), FORM),
    "command-without-user": (form(**{**COMMAND, "command": "/logmeeting", "user_id": ""}), FORM),
    "command-without-team": (form(command="/logmeeting", user_id="UALICE", text="2"), FORM),
    "unknown-command": (form(**COMMAND, command="/nope"), FORM),
    "actions-missing": (payload({"type": "block_actions", **ACTOR}), FORM),
    "action-without-id": (payload({"type": "block_actions", **ACTOR, "actions": [{}]}), FORM),
    "actions-not-a-list": (payload({"type": "block_actions", **ACTOR, "actions": "x"}), FORM),
    "interaction-without-user": (
        payload({"type": "block_actions", "team": {"id": "T0HUDDLE"}, "actions": []}),
        FORM,
    ),
    "view-without-type": (
        payload({"type": "view_submission", **ACTOR, "view": {"callback_id": "x"}}),
        FORM,
    ),
    "unknown-interaction": (payload({"type": "who_knows", **ACTOR}), FORM),
    "event-without-event": (json.dumps(EVENT).encode(), JSON),
    "event-not-json": (b'{"type": "event_callback", ', JSON),
    "event-a-list": (b"[1]", JSON),
    "event-without-user": (
        json.dumps({**EVENT, "event": {"type": "member_joined_channel", "channel": "C1"}}).encode(),
        JSON,
    ),
    "user-change-without-user": (
        json.dumps({**EVENT, "event": {"type": "user_change", "user": "U1"}}).encode(),
        JSON,
    ),
    "home-without-user": (
        json.dumps({**EVENT, "event": {"type": "app_home_opened", "tab": "home"}}).encode(),
        JSON,
    ),
    "unknown-event": (json.dumps({**EVENT, "event": {"type": "nope"}}).encode(), JSON),
    "almost-1-MiB-command": (form(**{**COMMAND, "command": "/log", "text": "x" * 1_000_000}), FORM),
    "1-MB-note": (
        form(**{**COMMAND, "command": "/logmeeting", "text": "1 " + "y" * 999_000}),
        FORM,
    ),
    "1-MB-huddle": (
        form(**{**COMMAND, "command": "/huddle", "text": "goal " + "z" * 999_000}),
        FORM,
    ),
    "over-1-MiB": (form(**{**COMMAND, "command": "/logmeeting", "text": "x" * 1_100_000}), FORM),
}


def assert_polite(response: AppResponse) -> None:
    """A 4xx, or a 200 whose reply (if any) is private and a payload Slack accepts."""
    assert response.status < 500, response.text[:200]
    assert "Traceback" not in response.text and 'File "' not in response.text
    if response.status == 200 and isinstance(response.json, dict) and response.json:
        assert response.json.get("response_type", "ephemeral") == "ephemeral"
        assert block_errors(response.json.get("blocks", [])) == []
        assert len(response.text) < 10_000  # a reply names the problem; it does not echo it


async def assert_still_serving(running: Running) -> None:
    reply = await running.users.reply(await running.users.command("UBOB", "/logmeeting", "1"))
    assert "Logged 1 meeting" in reply.text


@pytest.fixture
def errors(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.WARNING)
    return caplog


async def test_signed_garbage_gets_4xx_or_a_polite_reply(
    running: Running, errors: pytest.LogCaptureFixture
) -> None:
    statuses = {}
    for name, (body, content_type) in SIGNED_BODIES.items():
        response = await running.signed.raw(body, content_type=content_type)
        assert_polite(response)
        statuses[name] = response.status
    assert statuses["over-1-MiB"] == 413
    assert statuses["payload-not-json"] == statuses["event-a-list"] == 400
    assert statuses["command-without-user"] == statuses["view-without-type"] == 400
    assert statuses["binary-garbage"] == 401  # Slack signs UTF-8 text, so this was not Slack
    assert await checkins(running) == []
    await assert_still_serving(running)
    assert [r.getMessage() for r in errors.records if r.levelno >= logging.ERROR] == []


BROKEN_BUTTONS: list[tuple[str, str | None]] = [
    ("undo_checkin", None),
    ("undo_checkin", "abc"),
    ("undo_checkin", "-1"),
    ("undo_checkin", "99999999999999999999"),
    ("log_again", None),
    ("log_again", "[1]"),
    ("log_again", "{}"),
    (
        "log_again",
        json.dumps({"u": "UALICE", "a": "meeting", "c": "x", "d": "2026-11-26", "n": ""}),
    ),
    ("log_again", json.dumps({"u": "UALICE", "a": "meeting", "c": 1, "d": "2026-99-01", "n": ""})),
    (
        "log_again",
        json.dumps({"u": "UALICE", "a": "meeting", "c": 10**9, "d": "2026-11-26", "n": ""}),
    ),
    ("log_again", json.dumps({"u": "UALICE", "a": "zzz", "c": 1, "d": "2026-11-26", "n": ""})),
    (
        "log_again",
        json.dumps({"u": "UALICE", "a": "meeting", "c": 1, "d": "2026-11-26", "n": "n" * 2000}),
    ),
    ("log_again", json.dumps({"u": "UALICE", "a": "meeting", "c": 1, "d": "2026-11-26", "n": 5})),
    ("nudge_log:zzz", "zzz"),
    ("nudge_log:", ""),
]


@pytest.mark.parametrize(("action_id", "value"), BROKEN_BUTTONS)
async def test_broken_button_values_get_a_polite_no(
    running: Running, errors: pytest.LogCaptureFixture, action_id: str, value: str | None
) -> None:
    response = await running.users.block_action("UALICE", action_id, value)
    assert_polite(response)
    if response.status == 200:
        [reply] = await running.users.wait_replies(response, 1)
        assert reply.response_type == "ephemeral"
        assert "database" not in reply.text  # the problem is the button, not an outage
    assert await live_total(running) == 0
    assert [r.getMessage() for r in errors.records if r.levelno >= logging.ERROR] == []
    await assert_still_serving(running)
