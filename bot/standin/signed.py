"""Requests into the app, sent the way Slack sends them: signed, with Slack's payloads.

Slash commands, button clicks, modal submissions and Events API callbacks reach a
Bolt app as signed HTTP POSTs. Tests that bypassed the signature check, or that
invented thinner payloads than Slack's, would pass against code that fails on the
first real request; this client builds every field Slack sends and signs the exact
bytes it posts (``v0=`` + HMAC-SHA256 of ``v0:{timestamp}:{body}``).

What a user *sees* after a command or a click may come back three ways: in the HTTP
answer (``ack(text)``), through the ``response_url`` (``respond()``) or as a
``chat.postEphemeral``. :meth:`SignedSlackClient.reply` hides the difference.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import time
import urllib.parse
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import aiohttp

from bot.standin.blockkit import visible_text
from bot.standin.records import Ephemeral, Message
from bot.standin.webapi import SlackWebAPIStandIn

__all__ = [
    "AppResponse",
    "SignedSlackClient",
    "SlackPayloads",
    "SlackUsers",
    "UserReply",
    "sign_request",
    "slack_command_text",
]

Args = dict[str, Any]
ReplySource = Literal["ack", "response_url", "ephemeral"]


_SLACK_MARKUP = re.compile(r"<(?:[@#!]|https?://|mailto:)[^<>]*>")
"""Spans Slack itself writes into command text: mentions, channels, ``<!here>``, links."""


def slack_command_text(typed: str) -> str:
    """The ``text`` Slack sends for what a user typed after a slash command.

    Slack escapes the three control characters (``&`` → ``&amp;``, ``<`` → ``&lt;``,
    ``>`` → ``&gt;``) and leaves alone the ``<@U…>``, ``<#C…>``, ``<!…>`` and link
    spans it writes itself, so an app that forgets to unescape shows ``&lt;``.
    """
    out: list[str] = []
    last = 0
    for span in _SLACK_MARKUP.finditer(typed):
        out += [_escape_control(typed[last : span.start()]), span.group()]
        last = span.end()
    out.append(_escape_control(typed[last:]))
    return "".join(out)


def _escape_control(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sign_request(signing_secret: str, timestamp: str, body: bytes) -> str:
    """Slack's request signature: ``v0=`` + hex HMAC-SHA256 of ``v0:{ts}:{body}``."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class AppResponse:
    """The app's HTTP answer to one request, plus what is needed to follow it up."""

    status: int
    text: str
    json: Any
    headers: Mapping[str, str]
    elapsed: float
    user_id: str | None = None
    channel_id: str | None = None
    response_url: str | None = None
    trigger_id: str | None = None
    ephemeral_mark: int = 0
    sent: tuple[bytes, Mapping[str, str]] = (b"", {})
    """The exact body and headers of the request, so a test can replay it."""

    @property
    def within_deadline(self) -> bool:
        """Slack shows the user an error when an answer takes 3 seconds or more."""
        return self.elapsed < 3.0


@dataclass(frozen=True)
class UserReply:
    """One private reply as the user saw it, whichever way it travelled."""

    source: ReplySource
    text: str
    blocks: list[Args] | None
    response_type: str = "ephemeral"
    channel_id: str | None = None
    message_ts: str | None = None
    raw: Args = field(default_factory=dict)

    @property
    def all_text(self) -> str:
        return visible_text(self.text, self.blocks)

    def element(self, action_id: str) -> Args | None:
        """The interactive element with ``action_id`` in these blocks, if any."""
        found = _find_element(self.blocks or [], action_id)
        return found[1] if found else None


def _find_element(blocks: list[Args], action_id: str) -> tuple[str, Args] | None:
    """(block_id, element) of the element with ``action_id``; Slack fills in block ids."""
    for index, block in enumerate(blocks):
        block_id = str(block.get("block_id") or f"b{index}")
        candidates: list[Any] = list(block.get("elements") or [])
        for key in ("accessory", "element"):
            if isinstance(block.get(key), dict):
                candidates.append(block[key])
        for element in candidates:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return block_id, element
    return None


