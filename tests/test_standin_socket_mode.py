"""The Socket Mode stand-in, driven by slack_sdk's real aiohttp ``SocketModeClient``.

What the app's Socket Mode client would see from Slack: its app token checked, a
``hello`` on every connection, envelopes with Slack's fields, refreshes and dropped
sockets it must recover from, and events redelivered when they were not acked.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.standin import SlackWebAPIStandIn
from bot.standin.socket_mode import SocketModeStandIn

APP_TOKEN = "xapp-1-A0HUDDLE-1-standin"
CHANNEL = "C0HUDDLE"
PING = 0.05  # the client notices a dead socket within a ping or two


class App:
    """A Socket Mode client app: acks what it receives (answering slash commands),
    except events whose delivery it is told to ignore."""

    def __init__(self, client: SocketModeClient) -> None:
        self.client = client
        self.requests: list[SocketModeRequest] = []
        self.messages: list[dict[str, Any]] = []
        self.ignore_first_attempts = False
        self._received = asyncio.Condition()
        client.socket_mode_request_listeners.append(self._on_request)
        client.message_listeners.append(self._on_message)

    async def _on_message(self, _: Any, message: dict[str, Any], raw: str | None) -> None:
        self.messages.append(message)

    async def _on_request(
        self, client: AsyncBaseSocketModeClient, request: SocketModeRequest
    ) -> None:
        self.requests.append(request)
        async with self._received:
            self._received.notify_all()
        if self.ignore_first_attempts and not request.retry_attempt:
            return
        payload = None
        if request.type == "slash_commands":
            payload = {"text": f"Got {request.payload['command']} {request.payload['text']}"}
        await client.send_socket_mode_response(SocketModeResponse(request.envelope_id, payload))

    async def wait_requests(self, count: int) -> None:
        async with self._received:
            await asyncio.wait_for(self._received.wait_for(lambda: len(self.requests) >= count), 2)


@pytest.fixture
async def slack() -> AsyncIterator[SlackWebAPIStandIn]:
    async with SlackWebAPIStandIn() as standin:
        standin.add_user("UALICE", "alice")
        standin.add_channel(CHANNEL, ["UALICE"], name="sales-huddle")
        yield standin


@pytest.fixture
async def socket_mode(slack: SlackWebAPIStandIn) -> AsyncIterator[SocketModeStandIn]:
    async with SocketModeStandIn(slack, app_token=APP_TOKEN) as standin:
        yield standin


def web_client(slack: SlackWebAPIStandIn) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=slack.api_url)


@pytest.fixture
async def app(slack: SlackWebAPIStandIn, socket_mode: SocketModeStandIn) -> AsyncIterator[App]:
    client = SocketModeClient(APP_TOKEN, web_client=web_client(slack), ping_interval=PING)
    connected = App(client)
    await client.connect()
    await socket_mode.wait_for_connections(1)
    yield connected
    await client.close()


async def test_only_the_app_token_opens_a_connection(
    slack: SlackWebAPIStandIn, socket_mode: SocketModeStandIn
) -> None:
    client = web_client(slack)
    for token in ("xapp-1-A0OTHER-1-other", "xoxb-test"):
        with pytest.raises(SlackApiError) as refused:
            await client.apps_connections_open(app_token=token)
        assert refused.value.response["error"] == "invalid_auth"
    opened = await client.apps_connections_open(app_token=APP_TOKEN)
    assert opened["url"].startswith(f"ws://127.0.0.1:{socket_mode.port}/link/?ticket=")
    assert opened["url"].endswith(f"&app_id={slack.app_id}")
    outcomes = [c.outcome for c in slack.calls_to("apps.connections.open", applied_only=False)]
    assert outcomes == ["error", "error", "ok"]
    assert all(APP_TOKEN not in str(c.args) for c in slack.calls)


async def test_hello_opens_the_connection(
    app: App, slack: SlackWebAPIStandIn, socket_mode: SocketModeStandIn
) -> None:
    await socket_mode.wait_until(lambda: bool(app.messages), timeout=2)
    hello = app.messages[0]
    assert hello["type"] == "hello" and hello["num_connections"] == 1
    assert hello["connection_info"] == {"app_id": slack.app_id}
    assert hello["debug_info"]["host"]
    assert socket_mode.opened == 1 and len(socket_mode.open_connections) == 1


async def test_slash_command_is_delivered_escaped_and_its_ack_recorded(
    app: App, slack: SlackWebAPIStandIn, socket_mode: SocketModeStandIn
) -> None:
    ack = await socket_mode.send_slash_command("UALICE", "/logmeeting", "2 R&D <3 <@UALICE|al>")
    request = app.requests[0]
    assert request.type == "slash_commands" and request.accepts_response_payload
    assert request.retry_attempt is None  # Slack only puts retry fields on events
    sent = request.payload
    assert sent["text"] == "2 R&amp;D &lt;3 <@UALICE|al>"
    assert sent["command"] == "/logmeeting" and sent["user_id"] == "UALICE"
    assert sent["channel_id"] == CHANNEL and sent["api_app_id"] == slack.app_id
    assert sent["response_url"].startswith(slack.url) and sent["trigger_id"]
    assert ack.payload == {"text": f"Got /logmeeting {sent['text']}"}
    assert ack.envelope_id == request.envelope_id
    assert ack.latency > 0 and ack.within_deadline
    assert socket_mode.acks == [ack] and socket_mode.stray_messages == []


async def test_interactions_and_events_carry_slack_fields(
    app: App, slack: SlackWebAPIStandIn, socket_mode: SocketModeStandIn
) -> None:
    click = socket_mode.payloads.block_action_payload("UALICE", "log_again", "meeting")
    await socket_mode.send_interactive(click)
    submit = socket_mode.payloads.view_submission_payload("UALICE", "settings", {})
    await socket_mode.send_interactive(submit)
    ack = await socket_mode.send_event({"type": "app_home_opened", "user": "UALICE"})
    clicked, submitted, event = app.requests
    assert clicked.type == "interactive" and not clicked.accepts_response_payload
    assert clicked.payload["type"] == "block_actions"
    assert clicked.payload["actions"][0]["value"] == "meeting"
    assert submitted.accepts_response_payload  # a submission may answer with errors
    assert event.type == "events_api" and not event.accepts_response_payload
    assert (event.retry_attempt, event.retry_reason) == (0, "")
    assert event.payload["type"] == "event_callback" and event.payload["event_id"]
    assert event.payload["event"]["user"] == "UALICE"
    assert event.payload["team_id"] == slack.team_id and event.payload["event_time"]
    assert ack.payload is None and len(socket_mode.acks) == 3


@pytest.mark.parametrize("reason", ["refresh_requested", "warning", "link_disabled"])
async def test_disconnect_makes_the_client_reconnect(
    app: App, slack: SlackWebAPIStandIn, socket_mode: SocketModeStandIn, reason: Any
) -> None:
    old = await socket_mode.disconnect(reason)
    new = await socket_mode.wait_for_connections(2)
    await socket_mode.wait_until(lambda: not old.is_open, what="the old socket closed")
    assert new.id != old.id and old.close_reason == "app_closed"  # the client let it go
    assert len(slack.calls_to("apps.connections.open")) == 2
    ack = await socket_mode.send_slash_command("UALICE", "/progress")
    assert ack.connection_id == new.id and ack.payload == {"text": "Got /progress "}


async def test_dropped_socket_is_reopened(
    app: App, slack: SlackWebAPIStandIn, socket_mode: SocketModeStandIn
) -> None:
    dropped = await socket_mode.drop()
    new = await socket_mode.wait_for_connections(2)
    assert dropped.close_reason == "dropped" and new.is_open
    ack = await socket_mode.send_event({"type": "app_home_opened", "user": "UALICE"})
    assert ack.connection_id == new.id


async def test_unacked_event_is_redelivered_with_its_retry_attempt(
    app: App, socket_mode: SocketModeStandIn
) -> None:
    app.ignore_first_attempts = True
    event = socket_mode.payloads.event_callback({"type": "app_home_opened", "user": "UALICE"})
    first = await socket_mode.deliver("events_api", event, accepts_response_payload=False)
    await app.wait_requests(1)
    ack = await socket_mode.redeliver(first)
    original, retry = app.requests
    assert (retry.retry_attempt, retry.retry_reason) == (1, "timeout")
    assert retry.payload["event_id"] == original.payload["event_id"]
    assert retry.envelope_id != original.envelope_id
    assert socket_mode.ack_for(first) is None and ack.envelope.retry_attempt == 1


async def test_bolt_app_acks_a_command_over_socket_mode(
    slack: SlackWebAPIStandIn, socket_mode: SocketModeStandIn
) -> None:
    bolt = AsyncApp(client=web_client(slack))

    @bolt.command("/logcall")
    async def log_call(ack: Any, command: dict[str, Any]) -> None:
        await ack(f"Logged {command['text']}")

    handler = AsyncSocketModeHandler(bolt, APP_TOKEN, ping_interval=PING)
    await handler.connect_async()
    try:
        ack = await socket_mode.send_slash_command("UALICE", "/logcall", "1 <b>")
    finally:
        await handler.close_async()
    assert ack.payload == {"text": "Logged 1 &lt;b&gt;"} and ack.within_deadline
