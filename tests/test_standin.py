"""The Slack stand-in itself, driven by the real slack_sdk client it must satisfy."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
import pytest
from aiohttp import web
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.standin import SignedSlackClient, SlackWebAPIStandIn, block_errors, sign_request

CHANNEL = "C0HUDDLE"
SECRET = "test-signing-secret"


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


@pytest.fixture
async def slack() -> AsyncIterator[SlackWebAPIStandIn]:
    async with SlackWebAPIStandIn() as standin:
        standin.add_user("UALICE", "alice", real_name="Alice Ames")
        standin.add_user("UBOB", "bob", tz="America/Los_Angeles")
        standin.add_user("UCAROL", "carol", deleted=True)
        standin.add_channel(CHANNEL, ["UALICE", "UBOB", "UCAROL"], name="sales-huddle")
        yield standin


def client_for(slack: SlackWebAPIStandIn, **kwargs: Any) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=slack.api_url, **kwargs)


async def test_post_message_and_read_back_via_history(slack: SlackWebAPIStandIn) -> None:
    client = client_for(slack)
    meta = {"event_type": "huddle_board", "event_payload": {"day": "2026-12-01"}}
    posted = await client.chat_postMessage(
        channel=CHANNEL, text="Daily huddle", blocks=[section("*Board*")], metadata=meta
    )
    assert posted["ok"] and posted["channel"] == CHANNEL
    assert posted["message"]["metadata"] == meta
    reply = await client.chat_postMessage(
        channel=CHANNEL, text="Alice: 1 meeting", thread_ts=posted["ts"]
    )
    assert reply["message"]["thread_ts"] == posted["ts"]
    assert float(reply["ts"]) > float(posted["ts"])

    plain = await client.conversations_history(channel=CHANNEL, limit=10)
    assert [m["text"] for m in plain["messages"]] == ["Daily huddle"]  # replies stay in the thread
    assert "metadata" not in plain["messages"][0]  # Slack only sends it when asked
    assert plain["messages"][0]["reply_count"] == 1

    history = await client.conversations_history(channel=CHANNEL, include_all_metadata=True)
    assert history["messages"][0]["metadata"] == meta
    thread = await client.conversations_replies(channel=CHANNEL, ts=posted["ts"])
    assert [m["text"] for m in thread["messages"]] == ["Daily huddle", "Alice: 1 meeting"]

    updated = await client.chat_update(channel=CHANNEL, ts=posted["ts"], text="Board (updated)")
    assert updated["text"] == "Board (updated)"
    assert slack.messages_in(CHANNEL)[0].blocks == [section("*Board*")]
    assert "Board" in slack.messages_in(CHANNEL)[0].all_text
    assert len(slack.calls_to("chat.postMessage")) == 2
    assert slack.rejections == []


async def test_history_window_and_errors(slack: SlackWebAPIStandIn) -> None:
    client = client_for(slack)
    first = await client.chat_postMessage(channel=CHANNEL, text="one")
    await client.chat_postMessage(channel=CHANNEL, text="two")
    newer = await client.conversations_history(channel=CHANNEL, oldest=first["ts"])
    assert [m["text"] for m in newer["messages"]] == ["two"]
    page = await client.conversations_history(channel=CHANNEL, limit=1)
    assert page["has_more"] and page["response_metadata"]["next_cursor"]
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="CNOPE", text="x")
    assert err.value.response["error"] == "channel_not_found"
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel=CHANNEL, text="x", thread_ts="1.000001")
    assert err.value.response["error"] == "thread_not_found"
    with pytest.raises(SlackApiError) as err:
        await client.users_info(user="UNOBODY")
    assert err.value.response["error"] == "user_not_found"


async def test_dm_by_user_id_and_conversations_open(slack: SlackWebAPIStandIn) -> None:
    client = client_for(slack)
    opened = await client.conversations_open(users="UBOB")
    dm = opened["channel"]["id"]
    assert dm == "DUBOB"
    posted = await client.chat_postMessage(channel="UBOB", text="1 meeting to go")
    assert posted["channel"] == dm
    assert [m.text for m in slack.dms_to("UBOB")] == ["1 meeting to go"]
    with pytest.raises(SlackApiError) as err:
        await client.conversations_open(users="UCAROL")
    assert err.value.response["error"] == "user_disabled"
    info = await client.users_info(user="UBOB")
    assert info["user"]["tz"] == "America/Los_Angeles"
    assert info["user"]["profile"]["display_name"] == "bob"


async def test_ephemeral_needs_channel_membership(slack: SlackWebAPIStandIn) -> None:
    client = client_for(slack)
    ok = await client.chat_postEphemeral(channel=CHANNEL, user="UALICE", text="Recorded")
    assert ok["message_ts"]
    assert slack.ephemerals_to("UALICE")[0].text == "Recorded"
    slack.add_user("UDAN", "dan")
    with pytest.raises(SlackApiError) as err:
        await client.chat_postEphemeral(channel=CHANNEL, user="UDAN", text="x")
    assert err.value.response["error"] == "user_not_in_channel"


async def test_invalid_blocks_are_rejected_and_recorded(slack: SlackWebAPIStandIn) -> None:
    client = client_for(slack)
    bad_payloads = [
        [{"type": "not_a_block"}],
        [section("x" * 3001)],
        [{"type": "section", "txt": {"type": "mrkdwn", "text": "typo"}}],
        [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}],
        [{"type": "actions", "elements": [{"type": "bogus_element", "action_id": "a"}]}],
        [
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "undo",
                        "text": {"type": "plain_text", "text": "Undo"},
                        "value": "v" * 2001,
                    }
                ],
            }
        ],
        [{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}],
    ]
    for blocks in bad_payloads:
        with pytest.raises(SlackApiError) as err:
            await client.chat_postMessage(channel=CHANNEL, text="t", blocks=blocks)
        assert err.value.response["error"] == "invalid_blocks", blocks
        assert err.value.response["errors"], blocks
    assert len(slack.rejections) == len(bad_payloads)
    assert slack.messages_in(CHANNEL) == []
    assert slack.calls_to("chat.postMessage") == []  # rejected calls did not take effect
    assert len(slack.calls_to("chat.postMessage", applied_only=False)) == len(bad_payloads)

    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel=CHANNEL, text="x" * 40_001)
    assert err.value.response["error"] == "msg_too_long"
    with pytest.raises(SlackApiError) as err, pytest.warns(UserWarning):  # the SDK warns too
        await client.chat_postMessage(channel=CHANNEL, text="")
    assert err.value.response["error"] == "no_text"
    assert [r.error for r in slack.rejections[-2:]] == ["msg_too_long", "no_text"]


async def test_fifty_one_blocks_rejected_fifty_accepted(slack: SlackWebAPIStandIn) -> None:
    client = client_for(slack)
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel=CHANNEL, text="t", blocks=[section("r")] * 51)
    assert err.value.response["error"] == "invalid_blocks"
    assert slack.rejections[0].method == "chat.postMessage"
    await client.chat_postMessage(channel=CHANNEL, text="t", blocks=[section("r")] * 50)
    assert len(slack.messages_in(CHANNEL)) == 1


def test_block_errors_accepts_common_blocks() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Week 49", "emoji": True}},
        section("*Alice* 2/3 meetings"),
        {
            "type": "section",
            "fields": [{"type": "mrkdwn", "text": "a"}, {"type": "mrkdwn", "text": "b"}],
        },
        {"type": "divider"},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Updated 9:00"}]},
        {
            "type": "actions",
            "block_id": "log",
            "elements": [
                {
                    "type": "button",
                    "action_id": "undo",
                    "text": {"type": "plain_text", "text": "Undo"},
                    "value": "42",
                    "style": "danger",
                }
            ],
        },
    ]
    assert block_errors(blocks) == []


async def test_views_are_validated(slack: SlackWebAPIStandIn) -> None:
    client = client_for(slack)
    home = {"type": "home", "blocks": [section("Your week")]}
    published = await client.views_publish(user_id="UALICE", view=home)
    assert published["view"]["id"] and slack.home_views["UALICE"]["blocks"] == home["blocks"]
    with pytest.raises(SlackApiError) as err:
        await client.views_publish(
            user_id="UALICE", view={"type": "home", "blocks": [section("x")] * 101}
        )
    assert err.value.response["error"] == "invalid_arguments"
    modal = {
        "type": "modal",
        "callback_id": "goal",
        "title": {"type": "plain_text", "text": "A title that is far too long"},
        "blocks": [section("x")],
    }
    with pytest.raises(SlackApiError):
        await client.views_open(trigger_id="1.2.abc", view=modal)
    modal["title"] = {"type": "plain_text", "text": "Set goal"}
    opened = await client.views_open(trigger_id="1.2.abc", view=modal)
    view_id = opened["view"]["id"]
    updated = await client.views_update(view_id=view_id, view={**modal, "blocks": [section("y")]})
    assert updated["view"]["id"] == view_id
    assert [r.method for r in slack.rejections] == ["views.publish", "views.open"]


async def test_auth_and_unknown_method(slack: SlackWebAPIStandIn) -> None:
    with pytest.raises(SlackApiError) as err:
        await AsyncWebClient(base_url=slack.api_url).auth_test()
    assert err.value.response["error"] == "not_authed"
    with pytest.raises(SlackApiError) as err:
        await AsyncWebClient(token="xoxp-user", base_url=slack.api_url).auth_test()
    assert err.value.response["error"] == "invalid_auth"
    auth = await client_for(slack).auth_test()
    assert (auth["team_id"], auth["user_id"], auth["bot_id"]) == (
        "T0HUDDLE",
        "UHUDDLEBOT",
        "B0HUDDLE",
    )
    with pytest.raises(SlackApiError) as err:
        await client_for(slack).api_call("chat.teleport", json={"channel": CHANNEL})
    assert err.value.response.status_code == 200
    assert err.value.response["error"] == "unknown_method"


async def test_rate_limit_retry_after_is_honoured(slack: SlackWebAPIStandIn) -> None:
    slack.fail("chat.postMessage", status=429, retry_after=0)
    client = client_for(slack, retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)])
    result = await client.chat_postMessage(channel=CHANNEL, text="after the limit")
    assert result["ok"]
    attempts = slack.calls_to("chat.postMessage", applied_only=False)
    assert [c.outcome for c in attempts] == ["fault", "ok"]
    assert len(slack.messages_in(CHANNEL)) == 1


async def test_rate_limit_without_retry_surfaces_header(slack: SlackWebAPIStandIn) -> None:
    slack.fail("*", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as err:
        await client_for(slack, retry_handlers=[]).users_list()
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "7"
    assert err.value.response["error"] == "ratelimited"


async def test_server_error_is_retried(slack: SlackWebAPIStandIn) -> None:
    slack.fail("chat.postMessage", times=2, status=500)
    fast = FixedValueRetryIntervalCalculator(0.01)
    handler = AsyncServerErrorRetryHandler(max_retry_count=2, interval_calculator=fast)
    result = await client_for(slack, retry_handlers=[handler]).chat_postMessage(
        channel=CHANNEL, text="x"
    )
    assert result["ok"]
    outcomes = [c.outcome for c in slack.calls_to("chat.postMessage", applied_only=False)]
    assert outcomes == ["fault", "fault", "ok"]
    assert len(slack.failed_calls) == 2

    slack.fail("chat.postMessage", status=503)
    with pytest.raises(SlackApiError) as err:
        await client_for(slack, retry_handlers=[]).chat_postMessage(channel=CHANNEL, text="x")
    assert err.value.response.status_code == 503


async def test_dropped_connection_raises_in_client(slack: SlackWebAPIStandIn) -> None:
    slack.fail("chat.postMessage", mode="drop")
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await client_for(slack, retry_handlers=[]).chat_postMessage(channel=CHANNEL, text="lost")
    assert slack.messages_in(CHANNEL) == []
    assert [c.outcome for c in slack.failed_calls] == ["dropped"]
    # slack_sdk's connection-error handler (one of its defaults) retries a dropped connection.
    slack.fail("chat.postMessage", mode="drop")
    retry = AsyncConnectionErrorRetryHandler(
        interval_calculator=FixedValueRetryIntervalCalculator(0.01)
    )
    client = client_for(slack, retry_handlers=[retry])
    assert (await client.chat_postMessage(channel=CHANNEL, text="again"))["ok"]
    assert [m.text for m in slack.messages_in(CHANNEL)] == ["again"]


async def test_drop_after_applies_the_call_but_client_sees_an_error(
    slack: SlackWebAPIStandIn,
) -> None:
    slack.fail("chat.postMessage", mode="drop_after")
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await client_for(slack, retry_handlers=[]).chat_postMessage(channel=CHANNEL, text="sent?")
    assert [m.text for m in slack.messages_in(CHANNEL)] == ["sent?"]
    (call,) = slack.calls_to("chat.postMessage")
    assert call.outcome == "dropped_after" and call.applied


async def test_error_and_delay_faults(slack: SlackWebAPIStandIn) -> None:
    slack.fail("chat.postMessage", mode="error", error="channel_not_found")
    with pytest.raises(SlackApiError) as err:
        await client_for(slack).chat_postMessage(channel=CHANNEL, text="x")
    assert err.value.response["error"] == "channel_not_found"
    slack.fail("chat.postMessage", mode="delay", seconds=0.2)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await client_for(slack).chat_postMessage(channel=CHANNEL, text="late")
    assert loop.time() - started >= 0.2


async def test_conversations_members_pagination(slack: SlackWebAPIStandIn) -> None:
    for n in range(5):
        slack.add_user(f"UREP{n}", f"rep{n}")
        slack.add_member(CHANNEL, f"UREP{n}")
    client = client_for(slack)
    members: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = await client.conversations_members(channel=CHANNEL, limit=3, cursor=cursor)
        members += page["members"]
        pages += 1
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert pages == 3
    assert members == slack.channels[CHANNEL].members
    assert "UHUDDLEBOT" in members  # the app's own bot user is a member, as in Slack
    with pytest.raises(SlackApiError) as err:
        await client.conversations_members(channel=CHANNEL, cursor="garbage!")
    assert err.value.response["error"] == "invalid_cursor"

    slack.page_size_cap = 2  # Slack may return fewer than `limit`
    first = await client.users_list(limit=100)
    assert len(first["members"]) == 2 and first["response_metadata"]["next_cursor"]


async def test_files_upload_v2_end_to_end(slack: SlackWebAPIStandIn) -> None:
    csv = "rep,meetings\nalice,3\n"
    result = await client_for(slack).files_upload_v2(
        channel=CHANNEL, content=csv, filename="week.csv", title="Week 49", initial_comment="Export"
    )
    assert result["ok"] and result["file"]["title"] == "Week 49"
    (stored,) = slack.files.values()
    assert stored.content == csv.encode() and stored.completed and stored.channels == [CHANNEL]
    (message,) = slack.messages_in(CHANNEL)
    assert message.text == "Export" and message.files is not None


async def test_files_upload_v2_of_a_png_into_a_thread_with_alt_text(
    slack: SlackWebAPIStandIn,
) -> None:
    client = client_for(slack)
    parent = await client.chat_postMessage(channel=CHANNEL, text="Week of Mon 23 Nov — results")
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 5000
    await client.files_upload_v2(
        channel=CHANNEL,
        thread_ts=parent["ts"],
        content=png,
        filename="week.png",
        title="Week 48",
        alt_txt="Bar chart: week 48",
        initial_comment="The week in a picture",
    )
    (stored,) = slack.files.values()
    assert stored.content == png and stored.alt_txt == "Bar chart: week 48"
    assert stored.channels == [CHANNEL] and stored.thread_ts == parent["ts"]
    [_, reply] = slack.messages_in(CHANNEL)
    assert reply.thread_ts == parent["ts"] and reply.files is not None
    assert reply.files[0]["mimetype"] == "image/png" and reply.files[0]["name"] == "week.png"
    history = await client.conversations_replies(channel=CHANNEL, ts=parent["ts"])
    assert history["messages"][1]["files"][0]["size"] == len(png)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"alt_txt": "x" * 1001}, "alt_txt_too_large"),
        ({"content": b""}, "missing_argument"),
        ({"channel": "CNOTTHERE"}, "channel_not_found"),
        ({"channel": "COTHER"}, "not_in_channel"),
        ({"thread_ts": "1700000000.000001"}, "thread_not_found"),
        ({"thread_ts": "yesterday"}, "invalid_thread_ts"),
    ],
)
async def test_files_upload_v2_is_refused_as_slack_refuses_it(
    slack: SlackWebAPIStandIn, change: dict[str, Any], error: str
) -> None:
    slack.add_channel("COTHER", members=["UALICE"], include_bot=False)
    args: dict[str, Any] = {"channel": CHANNEL, "content": b"\x89PNG", "filename": "a.png"}
    with pytest.raises(SlackApiError) as refused:
        await client_for(slack).files_upload_v2(**{**args, **change})
    assert refused.value.response["error"] == error
    assert not any(f.completed for f in slack.files.values())
    assert slack.messages_in(CHANNEL) == []


async def test_an_upload_must_be_the_length_announced(slack: SlackWebAPIStandIn) -> None:
    client = client_for(slack)
    url = await client.files_getUploadURLExternal(filename="a.png", length=10)
    async with (
        aiohttp.ClientSession() as session,
        session.post(url["upload_url"], data=b"short") as answer,
    ):
        assert answer.status == 400
    with pytest.raises(SlackApiError) as refused:
        await client.files_completeUploadExternal(
            files=[{"id": url["file_id"]}], channel_id=CHANNEL
        )
    assert refused.value.response["error"] == "file_not_found"


async def test_response_url_posts_are_recorded_and_validated(slack: SlackWebAPIStandIn) -> None:
    url = slack.response_url(channel_id=CHANNEL, user_id="UALICE")
    hook = AsyncWebhookClient(url)
    ok = await hook.send(text="Recorded 1 meeting", blocks=[section("Recorded")])
    assert ok.status_code == 200
    bad = await hook.send(text="t", blocks=[section("x" * 3001)])
    assert bad.status_code == 400
    assert [r.text for r in slack.responses_to(url)] == ["Recorded 1 meeting", "t"]
    assert [r.accepted for r in slack.responses] == [True, False]
    assert slack.rejections[0].method == "response_url"
    await slack.wait_for("response_url")
    await hook.send(text="Everyone sees this", response_type="in_channel")
    assert [m.text for m in slack.messages_in(CHANNEL)] == ["Everyone sees this"]


async def test_wait_for_resolves_when_the_call_arrives(slack: SlackWebAPIStandIn) -> None:
    client = client_for(slack)

    async def later() -> None:
        await asyncio.sleep(0.05)
        await client.chat_postMessage(channel=CHANNEL, text="announcement")

    task = asyncio.create_task(later())
    (call,) = await slack.wait_for(
        "chat.postMessage", lambda c: "announce" in c.args["text"], timeout=2
    )
    assert call.args["channel"] == CHANNEL
    await task
    with pytest.raises(TimeoutError):
        await slack.wait_for("chat.delete", timeout=0.05)


# ------------------------------------------------------------ signed requests


class Capture:
    """A bare HTTP endpoint that keeps what Slack's side sent it."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.answer: dict[str, Any] | None = None

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((dict(request.headers), await request.read()))
        if self.answer is None:
            return web.Response(status=200)
        return web.json_response(self.answer)