class SlackPayloads:
    """Slack's payloads for commands, clicks, submissions and events, transport aside.

    The same dicts reach the app as signed HTTP posts (:class:`SignedSlackClient`) or
    inside Socket Mode envelopes (``bot.standin.socket_mode``), so both build them here.
    """

    def __init__(
        self,
        *,
        team_id: str = "T0HUDDLE",
        standin: SlackWebAPIStandIn | None = None,
        clock: Callable[[], float] = time.time,
        channel_id: str = "C0HUDDLE",
        api_app_id: str = "A0HUDDLE",
        team_domain: str = "huddle",
        verification_token: str = "legacy-verification-token",
    ) -> None:
        """``channel_id`` is where commands and clicks come from unless told otherwise.

        With a ``standin``, response URLs and trigger ids point at it and user names
        come from its users.
        """
        self.team_id = team_id
        self.standin = standin
        self.clock = clock
        self.channel_id = channel_id
        self.api_app_id = api_app_id
        self.team_domain = team_domain
        self.verification_token = verification_token
        self._ids = itertools.count(1)

    def _user_name(self, user_id: str) -> str:
        if self.standin is not None and user_id in self.standin.users:
            return self.standin.users[user_id].name
        return user_id.lower()

    def _channel_name(self, channel_id: str) -> str:
        if channel_id.startswith("D"):
            return "directmessage"
        if self.standin is not None and channel_id in self.standin.channels:
            return self.standin.channels[channel_id].name
        return channel_id.lower()

    def _trigger_id(self) -> str:
        if self.standin is not None:
            return self.standin.new_trigger_id()
        n = next(self._ids)
        return f"{n}.{n * 7919}.{n:032x}"

    def _response_url(
        self, channel_id: str | None, user_id: str, message_ts: str | None = None
    ) -> str:
        if self.standin is not None:
            return self.standin.response_url(
                channel_id=channel_id, user_id=user_id, message_ts=message_ts
            )
        return f"https://hooks.slack.com/actions/{self.team_id}/{next(self._ids)}/stand-in"

    def _user(self, user_id: str) -> Args:
        name = self._user_name(user_id)
        return {"id": user_id, "username": name, "name": name, "team_id": self.team_id}

    def _action_ts(self) -> str:
        now = self.clock()
        return f"{now:.6f}"

    # -------------------------------------------------------------- payloads

    def command_form(
        self,
        user_id: str,
        command: str,
        text: str = "",
        *,
        channel_id: str | None = None,
        user_name: str | None = None,
        escape: bool = False,
    ) -> dict[str, str]:
        """Every field of a slash command, as Slack form-encodes (or envelopes) them.

        ``escape=True`` takes ``text`` as the user typed it and escapes it as Slack
        does (:func:`slack_command_text`); otherwise it is sent as given.
        """
        channel = channel_id or self.channel_id
        return {
            "token": self.verification_token,
            "team_id": self.team_id,
            "team_domain": self.team_domain,
            "channel_id": channel,
            "channel_name": self._channel_name(channel),
            "user_id": user_id,
            "user_name": user_name or self._user_name(user_id),
            "command": command if command.startswith("/") else f"/{command}",
            "text": slack_command_text(text) if escape else text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": self._response_url(channel, user_id),
            "trigger_id": self._trigger_id(),
        }

    def block_action_payload(
        self,
        user_id: str,
        action_id: str,
        value: str | None = None,
        *,
        message: Message | Ephemeral | UserReply | Args | None = None,
        view: Args | None = None,
        container: Args | None = None,
        response_url: str | None = None,
        channel_id: str | None = None,
        block_id: str | None = None,
    ) -> Args:
        """A click on an interactive element, as a ``block_actions`` payload.

        Give ``message`` (a stand-in ``Message``/``Ephemeral``, a ``UserReply`` or a raw
        message dict) or ``view`` (e.g. ``standin.home_views[user]``), and the element
        is looked up in its blocks: ``value`` defaults to the element's own value, and
        clicking an ``action_id`` that is not there raises ``LookupError``.
        """
        channel = channel_id or self.channel_id
        blocks: list[Args] | None = None
        message_out: Args | None = None
        message_ts: str | None = None
        is_ephemeral = True
        if isinstance(message, Message):
            channel, message_ts, is_ephemeral = message.channel, message.ts, False
            blocks, message_out = message.blocks, message.to_slack()
        elif isinstance(message, Ephemeral):
            channel, message_ts, blocks = message.channel, message.message_ts, message.blocks
        elif isinstance(message, UserReply):
            channel = message.channel_id or channel
            message_ts, blocks = message.message_ts, message.blocks
        elif isinstance(message, dict):
            message_ts, blocks, message_out = message.get("ts"), message.get("blocks"), message
            is_ephemeral = False
        elif view is not None:
            blocks = view.get("blocks")

        action: Args = {"action_id": action_id, "type": "button", "action_ts": self._action_ts()}
        if blocks is not None or message is not None or view is not None:
            found = _find_element(blocks or [], action_id)
            if found is None:
                raise LookupError(f"no element with action_id={action_id!r} in those blocks")
            found_block_id, element = found
            action["block_id"] = block_id or found_block_id
            action["type"] = element.get("type", "button")
            if "text" in element:
                action["text"] = element["text"]
            if element.get("style"):
                action["style"] = element["style"]
            chosen = value if value is not None else element.get("value")
            options = [o for o in element.get("options") or [] if isinstance(o, dict)]
            if options:
                option = next((o for o in options if o.get("value") == chosen), options[0])
                action["selected_option"] = option
            elif chosen is not None:
                action["value"] = chosen
        else:
            action["block_id"] = block_id or "b0"
            if value is not None:
                action["value"] = value
        if message_ts is None:
            message_ts = self._action_ts()

        payload: Args = {
            "type": "block_actions",
            "user": self._user(user_id),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
            "trigger_id": self._trigger_id(),
            "team": {"id": self.team_id, "domain": self.team_domain},
            "enterprise": None,
            "is_enterprise_install": False,
            "state": {"values": {}},
            "actions": [action],
        }
        if view is not None:
            payload["container"] = container or {"type": "view", "view_id": view.get("id")}
            payload["view"] = view
        else:
            payload["container"] = container or {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel,
                "is_ephemeral": is_ephemeral,
            }
            payload["channel"] = {"id": channel, "name": self._channel_name(channel)}
            if message_out is not None:
                payload["message"] = message_out
            payload["response_url"] = response_url or self._response_url(
                channel, user_id, None if is_ephemeral else message_ts
            )
        return payload

    def view_submission_payload(
        self,
        user_id: str,
        callback_id: str,
        state_values: Mapping[str, Mapping[str, Args]],
        *,
        private_metadata: str = "",
        view: Args | None = None,
    ) -> Args:
        """A modal's Submit; ``state_values`` is ``{block_id: {action_id: {type, value}}}``.

        Given the ``view`` the app opened (``standin.views[...]``), its id, blocks and
        hash are carried over, as Slack does.
        """
        base = dict(view or {})
        view_id = str(base.get("id") or f"V{next(self._ids):08d}")
        payload_view: Args = {
            "id": view_id,
            "team_id": self.team_id,
            "type": "modal",
            "blocks": base.get("blocks", []),
            "private_metadata": private_metadata or base.get("private_metadata", ""),
            "callback_id": callback_id,
            "state": {"values": {k: dict(v) for k, v in state_values.items()}},
            "hash": base.get("hash", f"{int(self.clock())}.stand-in"),
            "title": base.get("title", {"type": "plain_text", "text": "Huddle"}),
            "clear_on_close": base.get("clear_on_close", False),
            "notify_on_close": base.get("notify_on_close", False),
            "close": base.get("close"),
            "submit": base.get("submit", {"type": "plain_text", "text": "Submit"}),
            "previous_view_id": base.get("previous_view_id"),
            "root_view_id": base.get("root_view_id", view_id),
            "app_id": self.api_app_id,
            "external_id": base.get("external_id", ""),
            "app_installed_team_id": self.team_id,
            "bot_id": base.get("bot_id", "B0HUDDLE"),
        }
        return {
            "type": "view_submission",
            "team": {"id": self.team_id, "domain": self.team_domain},
            "user": self._user(user_id),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
            "trigger_id": self._trigger_id(),
            "view": payload_view,
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }

    def event_callback(self, event: Mapping[str, Any], *, event_id: str | None = None) -> Args:
        """An Events API ``event_callback`` wrapping ``event`` (``event_ts`` filled in)."""
        now = self.clock()
        inner = dict(event)
        inner.setdefault("event_ts", f"{now:.6f}")
        return {
            "token": self.verification_token,
            "team_id": self.team_id,
            "api_app_id": self.api_app_id,
            "event": inner,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._ids):010d}",
            "event_time": int(now),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": self.standin.bot_user_id if self.standin else "UHUDDLEBOT",
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-stand-in-{next(self._ids)}",
        }


