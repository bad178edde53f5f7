"""What only Socket Mode has: the real app on a websocket that Slack refreshes, drops and
redelivers on, and the HTTP gate's protections over envelopes. The surfaces themselves
(check-ins, buttons, the modal, ``/huddle``, events) are the HTTP scenarios run over both
transports (``BOTH_TRANSPORTS``); here are the faults, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.domain.settings import load_settings
from bot.serving.credentials import CredentialRefused
from bot.serving.server import drain as settle
from bot.serving.server import prepare
from bot.serving.socket_mode import serving_socket_mode
from bot.standin import SlackWebAPIStandIn, SocketModeStandIn
from tests.clock import FakeClock
from tests.conftest import APP_TOKEN, CHANNEL, Running, Transport, environment
from tests.reliability.helpers import live_total
from tests.reliability.test_malformed import ACTOR, COMMAND, EVENT
from tests.test_checkin_e2e import checkins

HOME_OPENED = {"type": "app_home_opened", "user": "UALICE", "channel": "DUALICE", "tab": "home"}


@pytest.fixture
def transport() -> Transport:
    return "socket_mode"


def socket_of(running: Running) -> SocketModeStandIn:
    assert running.socket_mode is not None
    return running.socket_mode


async def logged(running: Running, user_id: str, text: str) -> str:
    reply = await running.users.reply(await running.users.command(user_id, "/logmeeting", text))
    return reply.all_text


async def test_a_refresh_is_survived_with_nothing_lost_or_doubled(running: Running) -> None:
    socket = socket_of(running)
    assert "Logged 1 meeting" in await logged(running, "UALICE", "1 before")
    old = await socket.disconnect("refresh_requested")
    new = await socket.wait_for_connections(2)
    assert old.close_reason == "app_closed"  # the app let the old socket go itself
    assert "Logged 2 meetings" in await logged(running, "UALICE", "2 after")
    assert socket.acks[-1].connection_id == new.id
    assert await live_total(running, "UALICE") == 3
    assert len(running.slack.calls_to("apps.connections.open")) == 2


async def test_a_warning_keeps_the_socket_serving(running: Running) -> None:
    socket = socket_of(running)
    await socket.disconnect("warning")
    await socket.wait_for_connections(2)
    assert "Logged 1 meeting" in await logged(running, "UALICE", "1")
    assert await live_total(running) == 1


async def test_a_dropped_socket_is_reopened_and_serves(running: Running) -> None:
    socket = socket_of(running)
    dropped = await socket.drop()
    await socket.wait_for_connections(2, timeout=5)
    assert dropped.close_reason == "dropped"
    assert "Logged 1 meeting" in await logged(running, "UALICE", "1 after the drop")
    assert await live_total(running) == 1


async def test_a_checkin_whose_ack_was_lost_is_counted_once(running: Running) -> None:
    """The socket dies with a check-in on it: whether or not the app got it, the copy
    Slack sends again (``retry_attempt`` 1) leaves exactly one check-in."""
    socket = socket_of(running)
    form = running.users.command_form("UALICE", "/logmeeting", "2 Acme")
    envelope = await socket.deliver("slash_commands", form, accepts_response_payload=True)
    await socket.drop()
    await socket.wait_for_connections(2, timeout=5)
    await settle()
    again = await socket.redeliver(envelope)
    assert again.envelope.retry_attempt == 1 and again.within_deadline
    assert len(await checkins(running)) == 1
    assert await live_total(running, "UALICE") == 2


async def test_a_checkin_acked_then_redelivered_says_it_was_not_counted_twice(
    running: Running,
) -> None:
    socket = socket_of(running)
    await logged(running, "UALICE", "1 Acme")
    again = await socket.redeliver(socket.envelopes[-1])
    assert again.payload is not None and "didn't count it twice" in str(again.payload)
    assert len(await checkins(running)) == 1


async def test_a_redelivered_event_is_handled_once(running: Running) -> None:
    socket = socket_of(running)
    first = await socket.send_event(HOME_OPENED, event_id="EvSocket1")
    await settle()
    retry = await socket.redeliver(first.envelope)
    assert (retry.envelope.retry_attempt, retry.envelope.retry_reason) == (1, "timeout")
    await settle()
    publishes = [
        c for c in running.slack.calls_to("views.publish") if c.args["user_id"] == "UALICE"
    ]
    assert len(publishes) == 1


ENVELOPES_MALFORMED: dict[str, tuple[Any, dict[str, Any]]] = {
    "command-without-user": (
        "slash_commands",
        {**COMMAND, "command": "/logmeeting", "user_id": ""},
    ),
    "command-without-team": (
        "slash_commands",
        {"command": "/logmeeting", "user_id": "UALICE", "text": "2"},
    ),
    "unknown-command": ("slash_commands", {**COMMAND, "command": "/nope"}),
    "actions-missing": ("interactive", {"type": "block_actions", **ACTOR}),
    "action-without-id": ("interactive", {"type": "block_actions", **ACTOR, "actions": [{}]}),
    "interaction-without-user": (
        "interactive",
        {"type": "block_actions", "team": {"id": "T0HUDDLE"}, "actions": []},
    ),
    "unknown-interaction": ("interactive", {"type": "who_knows", **ACTOR}),
    "event-without-event": ("events_api", EVENT),
    "event-without-user": (
        "events_api",
        {**EVENT, "event": {"type": "member_joined_channel", "channel": CHANNEL}},
    ),
    "home-without-user": ("events_api", {**EVENT, "event": {"type": "app_home_opened"}}),
    "unknown-event": ("events_api", {**EVENT, "event_id": "Ev2", "event": {"type": "nope"}}),
}
"""The HTTP gate's malformed bodies (``test_malformed``), as envelope payloads."""


async def test_malformed_envelopes_are_acked_and_change_nothing(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    socket = socket_of(running)
    for name, (kind, payload) in ENVELOPES_MALFORMED.items():
        envelope = await socket.deliver(kind, payload, accepts_response_payload=True)
        ack = await socket.wait_ack(envelope)
        assert ack.payload is None and ack.within_deadline, name  # no reply, no retry
    await settle()
    assert await checkins(running) == []
    assert running.slack.calls_to("views.publish") == []
    assert "Logged 1 meeting" in await logged(running, "UBOB", "1")
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    refused = [r.getMessage() for r in caplog.records if "malformed" in r.getMessage()]
    unknown = [name for name in ENVELOPES_MALFORMED if name.startswith("unknown-")]
    assert len(refused) == len(ENVELOPES_MALFORMED) - len(unknown)  # those are well-formed


async def test_a_wrong_app_token_stops_start_up_naming_the_variable(
    database_url: str, slack: SlackWebAPIStandIn, clock: FakeClock
) -> None:
    settings = load_settings(environment(database_url, slack, SLACK_APP_TOKEN="xapp-1-WRONG-9"))
    huddle = await prepare(settings, clock)
    try:
        async with SocketModeStandIn(slack, app_token=APP_TOKEN) as socket:
            with pytest.raises(CredentialRefused) as refused:
                async with serving_socket_mode(huddle.app, "xapp-1-WRONG-9"):
                    pass
            assert socket.opened == 0
    finally:
        await huddle.close()
    assert str(refused.value).startswith("Slack refused SLACK_APP_TOKEN (invalid_auth)")
    assert "xapp-1-WRONG-9" not in str(refused.value)