@pytest.fixture
async def capture() -> AsyncIterator[tuple[Capture, str]]:
    cap = Capture()
    app = web.Application()
    app.router.add_post("/slack/events", cap.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    yield cap, f"http://127.0.0.1:{sock.getsockname()[1]}/slack/events"
    await runner.cleanup()


async def test_signature_verifies_with_slack_sdk(
    slack: SlackWebAPIStandIn, capture: tuple[Capture, str]
) -> None:
    cap, url = capture
    verifier = SignatureVerifier(SECRET)
    async with SignedSlackClient(url, SECRET, standin=slack) as signed:
        await signed.command("UALICE", "/logmeeting", "2 yesterday Acme")
        await signed.block_action("UALICE", "undo", "42")
        await signed.event(
            {"type": "app_home_opened", "user": "UALICE", "tab": "home"}, retry_num=1
        )
        await signed.raw(b"token=x", sign=True, signature="v0=forged")
    for headers, body in cap.requests[:3]:
        assert verifier.is_valid(
            body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
        )
    headers, body = cap.requests[3]
    assert not verifier.is_valid(
        body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
    )
    assert cap.requests[2][0]["X-Slack-Retry-Num"] == "1"
    assert sign_request(SECRET, "1", b"x") == verifier.generate_signature(timestamp="1", body=b"x")

    form = dict(parse_qsl(cap.requests[0][1].decode()))
    assert form["command"] == "/logmeeting" and form["text"] == "2 yesterday Acme"
    assert form["user_name"] == "alice" and form["channel_name"] == "sales-huddle"
    assert form["response_url"].startswith(slack.url + "/response/")
    payload = json.loads(dict(parse_qsl(cap.requests[1][1].decode()))["payload"])
    assert payload["type"] == "block_actions" and payload["actions"][0]["value"] == "42"
    envelope = json.loads(cap.requests[2][1])
    assert envelope["type"] == "event_callback" and envelope["event"]["user"] == "UALICE"


async def test_reply_comes_from_ack_or_response_url(
    slack: SlackWebAPIStandIn, capture: tuple[Capture, str]
) -> None:
    cap, url = capture
    async with SignedSlackClient(url, SECRET, standin=slack) as signed:
        cap.answer = {"text": "Recorded 1 meeting", "blocks": [section("Recorded")]}
        acked = await signed.command("UALICE", "/logmeeting")
        reply = await signed.reply(acked)
        assert reply.source == "ack" and reply.text == "Recorded 1 meeting"

        cap.answer = None
        later = await signed.command("UALICE", "/progress")
        assert later.response_url is not None
        await AsyncWebhookClient(later.response_url).send(text="Your week: 2/3")
        reply = await signed.reply(later, timeout=1)
        assert reply.source == "response_url" and "2/3" in reply.all_text


async def test_bolt_app_end_to_end(slack: SlackWebAPIStandIn) -> None:
    """A minimal Bolt app: signed command in, ack back, announcement out through the stand-in."""
    from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

    bolt = AsyncApp(token="xoxb-test", signing_secret=SECRET, client=client_for(slack))

    @bolt.command("/logmeeting")
    async def log(
        ack: AsyncAck, respond: AsyncRespond, command: dict[str, Any], client: Any
    ) -> None:
        undo = {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "undo",
                    "text": {"type": "plain_text", "text": "Undo"},
                    "value": "c1",
                }
            ],
        }
        await ack(text="Recorded", blocks=[section("Recorded 1 meeting"), undo])
        await client.chat_postMessage(
            channel=CHANNEL, text=f"<@{command['user_id']}> set a meeting"
        )

    @bolt.action("undo")
    async def undo(ack: AsyncAck, respond: AsyncRespond, body: dict[str, Any]) -> None:
        await ack()
        await respond(text=f"Undone {body['actions'][0]['value']}", replace_original=True)

    runner = web.AppRunner(bolt.web_app(), access_log=None)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/slack/events"
    try:
        async with SignedSlackClient(url, SECRET, standin=slack) as signed:
            result = await signed.command("UALICE", "/logmeeting")
            assert result.status == 200 and result.within_deadline
            reply = await signed.reply(result)
            await slack.wait_for("chat.postMessage")
            assert slack.messages_in(CHANNEL)[0].text == "<@UALICE> set a meeting"

            clicked = await signed.block_action("UALICE", "undo", message=reply)
            assert clicked.status == 200
            undone = await signed.reply(clicked)
            assert undone.text == "Undone c1"

            with pytest.raises(LookupError):
                await signed.block_action("UALICE", "no_such_button", message=reply)
            forged = await signed.raw(b"command=%2Flogmeeting", signature="v0=00")
            assert forged.status == 401
            stale = str(int(time.time()) - 600)
            replayed = await signed.raw(b"command=%2Flogmeeting", timestamp=stale)
            assert replayed.status == 401
        assert slack.rejections == []
    finally:
        await runner.cleanup()


async def test_statuses_show_in_every_profile_until_they_expire(
    slack: SlackWebAPIStandIn,
) -> None:
    client = client_for(slack)
    expires = int(slack.now()) + 3600
    slack.set_status("UBOB", ":palm_tree:", "Vacationing", expires=expires)
    profile = (await client.users_profile_get(user="UBOB"))["profile"]
    assert (profile["status_emoji"], profile["status_text"]) == (":palm_tree:", "Vacationing")
    assert profile["status_expiration"] == expires
    listed = {m["id"]: m for m in (await client.users_list())["members"]}
    assert listed["UBOB"]["profile"]["status_emoji"] == ":palm_tree:"
    assert (await client.users_info(user="UBOB"))["user"]["profile"]["status_text"] == "Vacationing"
    slack.set_status("UBOB", ":palm_tree:", "Vacationing", expires=int(slack.now()) - 1)
    assert (await client.users_profile_get(user="UBOB"))["profile"]["status_emoji"] == ""
    with pytest.raises(SlackApiError) as err:
        await client.users_profile_get(user="UNOBODY")
    assert err.value.response["error"] == "user_not_found"