class SlackUsers(SlackPayloads, ABC):
    """People using the app: their commands, clicks, submissions and the events they
    cause, and the private replies they saw, whichever transport carries them.

    Subclasses deliver (:class:`SignedSlackClient` over HTTP,
    :class:`~bot.standin.socket_users.SocketModeUsers` in Socket Mode envelopes), so a
    scenario written against this class runs unchanged in both modes.
    """

    @abstractmethod
    async def _deliver_command(self, fields: Mapping[str, str], **context: Any) -> AppResponse:
        """Send a slash command's fields; ``context`` is what :meth:`replies` needs."""

    @abstractmethod
    async def _deliver_interaction(self, payload: Args, **context: Any) -> AppResponse:
        """Send a ``block_actions`` or ``view_submission`` payload."""

    @abstractmethod
    async def _deliver_event(
        self, callback: Args, retry_num: int | None, retry_reason: str, **context: Any
    ) -> AppResponse:
        """Send an ``event_callback``, as Slack's ``retry_num``-th retry when given."""

    # -------------------------------------------------------------- requests

    async def command(
        self,
        user_id: str,
        command: str,
        text: str = "",
        *,
        channel_id: str | None = None,
        user_name: str | None = None,
        escape: bool = False,
    ) -> AppResponse:
        """A slash command, with every field Slack sends (form-encoded).

        ``text`` goes as given (what Slack would send) unless ``escape=True``
        (see :meth:`command_form`).
        """
        fields = self.command_form(
            user_id, command, text, channel_id=channel_id, user_name=user_name, escape=escape
        )
        return await self._deliver_command(
            fields,
            user_id=user_id,
            channel_id=fields["channel_id"],
            response_url=fields["response_url"],
            trigger_id=fields["trigger_id"],
        )

    async def block_action(
        self,
        user_id: str,
        action_id: str,
        value: str | None = None,
        *,
        message: Message | Ephemeral | UserReply | Args | None = None,
        view: Args | None = None,
        container: Args | None = None,
        response_url: str | None = None,
        channel_id: str | None = None,
        block_id: str | None = None,
    ) -> AppResponse:
        """A click, posted as Slack posts it (see :meth:`block_action_payload`)."""
        payload = self.block_action_payload(
            user_id,
            action_id,
            value,
            message=message,
            view=view,
            container=container,
            response_url=response_url,
            channel_id=channel_id,
            block_id=block_id,
        )
        channel = payload.get("channel")
        return await self._deliver_interaction(
            payload,
            user_id=user_id,
            channel_id=channel["id"] if channel else None,
            response_url=payload.get("response_url", response_url),
            trigger_id=payload["trigger_id"],
        )

    async def view_submission(
        self,
        user_id: str,
        callback_id: str,
        state_values: Mapping[str, Mapping[str, Args]],
        *,
        private_metadata: str = "",
        view: Args | None = None,
    ) -> AppResponse:
        """A modal's Submit, posted as Slack posts it (see :meth:`view_submission_payload`)."""
        payload = self.view_submission_payload(
            user_id, callback_id, state_values, private_metadata=private_metadata, view=view
        )
        return await self._deliver_interaction(
            payload, user_id=user_id, trigger_id=payload["trigger_id"]
        )

    async def event(
        self,
        event: Mapping[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
    ) -> AppResponse:
        """An Events API ``event_callback``; ``retry_num`` makes it one of Slack's retries.

        Reuse ``event_id`` with ``retry_num=1`` to deliver the same event twice, as
        Slack does when the app was slow to answer.
        """
        callback = self.event_callback(event, event_id=event_id)
        return await self._deliver_event(
            callback, retry_num, retry_reason, user_id=callback["event"].get("user")
        )

    async def member_joined_channel(
        self, user_id: str, channel_id: str | None = None
    ) -> AppResponse:
        """The user joins (the stand-in's membership changes first, as in Slack)."""
        channel = channel_id or self.channel_id
        if self.standin is not None and channel in self.standin.channels:
            self.standin.add_member(channel, user_id)
        event = {
            "type": "member_joined_channel",
            "user": user_id,
            "channel": channel,
            "channel_type": "C",
        }
        return await self.event({**event, "team": self.team_id})

    async def member_left_channel(self, user_id: str, channel_id: str | None = None) -> AppResponse:
        channel = channel_id or self.channel_id
        if self.standin is not None and channel in self.standin.channels:
            self.standin.remove_member(channel, user_id)
        event = {
            "type": "member_left_channel",
            "user": user_id,
            "channel": channel,
            "channel_type": "C",
        }
        return await self.event({**event, "team": self.team_id})

    async def app_home_opened(self, user_id: str) -> AppResponse:
        event = {
            "type": "app_home_opened",
            "user": user_id,
            "channel": f"D{user_id}",
            "tab": "home",
        }
        return await self.event(event)

    # ---------------------------------------------------------- what they saw

    def replies(self, response: AppResponse) -> list[UserReply]:
        """Private replies seen so far: the ack body, then response_url posts and ephemerals."""
        found: list[UserReply] = []
        body = response.json
        if isinstance(body, dict) and (body.get("text") or body.get("blocks")):
            found.append(
                UserReply(
                    source="ack",
                    text=str(body.get("text") or ""),
                    blocks=cast("list[Args] | None", body.get("blocks")),
                    response_type=str(body.get("response_type") or "ephemeral"),
                    channel_id=response.channel_id,
                    raw=body,
                )
            )
        if self.standin is None:
            return found
        if response.response_url:
            for post in self.standin.responses_to(response.response_url):
                if post.accepted:
                    found.append(
                        UserReply(
                            source="response_url",
                            text=post.text,
                            blocks=post.blocks,
                            response_type=post.response_type,
                            channel_id=response.channel_id,
                            raw=post.body,
                        )
                    )
        if response.user_id:
            for eph in self.standin.ephemerals[response.ephemeral_mark :]:
                if eph.user == response.user_id:
                    found.append(
                        UserReply(
                            source="ephemeral",
                            text=eph.text,
                            blocks=eph.blocks,
                            channel_id=eph.channel,
                            message_ts=eph.message_ts,
                            raw={"text": eph.text, "blocks": eph.blocks},
                        )
                    )
        return found

    async def wait_replies(
        self,
        response: AppResponse,
        count: int = 1,
        timeout: float = 3.0,  # noqa: ASYNC109 - a deadline per wait reads best in tests
    ) -> list[UserReply]:
        """Wait until the user has seen ``count`` private replies to ``response``."""
        if len(self.replies(response)) < count and self.standin is not None:
            await self.standin.wait_until(
                lambda: len(self.replies(response)) >= count,
                timeout=timeout,
                what=f"{count} private replies",
            )
        found = self.replies(response)
        if len(found) < count:
            raise TimeoutError(f"expected {count} private replies, the user saw {len(found)}")
        return found

    async def reply(
        self,
        response: AppResponse,
        timeout: float = 3.0,  # noqa: ASYNC109
    ) -> UserReply:
        """The first private reply the user saw, however it was delivered."""
        return (await self.wait_replies(response, 1, timeout))[0]


class SignedSlackClient(SlackUsers):
    """Plays Slack's side of the app's Request URL (``.../slack/events``)."""

    def __init__(
        self,
        app_url: str,
        signing_secret: str,
        *,
        team_id: str = "T0HUDDLE",
        standin: SlackWebAPIStandIn | None = None,
        clock: Callable[[], float] = time.time,
        channel_id: str = "C0HUDDLE",
        api_app_id: str = "A0HUDDLE",
        team_domain: str = "huddle",
        verification_token: str = "legacy-verification-token",
        timeout: float = 10.0,
    ) -> None:
        """With a ``standin``, :meth:`reply` can also see ``respond()`` / ephemeral replies."""
        super().__init__(
            team_id=team_id,
            standin=standin,
            clock=clock,
            channel_id=channel_id,
            api_app_id=api_app_id,
            team_domain=team_domain,
            verification_token=verification_token,
        )
        self.app_url = app_url
        self.signing_secret = signing_secret
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> SignedSlackClient:
        self._ensure_session()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self._session

    # ----------------------------------------------------------------- helpers

    def signed_headers(self, body: bytes, timestamp: str | None = None) -> dict[str, str]:
        """The two headers Slack adds to every request it sends."""
        ts = timestamp if timestamp is not None else str(int(self.clock()))
        return {
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sign_request(self.signing_secret, ts, body),
        }

    async def _post(
        self,
        body: bytes,
        content_type: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        sign: bool = True,
        user_id: str | None = None,
        channel_id: str | None = None,
        response_url: str | None = None,
        trigger_id: str | None = None,
    ) -> AppResponse:
        headers = {
            "Content-Type": content_type,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        }
        if sign:
            headers.update(self.signed_headers(body))
        headers.update(extra_headers or {})
        mark = len(self.standin.ephemerals) if self.standin is not None else 0
        started = time.monotonic()
        async with self._ensure_session().post(self.app_url, data=body, headers=headers) as resp:
            raw = await resp.read()
            elapsed = time.monotonic() - started
            text = raw.decode(errors="replace")
            if self.standin is not None:
                self.standin.answers.append(text)
            parsed: Any = None
            if text.strip():
                try:
                    parsed = json.loads(text)
                except json.JSONDecodeError:
                    parsed = None
            return AppResponse(
                status=resp.status,
                text=text,
                json=parsed,
                headers=dict(resp.headers),
                elapsed=elapsed,
                user_id=user_id,
                channel_id=channel_id,
                response_url=response_url,
                trigger_id=trigger_id,
                ephemeral_mark=mark,
                sent=(body, headers),
            )

    async def _post_form(self, fields: Mapping[str, str], **context: Any) -> AppResponse:
        body = urllib.parse.urlencode(fields).encode()
        return await self._post(body, "application/x-www-form-urlencoded", **context)

    # ---------------------------------------------------------------- delivery

    async def _deliver_command(self, fields: Mapping[str, str], **context: Any) -> AppResponse:
        return await self._post_form(fields, **context)

    async def _deliver_interaction(self, payload: Args, **context: Any) -> AppResponse:
        return await self._post_form({"payload": json.dumps(payload)}, **context)

    async def _deliver_event(
        self, callback: Args, retry_num: int | None, retry_reason: str, **context: Any
    ) -> AppResponse:
        headers: dict[str, str] = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        body = json.dumps(callback).encode()
        return await self._post(body, "application/json", extra_headers=headers, **context)

    async def raw(
        self,
        body: bytes,
        headers: Mapping[str, str] | None = None,
        *,
        sign: bool = True,
        timestamp: str | None = None,
        signature: str | None = None,
        content_type: str = "application/x-www-form-urlencoded",
    ) -> AppResponse:
        """Anything at all, for hostile tests: forged or missing signatures, stale times.

        With ``sign=True`` the signature headers are computed (over ``timestamp`` when
        given), then ``signature`` and ``headers`` override them.
        """
        extra: dict[str, str] = {}
        if sign:
            extra.update(self.signed_headers(body, timestamp))
        elif timestamp is not None:
            extra["X-Slack-Request-Timestamp"] = timestamp
        if signature is not None:
            extra["X-Slack-Signature"] = signature
        extra.update(headers or {})
        return await self._post(body, content_type, extra_headers=extra, sign=False)

    async def resend(self, response: AppResponse) -> AppResponse:
        """The same request again, byte for byte: same body, timestamp and signature,
        as an attacker who captured it would replay it."""
        body, headers = response.sent
        return await self._post(
            body,
            headers.get("Content-Type", "application/x-www-form-urlencoded"),
            extra_headers=headers,
            sign=False,
            user_id=response.user_id,
            channel_id=response.channel_id,
            response_url=response.response_url,
            trigger_id=response.trigger_id,
        )
