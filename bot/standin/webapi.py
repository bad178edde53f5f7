"""A local stand-in for Slack's Web API, served over real HTTP on 127.0.0.1.

Huddle cannot reach Slack from tests or from ``huddle demo``, so this server plays
Slack's part: it accepts requests exactly as ``slack_sdk``'s ``AsyncWebClient`` sends
them (form or JSON bodies, bearer tokens), keeps a small workspace (users, channels,
messages, views, files) and answers with the response shapes Slack documents.

It is deliberately strict where Slack is strict, because a test double that accepts
what Slack rejects only hides bugs until production: every Block Kit payload is parsed
with ``slack_sdk``'s models *and* checked against Slack's published limits, and a
rejected payload is both answered with Slack's error and remembered in
:attr:`SlackWebAPIStandIn.rejections`. Faults (rate limits, 5xx, dropped connections,
late answers) can be injected so retry behaviour can be proven, not assumed.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import socket
import time
import zoneinfo
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, cast

from aiohttp import web
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

__all__ = [
    "Channel",
    "Ephemeral",
    "Fault",
    "FaultMode",
    "Message",
    "RecordedCall",
    "Rejection",
    "ResponseUrlPost",
    "SlackWebAPIStandIn",
    "UploadedFile",
    "User",
    "block_errors",
    "view_errors",
    "visible_text",
]

Args = dict[str, Any]
FaultMode = Literal["status", "status_after", "error", "drop", "drop_after", "delay"]
Outcome = Literal["ok", "error", "rejected", "fault", "fault_after", "dropped", "dropped_after"]

#: Pseudo-method names under which the non-Web-API endpoints are recorded.
RESPONSE_URL_METHOD = "response_url"
UPLOAD_METHOD = "files.upload_url"

_MAX_MESSAGE_TEXT = 40_000
_MAX_MESSAGE_BLOCKS = 50
_MAX_VIEW_BLOCKS = 100
_MAX_RESPONSE_URL_USES = 5
_DEFAULT_TS_BASE = 1_764_190_000
_JSON_FIELDS = frozenset({"blocks", "attachments", "metadata", "view", "files", "unfurls"})


# --------------------------------------------------------------------------- records


@dataclass
class Fault:
    """One injected failure, consumed in the order faults were added.

    ``remaining`` counts down as matching calls arrive; a fault at zero is spent.
    """

    method: str
    remaining: int
    mode: FaultMode
    status: int = 429
    retry_after: int = 1
    seconds: float = 0.0
    error: str | None = None

    def matches(self, method: str) -> bool:
        """``"*"`` targets every Web API method but not the pseudo-endpoints."""
        if self.remaining <= 0:
            return False
        if self.method == "*":
            return method not in (RESPONSE_URL_METHOD, UPLOAD_METHOD)
        return self.method == method


@dataclass(frozen=True)
class RecordedCall:
    """A request the stand-in received, with what became of it.

    ``outcome`` separates calls that changed state from calls that did not, so a
    test can count real posts without counting a rate-limited attempt twice.
    """

    method: str
    args: Args
    at: float
    outcome: Outcome = "ok"
    response: Args | None = None
    fault: Fault | None = None

    @property
    def applied(self) -> bool:
        """True when Slack would have carried the call out (even if the answer was lost)."""
        return self.outcome in ("ok", "dropped_after", "fault_after")


@dataclass(frozen=True)
class Rejection:
    """A payload Slack would refuse (bad blocks, too long, no text, bad metadata)."""

    method: str
    error: str
    errors: list[str]
    args: Args
    at: float


@dataclass
class User:
    """A workspace member as ``users.info`` describes them."""

    id: str
    name: str
    tz: str = "America/New_York"
    is_bot: bool = False
    deleted: bool = False
    real_name: str | None = None
    email: str | None = None
    is_app_user: bool = False
    bot_id: str | None = None

    def to_slack(self, team_id: str, now: float) -> Args:
        real_name = self.real_name or self.name
        try:
            zone = zoneinfo.ZoneInfo(self.tz)
            local = datetime.fromtimestamp(now, zone)
            offset_delta = local.utcoffset()
            offset = int(offset_delta.total_seconds()) if offset_delta is not None else 0
            label = local.tzname() or self.tz
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            offset, label = 0, self.tz
        profile: Args = {
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": self.name,
            "display_name_normalized": self.name,
            "status_text": "",
            "status_emoji": "",
            "avatar_hash": "g0000000000",
            "image_24": "https://secure.gravatar.com/avatar/0.png",
            "image_48": "https://secure.gravatar.com/avatar/0.png",
            "team": team_id,
        }
        if self.email:
            profile["email"] = self.email
        if self.bot_id:
            profile["bot_id"] = self.bot_id
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "deleted": self.deleted,
            "color": "9f69e7",
            "real_name": real_name,
            "tz": self.tz,
            "tz_label": label,
            "tz_offset": offset,
            "profile": profile,
            "is_admin": False,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": self.is_app_user,
            "updated": _DEFAULT_TS_BASE,
            "has_2fa": False,
        }


@dataclass
class Channel:
    """A conversation: public/private channel or the bot's DM with one user."""

    id: str
    name: str
    members: list[str] = field(default_factory=list)
    is_private: bool = False
    is_im: bool = False
    user: str | None = None
    is_archived: bool = False

    def to_slack(self, bot_user_id: str) -> Args:
        if self.is_im:
            return {
                "id": self.id,
                "created": _DEFAULT_TS_BASE,
                "is_im": True,
                "is_org_shared": False,
                "user": self.user,
                "is_user_deleted": False,
                "priority": 0,
            }
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": not self.is_private,
            "is_group": self.is_private,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.is_private,
            "created": _DEFAULT_TS_BASE,
            "is_archived": self.is_archived,
            "is_general": False,
            "unlinked": 0,
            "name_normalized": self.name,
            "is_shared": False,
            "is_org_shared": False,
            "is_member": bot_user_id in self.members,
            "num_members": len(self.members),
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }


@dataclass
class Message:
    """A message stored in a channel, as ``conversations.history`` would return it."""

    channel: str
    ts: str
    text: str
    user: str
    blocks: list[Args] | None = None
    attachments: list[Args] | None = None
    metadata: Args | None = None
    thread_ts: str | None = None
    reply_broadcast: bool = False
    bot_id: str | None = None
    app_id: str | None = None
    team: str | None = None
    files: list[Args] | None = None
    edited: Args | None = None

    @property
    def all_text(self) -> str:
        return visible_text(self.text, self.blocks)

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    def to_slack(self, *, include_metadata: bool = True) -> Args:
        out: Args = {"user": self.user, "type": "message", "ts": self.ts, "text": self.text}
        if self.bot_id:
            out["bot_id"] = self.bot_id
            out["app_id"] = self.app_id
            out["bot_profile"] = {
                "id": self.bot_id,
                "app_id": self.app_id,
                "name": "Huddle",
                "icons": {"image_36": "https://a.slack-edge.com/80588/img/plugins/app/bot_36.png"},
                "deleted": False,
                "updated": _DEFAULT_TS_BASE,
                "team_id": self.team,
            }
        if self.team:
            out["team"] = self.team
        if self.blocks is not None:
            out["blocks"] = self.blocks
        if self.attachments is not None:
            out["attachments"] = self.attachments
        if self.files is not None:
            out["files"] = self.files
            out["upload"] = False
        if self.thread_ts is not None:
            out["thread_ts"] = self.thread_ts
        if self.reply_broadcast:
            out["subtype"] = "thread_broadcast"
        if self.edited is not None:
            out["edited"] = self.edited
        if include_metadata and self.metadata is not None:
            out["metadata"] = self.metadata
        return out


@dataclass(frozen=True)
class Ephemeral:
    """A ``chat.postEphemeral`` message: only ``user`` ever sees it."""

    channel: str
    user: str
    message_ts: str
    text: str
    blocks: list[Args] | None
    thread_ts: str | None
    at: float

    @property
    def all_text(self) -> str:
        return visible_text(self.text, self.blocks)


@dataclass(frozen=True)
class ResponseUrlPost:
    """A post to a ``response_url`` (the way Bolt's ``respond()`` answers a user)."""

    id: str
    url: str
    body: Args
    at: float
    accepted: bool

    @property
    def text(self) -> str:
        return str(self.body.get("text") or "")

    @property
    def blocks(self) -> list[Args] | None:
        blocks = self.body.get("blocks")
        return cast(list[Args], blocks) if isinstance(blocks, list) else None

    @property
    def all_text(self) -> str:
        return visible_text(self.text, self.blocks)

    @property
    def response_type(self) -> str:
        return str(self.body.get("response_type") or "ephemeral")

    @property
    def replace_original(self) -> bool:
        return _truthy(self.body.get("replace_original"))

    @property
    def delete_original(self) -> bool:
        return _truthy(self.body.get("delete_original"))


@dataclass
class UploadedFile:
    """A file created through ``files.getUploadURLExternal`` and friends."""

    id: str
    filename: str
    length: int
    title: str | None = None
    alt_txt: str | None = None
    snippet_type: str | None = None
    content: bytes | None = None
    completed: bool = False
    channels: list[str] = field(default_factory=list)
    initial_comment: str | None = None
    thread_ts: str | None = None

    def to_slack(self, team_id: str, bot_user_id: str) -> Args:
        return {
            "id": self.id,
            "created": _DEFAULT_TS_BASE,
            "timestamp": _DEFAULT_TS_BASE,
            "name": self.filename,
            "title": self.title or self.filename,
            "mimetype": "text/plain",
            "filetype": "text",
            "pretty_type": "Plain Text",
            "user": bot_user_id,
            "user_team": team_id,
            "editable": False,
            "size": len(self.content or b""),
            "mode": "hosted",
            "is_external": False,
            "is_public": bool(self.channels),
            "url_private": f"https://files.slack.com/files-pri/{team_id}-{self.id}/{self.filename}",
            "permalink": f"https://huddle.slack.com/files/{bot_user_id}/{self.id}/{self.filename}",
        }


@dataclass(frozen=True)
class _ResponseUrlContext:
    channel_id: str | None
    user_id: str | None
    message_ts: str | None


class _ApiError(Exception):
    """An ``ok: false`` answer; ``extra`` lands next to ``error`` in the body."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


class _Rejected(_ApiError):
    """A payload Slack refuses; remembered in ``rejections`` as well as answered."""

    def __init__(self, error: str, errors: list[str]) -> None:
        messages = [f"[ERROR] {e}" for e in errors]
        extra: Args = {"response_metadata": {"messages": messages}} if errors else {}
        if errors and error in ("invalid_blocks", "invalid_blocks_format"):
            extra["errors"] = errors
        super().__init__(error, **extra)
        self.errors = errors


# ---------------------------------------------------------------- Block Kit checks


def visible_text(text: Any, blocks: Any = None) -> str:
    """Everything a person could read: the text plus every string in the blocks.

    Handy for assertions (``"1 meeting to go" in msg.all_text``) that should not
    care whether the words sit in ``text``, a section, a field or a context block.
    """
    parts: list[str] = [str(text)] if text else []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    parts.append(value)
                elif key not in ("action_id", "block_id", "value", "url", "image_url", "type"):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return "\n".join(parts)


def _ptr(path: str) -> str:
    return f"[json-pointer:{path}]"


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))


def _text_of(obj: Any) -> Any:
    return obj.get("text") if isinstance(obj, dict) else obj


def _check_len(value: Any, limit: int, path: str, errors: list[str]) -> None:
    if isinstance(value, str) and len(value) > limit:
        errors.append(f"must be less than {limit + 1} characters {_ptr(path)}")


def _check_count(items: Any, limit: int, path: str, errors: list[str]) -> None:
    if isinstance(items, list) and len(items) > limit:
        errors.append(f"must provide an array with no more than {limit} items {_ptr(path)}")


def _element_limit_errors(element: Any, path: str) -> list[str]:
    """Slack's documented limits for interactive elements (the SDK misses some)."""
    errors: list[str] = []
    if not isinstance(element, dict):
        return errors
    _check_len(element.get("action_id"), 255, f"{path}/action_id", errors)
    _check_len(element.get("value"), 2000, f"{path}/value", errors)
    _check_len(element.get("url"), 3000, f"{path}/url", errors)
    if element.get("type") == "button":
        _check_len(_text_of(element.get("text")), 75, f"{path}/text/text", errors)
    options = element.get("options")
    if isinstance(options, list):
        _check_count(options, 100, f"{path}/options", errors)
        for i, option in enumerate(options):
            if isinstance(option, dict):
                _check_len(
                    _text_of(option.get("text")), 75, f"{path}/options/{i}/text/text", errors
                )
                _check_len(option.get("value"), 150, f"{path}/options/{i}/value", errors)
    return errors


def _block_limit_errors(block: Args, path: str) -> list[str]:
    """Slack's documented per-block limits, checked independently of the SDK."""
    errors: list[str] = []
    kind = block.get("type")
    _check_len(block.get("block_id"), 255, f"{path}/block_id", errors)
    if kind == "section":
        _check_len(_text_of(block.get("text")), 3000, f"{path}/text/text", errors)
        fields = block.get("fields")
        _check_count(fields, 10, f"{path}/fields", errors)
        if isinstance(fields, list):
            for i, item in enumerate(fields):
                _check_len(_text_of(item), 2000, f"{path}/fields/{i}/text", errors)
        if block.get("accessory") is not None:
            errors += _element_limit_errors(block["accessory"], f"{path}/accessory")
    elif kind == "header":
        _check_len(_text_of(block.get("text")), 150, f"{path}/text/text", errors)
    elif kind in ("actions", "context"):
        elements = block.get("elements")
        _check_count(elements, 25 if kind == "actions" else 10, f"{path}/elements", errors)
        if isinstance(elements, list):
            for i, element in enumerate(elements):
                errors += _element_limit_errors(element, f"{path}/elements/{i}")
    elif kind == "input":
        _check_len(_text_of(block.get("label")), 2000, f"{path}/label/text", errors)
        _check_len(_text_of(block.get("hint")), 2000, f"{path}/hint/text", errors)
        errors += _element_limit_errors(block.get("element"), f"{path}/element")
    elif kind == "image":
        _check_len(block.get("alt_text"), 2000, f"{path}/alt_text", errors)
        _check_len(block.get("image_url"), 3000, f"{path}/image_url", errors)
    elif kind == "markdown":
        _check_len(block.get("text"), 12000, f"{path}/text", errors)
    return errors


def _roundtrip_errors(raw: Any, out: Any, path: str) -> list[str]:
    """What the SDK dropped or reshaped while parsing is what Slack would reject.

    The SDK ignores unknown properties and turns unknown element types into None, and
    it quietly promotes a bare string into a text object; Slack refuses all three.
    """
    if isinstance(raw, dict):
        if not isinstance(out, dict):
            return [f"expected {type(out).__name__}, got object {_ptr(path)}"]
        errors: list[str] = []
        for key, value in raw.items():
            if key not in out:
                if value not in (None, [], {}):
                    errors.append(f"invalid additional property: {key} {_ptr(path)}")
                continue
            errors += _roundtrip_errors(value, out[key], f"{path}/{key}")
        return errors
    if isinstance(raw, list):
        if not isinstance(out, list):
            return [f"expected {type(out).__name__}, got array {_ptr(path)}"]
        errors = []
        for i, (raw_item, out_item) in enumerate(zip(raw, out, strict=False)):
            if out_item is None and raw_item is not None:
                kind = raw_item.get("type") if isinstance(raw_item, dict) else raw_item
                errors.append(f"unsupported type: {kind} {_ptr(f'{path}/{i}')}")
            else:
                errors += _roundtrip_errors(raw_item, out_item, f"{path}/{i}")
        return errors
    if isinstance(out, dict | list):
        return [f"expected object, got {type(raw).__name__} {_ptr(path)}"]
    return []


def block_errors(
    blocks: Any, *, max_blocks: int = _MAX_MESSAGE_BLOCKS, path: str = "/blocks"
) -> list[str]:
    """Every reason Slack would refuse ``blocks``; empty when Slack would accept them."""
    if not isinstance(blocks, list):
        return [f"must be an array {_ptr(path)}"]
    errors: list[str] = []
    _check_count(blocks, max_blocks, path, errors)
    for i, raw in enumerate(blocks):
        here = f"{path}/{i}"
        if not isinstance(raw, dict):
            errors.append(f"expected object {_ptr(here)}")
            continue
        errors += _block_limit_errors(raw, here)
        try:
            parsed = Block.parse(raw)
            if parsed is None or type(parsed) is Block:
                errors.append(f"unsupported block type: {raw.get('type')} {_ptr(here)}")
                continue
            out = parsed.to_dict()
        except SlackObjectFormationError as exc:
            errors.append(f"{exc} {_ptr(here)}")
            continue
        except Exception as exc:  # the SDK raises TypeError/KeyError on malformed input
            errors.append(f"invalid block ({type(exc).__name__}: {exc}) {_ptr(here)}")
            continue
        errors += _roundtrip_errors(raw, out, here)
    return list(dict.fromkeys(errors))


def view_errors(view: Any, *, path: str = "/view") -> list[str]:
    """Every reason Slack would refuse a modal or Home tab ``view``."""
    if not isinstance(view, dict):
        return [f"must be an object {_ptr(path)}"]
    errors: list[str] = []
    kind = view.get("type")
    if kind not in ("modal", "home"):
        errors.append(f"must be one of modal, home {_ptr(f'{path}/type')}")
    if kind == "modal" and not view.get("title"):
        errors.append(f"missing required field: title {_ptr(path)}")
    if "blocks" not in view:
        errors.append(f"missing required field: blocks {_ptr(path)}")
    else:
        errors += block_errors(view["blocks"], max_blocks=_MAX_VIEW_BLOCKS, path=f"{path}/blocks")
    _check_len(view.get("private_metadata"), 3000, f"{path}/private_metadata", errors)
    _check_len(view.get("callback_id"), 255, f"{path}/callback_id", errors)
    rest = {k: v for k, v in view.items() if k != "blocks"}
    try:
        # A placeholder block: the SDK insists on 1..100 blocks, counted above already.
        out = View(**rest, blocks=[{"type": "divider"}]).to_dict()
    except SlackObjectFormationError as exc:
        errors.append(f"{exc} {_ptr(path)}")
    except Exception as exc:
        errors.append(f"invalid view ({type(exc).__name__}: {exc}) {_ptr(path)}")
    else:
        out.pop("blocks", None)
        errors += _roundtrip_errors(rest, out, path)
    return list(dict.fromkeys(errors))


# ------------------------------------------------------------------ arg helpers


def _opt_str(args: Args, key: str) -> str | None:
    value = args.get(key)
    if value is None or value == "":
        return None
    return str(value)


def _req_str(args: Args, key: str, error: str = "invalid_arguments") -> str:
    value = _opt_str(args, key)
    if value is None:
        raise _ApiError(
            error, response_metadata={"messages": [f"[ERROR] missing required field: {key}"]}
        )
    return value


def _int(args: Args, key: str, default: int) -> int:
    value = args.get(key)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise _ApiError("invalid_arguments") from exc


def _ts_micros(ts: str, error: str = "invalid_arguments") -> int:
    try:
        micros = int(Decimal(ts) * 1_000_000)
    except (InvalidOperation, ValueError, ArithmeticError) as exc:
        raise _ApiError(error) from exc
    if micros <= 0:
        raise _ApiError(error)
    return micros


def _encode_cursor(kind: str, offset: int) -> str:
    return base64.b64encode(f"{kind}:{offset}".encode()).decode()


def _decode_cursor(kind: str, cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        prefix, _, number = base64.b64decode(cursor.encode(), validate=True).decode().partition(":")
        if prefix != kind:
            raise ValueError(prefix)
        return int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise _ApiError("invalid_cursor") from exc


# ------------------------------------------------------------------- the server


class SlackWebAPIStandIn:
    """Slack's Web API on ``127.0.0.1``, for tests and ``huddle demo``.

    Use as ``async with SlackWebAPIStandIn() as slack:`` and point the app's
    ``AsyncWebClient(base_url=slack.api_url)`` at it. Every request is kept in
    :attr:`calls`; payloads Slack would refuse are answered with Slack's error and
    kept in :attr:`rejections`.
    """

    def __init__(
        self,
        *,
        team_id: str = "T0HUDDLE",
        team_name: str = "Huddle",
        team_domain: str = "huddle",
        bot_user_id: str = "UHUDDLEBOT",
        bot_id: str = "B0HUDDLE",
        app_id: str = "A0HUDDLE",
        bot_name: str = "huddle",
        token_prefixes: Iterable[str] = ("xoxb-",),
        valid_tokens: Iterable[str] | None = None,
        page_size_cap: int | None = None,
        clock: Callable[[], float] = time.time,
        ts_clock: Callable[[], float] | None = None,
        ts_base: int = _DEFAULT_TS_BASE,
    ) -> None:
        """``page_size_cap`` forces short pages (Slack may return fewer than ``limit``).

        Message ``ts`` values are deterministic (``ts_base`` plus 100 µs per message)
        unless ``ts_clock`` is given, in which case they follow that clock (kept
        strictly increasing) so history filters by time behave like the app expects.
        """
        self.team_id = team_id
        self.team_name = team_name
        self.team_domain = team_domain
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self.token_prefixes = tuple(token_prefixes)
        self.valid_tokens = frozenset(valid_tokens) if valid_tokens is not None else None
        self.page_size_cap = page_size_cap
        self._clock = clock
        self._ts_clock = ts_clock
        self._last_ts_micros = ts_base * 1_000_000

        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.messages: dict[str, list[Message]] = {}
        self.deleted_messages: list[Message] = []
        self.ephemerals: list[Ephemeral] = []
        self.views: dict[str, Args] = {}
        self.home_views: dict[str, Args] = {}
        self.files: dict[str, UploadedFile] = {}
        self.calls: list[RecordedCall] = []
        self.rejections: list[Rejection] = []
        self.responses: list[ResponseUrlPost] = []
        self.answers: list[str] = []
        """The app's HTTP answers to requests Slack sent it (recorded by
        :class:`bot.standin.SignedSlackClient`): they reach Slack too."""
        self._faults: list[Fault] = []
        self._response_ctx: dict[str, _ResponseUrlContext] = {}
        self._response_uses: dict[str, int] = {}
        self._counter = 0
        self._cond: asyncio.Condition | None = None
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

        self.add_user(bot_user_id, bot_name, is_bot=True, real_name="Huddle")
        self.users[bot_user_id].bot_id = bot_id
        self.add_user("USLACKBOT", "slackbot", real_name="Slackbot")  # not is_bot, as in Slack

        self._handlers: dict[str, Callable[[Args, float], Args]] = {
            "api.test": self._api_test,
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.getPermalink": self._chat_get_permalink,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.join": self._conversations_join,
            "conversations.members": self._conversations_members,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "views.publish": self._views_publish,
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.update": self._views_update,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
        }

    # ----------------------------------------------------------------- lifecycle

    async def __aenter__(self) -> SlackWebAPIStandIn:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Listen on an OS-chosen port of 127.0.0.1 (never a fixed port: tests run in parallel)."""
        if self._runner is not None:
            return
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/response/{key}", self._handle_response_url)
        app.router.add_post("/upload/{file_id}", self._handle_upload)
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
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("SlackWebAPIStandIn is not started")
        return self._port

    @property
    def url(self) -> str:
        """Root URL, e.g. ``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """Base for ``AsyncWebClient(base_url=...)``; the trailing slash is required."""
        return f"{self.url}/api/"

    def response_url(
        self,
        key: str | None = None,
        *,
        channel_id: str | None = None,
        user_id: str | None = None,
        message_ts: str | None = None,
    ) -> str:
        """A fresh ``response_url`` on this server, as Slack puts in commands and actions.

        ``message_ts`` names the (non-ephemeral) message an action came from, so that
        ``replace_original`` / ``delete_original`` act on it as they would in Slack.
        """
        key = key or f"R{self._next_id():07d}"
        self._response_ctx[key] = _ResponseUrlContext(channel_id, user_id, message_ts)
        return f"{self.url}/response/{key}"

    def now(self) -> float:
        """The stand-in's clock (the one ``RecordedCall.at`` uses)."""
        return self._clock()

    def new_trigger_id(self) -> str:
        """A trigger id shaped like Slack's (``views.open`` requires one)."""
        n = self._next_id()
        return f"{n}.{n * 7919}.{n:032x}"

    # ------------------------------------------------------------ workspace setup

    def add_user(
        self,
        user_id: str,
        name: str,
        tz: str = "America/New_York",
        *,
        is_bot: bool = False,
        deleted: bool = False,
        real_name: str | None = None,
        email: str | None = None,
    ) -> User:
        user = User(
            user_id, name, tz, is_bot=is_bot, deleted=deleted, real_name=real_name, email=email
        )
        self.users[user_id] = user
        return user

    def add_channel(
        self,
        channel_id: str,
        members: Iterable[str] = (),
        *,
        name: str | None = None,
        include_bot: bool = True,
        is_private: bool = False,
    ) -> Channel:
        """A channel; the app's bot user is a member unless ``include_bot=False``.

        Members are listed as given (users need not exist, as in Slack's eventual
        consistency); the bot, being a real member, shows up in ``conversations.members``.
        """
        member_list = list(dict.fromkeys(members))
        if include_bot and self.bot_user_id not in member_list:
            member_list.append(self.bot_user_id)
        channel = Channel(
            channel_id, name or channel_id.lower(), member_list, is_private=is_private
        )
        self.channels[channel_id] = channel
        self.messages.setdefault(channel_id, [])
        return channel

    def add_member(self, channel_id: str, user_id: str) -> None:
        members = self.channels[channel_id].members
        if user_id not in members:
            members.append(user_id)

    def remove_member(self, channel_id: str, user_id: str) -> None:
        members = self.channels[channel_id].members
        if user_id in members:
            members.remove(user_id)

    def add_message(
        self,
        channel_id: str,
        text: str,
        *,
        user: str,
        thread_ts: str | None = None,
        blocks: list[Args] | None = None,
    ) -> Message:
        """Seed a message a person wrote (setup only; not recorded as a call)."""
        channel = self._resolve_channel(channel_id)
        message = Message(
            channel.id, self._next_ts(), text, user, blocks=blocks, thread_ts=thread_ts
        )
        self.messages[channel.id].append(message)
        return message

    # ------------------------------------------------------------------- faults

    def fail(
        self,
        method: str = "*",
        times: int = 1,
        *,
        status: int = 429,
        retry_after: int = 1,
        mode: FaultMode = "status",
        seconds: float = 0.0,
        error: str | None = None,
    ) -> Fault:
        """Make the next ``times`` calls to ``method`` (or ``"*"``) fail.

        Modes: ``status`` answers HTTP ``status`` (429 carries ``Retry-After`` and
        ``ratelimited``); ``error`` answers HTTP 200 ``{"ok": false, "error": error}``;
        ``status_after`` applies the call, then answers HTTP ``status`` all the same
        (Slack did the work but said it failed); ``drop`` closes the connection
        without applying the call; ``drop_after`` applies it, then closes the
        connection (the caller cannot know it worked);
        ``delay`` answers normally after ``seconds``.
        """
        if mode == "error" and not error:
            raise ValueError("mode='error' needs error=...")
        fault = Fault(method, times, mode, status, retry_after, seconds, error)
        self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self._faults.clear()

    def _take_fault(self, method: str) -> Fault | None:
        for fault in self._faults:
            if fault.matches(method):
                fault.remaining -= 1
                return fault
        return None

    # ----------------------------------------------------------- test accessors

    def calls_to(self, method: str, *, applied_only: bool = True) -> list[RecordedCall]:
        """Calls to ``method``; by default only those that took effect."""
        return [c for c in self.calls if c.method == method and (c.applied or not applied_only)]

    @property
    def failed_calls(self) -> list[RecordedCall]:
        return [c for c in self.calls if not c.applied]

    def messages_in(self, channel: str) -> list[Message]:
        """Messages in a channel (or DM, given a user id), oldest first, replies included."""
        channel_id = self._dm_id(channel) if channel[:1] in ("U", "W") else channel
        return list(self.messages.get(channel_id, []))

    def top_level_messages(self, channel: str) -> list[Message]:
        return [m for m in self.messages_in(channel) if not m.is_reply]

    def thread(self, channel: str, thread_ts: str) -> list[Message]:
        return [
            m for m in self.messages_in(channel) if m.ts == thread_ts or m.thread_ts == thread_ts
        ]

    def dms_to(self, user_id: str) -> list[Message]:
        return self.messages_in(self._dm_id(user_id))

    def ephemerals_to(self, user_id: str) -> list[Ephemeral]:
        return [e for e in self.ephemerals if e.user == user_id]

    def responses_to(self, url_or_key: str) -> list[ResponseUrlPost]:
        key = url_or_key.rstrip("/").rsplit("/", 1)[-1]
        return [r for r in self.responses if r.id == key]

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[RecordedCall], bool] | None = None,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline per wait reads best in tests
        *,
        applied_only: bool = True,
    ) -> list[RecordedCall]:
        """Wait until ``count`` matching calls were recorded; return them.

        Apps post announcements after acknowledging a request, so a test must wait
        for the post rather than look for it right after the HTTP answer.
        """

        def matching() -> list[RecordedCall]:
            return [
                c
                for c in self.calls_to(method, applied_only=applied_only)
                if predicate is None or predicate(c)
            ]

        await self.wait_until(
            lambda: len(matching()) >= count, timeout=timeout, what=f"{count} x {method}"
        )
        return matching()

    async def wait_until(
        self,
        condition: Callable[[], bool],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
        what: str = "",
    ) -> None:
        """Wait until ``condition()`` holds, re-checking after every recorded request."""
        cond = self._condition()
        try:
            async with cond:
                await asyncio.wait_for(cond.wait_for(condition), timeout)
        except TimeoutError:
            seen = ", ".join(f"{c.method}({c.outcome})" for c in self.calls) or "nothing"
            raise TimeoutError(
                f"timed out after {timeout}s waiting for {what or 'condition'}; saw: {seen}"
            ) from None

    def _condition(self) -> asyncio.Condition:
        if self._cond is None:
            self._cond = asyncio.Condition()
        return self._cond

    async def _record(self, call: RecordedCall) -> None:
        self.calls.append(call)
        cond = self._condition()
        async with cond:
            cond.notify_all()

    # ------------------------------------------------------------ HTTP handlers

    async def _read_args(self, request: web.Request) -> tuple[Args, str | None]:
        args: Args = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except json.JSONDecodeError:
                    body = None
                if isinstance(body, dict):
                    args.update(body)
            else:
                form = await request.post()
                for key, value in form.items():
                    args[key] = (
                        value if isinstance(value, str | bytes | bytearray) else value.file.read()
                    )
        for key in _JSON_FIELDS & args.keys():
            value = args[key]
            if isinstance(value, str) and value[:1] in ("[", "{"):
                # Undecodable JSON stays a string: the handler reports Slack's *_format error.
                with contextlib.suppress(json.JSONDecodeError):
                    args[key] = json.loads(value)
        token: str | None = None
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            token = auth.removeprefix("Bearer ").strip()
        body_token = args.pop("token", None)
        if not token and isinstance(body_token, str):
            token = body_token
        return args, token

    def _auth_error(self, token: str | None) -> str | None:
        if not token:
            return "not_authed"
        if self.valid_tokens is not None:
            return None if token in self.valid_tokens else "invalid_auth"
        return None if token.startswith(self.token_prefixes) else "invalid_auth"

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        args, token = await self._read_args(request)
        at = self._clock()
        auth_error = self._auth_error(token)
        if auth_error is not None:
            body: Args = {"ok": False, "error": auth_error}
            await self._record(RecordedCall(method, args, at, "error", body))
            return web.json_response(body)

        fault = self._take_fault(method)
        if fault is not None:
            early = await self._apply_fault_before(request, method, args, at, fault)
            if early is not None:
                return early

        body, outcome = self._dispatch(method, args, at)
        if fault is not None and fault.mode == "drop_after":
            await self._record(RecordedCall(method, args, at, "dropped_after", body, fault))
            return self._drop(request)
        if fault is not None and fault.mode == "status_after":
            answer, headers = self._status_answer(fault)
            await self._record(RecordedCall(method, args, at, "fault_after", answer, fault))
            return web.json_response(answer, status=fault.status, headers=headers)
        await self._record(RecordedCall(method, args, at, outcome, body, fault))
        headers = {
            "X-OAuth-Scopes": "chat:write,commands,users:read,channels:read,groups:read,im:write"
        }
        return web.json_response(body, headers=headers if method == "auth.test" else None)

    async def _apply_fault_before(
        self, request: web.Request, method: str, args: Args, at: float, fault: Fault
    ) -> web.StreamResponse | None:
        """Carry out the part of a fault that happens before the call is applied."""
        if fault.mode == "delay":
            await asyncio.sleep(fault.seconds)
            return None
        if fault.mode in ("drop_after", "status_after"):
            return None
        if fault.mode == "drop":
            await self._record(RecordedCall(method, args, at, "dropped", None, fault))
            return self._drop(request)
        if fault.mode == "error":
            body: Args = {"ok": False, "error": fault.error}
            await self._record(RecordedCall(method, args, at, "fault", body, fault))
            return web.json_response(body)
        body, headers = self._status_answer(fault)
        await self._record(RecordedCall(method, args, at, "fault", body, fault))
        return web.json_response(body, status=fault.status, headers=headers)

    @staticmethod
    def _status_answer(fault: Fault) -> tuple[Args, dict[str, str]]:
        """Slack's body and headers for an HTTP error status."""
        if fault.status == 429:
            return {"ok": False, "error": "ratelimited"}, {"Retry-After": str(fault.retry_after)}
        error = {500: "fatal_error", 503: "service_unavailable"}.get(fault.status, "internal_error")
        return {"ok": False, "error": error}, {}

    @staticmethod
    def _drop(request: web.Request) -> web.StreamResponse:
        """Close the connection with no answer; the client sees ServerDisconnectedError."""
        if request.transport is not None:
            request.transport.abort()
        return web.Response()

    def _dispatch(self, method: str, args: Args, at: float) -> tuple[Args, Outcome]:
        handler = self._handlers.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method", "req_method": method}, "error"
        try:
            result = handler(args, at)
        except _Rejected as exc:
            self.rejections.append(Rejection(method, exc.error, exc.errors, args, at))
            return {"ok": False, "error": exc.error, **exc.extra}, "rejected"
        except _ApiError as exc:
            return {"ok": False, "error": exc.error, **exc.extra}, "error"
        return {"ok": True, **result}, "ok"

    async def _handle_response_url(self, request: web.Request) -> web.StreamResponse:
        key = request.match_info["key"]
        at = self._clock()
        raw = await request.read()
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            body = None
        args: Args = body if isinstance(body, dict) else {"_raw": raw.decode(errors="replace")}
        url = f"{self.url}/response/{key}"

        fault = self._take_fault(RESPONSE_URL_METHOD)
        if fault is not None:
            early = await self._apply_fault_before(request, RESPONSE_URL_METHOD, args, at, fault)
            if early is not None:
                return early

        status = 200
        outcome: Outcome = "ok"
        answer: Args = {"ok": True}
        try:
            if not isinstance(body, dict):
                raise _ApiError("invalid_payload")
            self._response_uses[key] = self._response_uses.get(key, 0) + 1
            if self._response_uses[key] > _MAX_RESPONSE_URL_USES:
                raise _ApiError("used_url")
            self._apply_response_url(key, body, at)
        except _Rejected as exc:
            self.rejections.append(Rejection(RESPONSE_URL_METHOD, exc.error, exc.errors, args, at))
            status, outcome = 400, "rejected"
            answer = {"ok": False, "error": exc.error, **exc.extra}
        except _ApiError as exc:
            status, outcome = (404 if exc.error == "used_url" else 400), "error"
            answer = {"ok": False, "error": exc.error}
        self.responses.append(ResponseUrlPost(key, url, args, at, outcome == "ok"))
        if fault is not None and fault.mode == "drop_after":
            await self._record(
                RecordedCall(
                    RESPONSE_URL_METHOD,
                    {**args, "response_url": url},
                    at,
                    "dropped_after",
                    answer,
                    fault,
                )
            )
            return self._drop(request)
        await self._record(
            RecordedCall(
                RESPONSE_URL_METHOD, {**args, "response_url": url}, at, outcome, answer, fault
            )
        )
        return web.json_response(answer, status=status)

    def _apply_response_url(self, key: str, body: Args, at: float) -> None:
        delete = _truthy(body.get("delete_original"))
        if not delete:
            self._check_message_payload(body, require_content=True)
        ctx = self._response_ctx.get(key)
        if ctx is None or ctx.channel_id is None:
            return
        original = self._find_message(ctx.channel_id, ctx.message_ts) if ctx.message_ts else None
        if delete and original is not None:
            self._delete_message(original)
        elif _truthy(body.get("replace_original")) and original is not None:
            original.text = str(body.get("text") or "")
            original.blocks = body.get("blocks")
            original.edited = {"user": self.bot_user_id, "ts": self._next_ts()}
        elif body.get("response_type") == "in_channel" and not _truthy(
            body.get("replace_original")
        ):
            channel = self._resolve_channel(ctx.channel_id)
            message = self._bot_message(channel.id, body, thread_ts=_opt_str(body, "thread_ts"))
            self.messages[channel.id].append(message)

    async def _handle_upload(self, request: web.Request) -> web.StreamResponse:
        """The ``upload_url`` from files.getUploadURLExternal; answers like files.slack.com."""
        file_id = request.match_info["file_id"]
        at = self._clock()
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            part = next(iter(form.values()), b"")
            if isinstance(part, str):
                data = part.encode()
            elif isinstance(part, bytes | bytearray):
                data = bytes(part)
            else:
                data = part.file.read()
        else:
            data = await request.read()
        args: Args = {"file_id": file_id, "size": len(data)}
        fault = self._take_fault(UPLOAD_METHOD)
        if fault is not None:
            early = await self._apply_fault_before(request, UPLOAD_METHOD, args, at, fault)
            if early is not None:
                return early
        upload = self.files.get(file_id)
        if upload is None:
            await self._record(RecordedCall(UPLOAD_METHOD, args, at, "error"))
            return web.Response(status=404, text="file_not_found", content_type="text/plain")
        upload.content = data
        await self._record(RecordedCall(UPLOAD_METHOD, args, at, "ok", fault=fault))
        return web.Response(text=f"OK - {len(data)}", content_type="text/plain")

    # ------------------------------------------------------------------ state

    def _next_id(self) -> int:
        self._counter += 1
        return self._counter

    def _next_ts(self) -> str:
        """Unique, strictly increasing message timestamps, formatted like Slack's."""
        candidate = self._last_ts_micros + 100
        if self._ts_clock is not None:
            candidate = max(int(self._ts_clock() * 1_000_000), self._last_ts_micros + 1)
        self._last_ts_micros = candidate
        return f"{candidate // 1_000_000}.{candidate % 1_000_000:06d}"

    def _dm_id(self, user_id: str) -> str:
        return f"D{user_id}"

    def _open_dm(self, user_id: str) -> Channel:
        user = self.users.get(user_id)
        if user is None:
            raise _ApiError("user_not_found")
        if user.deleted:
            raise _ApiError("user_disabled")
        if user.is_bot and user_id != self.bot_user_id:
            raise _ApiError("cannot_dm_bot")
        dm_id = self._dm_id(user_id)
        if dm_id not in self.channels:
            self.channels[dm_id] = Channel(
                dm_id, dm_id, [user_id, self.bot_user_id], is_im=True, user=user_id
            )
            self.messages.setdefault(dm_id, [])
        return self.channels[dm_id]

    def _resolve_channel(self, channel_id: str) -> Channel:
        """A channel id, a DM id ("D" + user id) or a user id (meaning the bot's DM)."""
        if channel_id in self.channels:
            return self.channels[channel_id]
        if channel_id[:1] in ("U", "W") and channel_id in self.users:
            return self._open_dm(channel_id)
        if channel_id.startswith("D") and channel_id[1:] in self.users:
            return self._open_dm(channel_id[1:])
        raise _ApiError("channel_not_found")

    def _postable_channel(self, channel_id: str) -> Channel:
        channel = self._resolve_channel(channel_id)
        if channel.is_archived:
            raise _ApiError("is_archived")
        if not channel.is_im and self.bot_user_id not in channel.members:
            raise _ApiError("not_in_channel")
        return channel

    def _find_message(self, channel_id: str, ts: str | None) -> Message | None:
        for message in self.messages.get(channel_id, []):
            if message.ts == ts:
                return message
        return None

    def _delete_message(self, message: Message) -> None:
        self.messages[message.channel].remove(message)
        self.deleted_messages.append(message)

    def _check_message_payload(self, args: Args, *, require_content: bool) -> None:
        text, blocks = args.get("text"), args.get("blocks")
        if require_content and not text and not blocks and not args.get("attachments"):
            raise _Rejected("no_text", [])
        if text is not None and len(str(text)) > _MAX_MESSAGE_TEXT:
            raise _Rejected(
                "msg_too_long",
                [f"must be less than {_MAX_MESSAGE_TEXT + 1} characters {_ptr('/text')}"],
            )
        if blocks is not None:
            if isinstance(blocks, str):
                raise _Rejected(
                    "invalid_blocks_format", [f"must be a JSON array {_ptr('/blocks')}"]
                )
            errors = block_errors(blocks)
            if errors:
                raise _Rejected("invalid_blocks", errors)
        attachments = args.get("attachments")
        if attachments is not None and (
            not isinstance(attachments, list) or len(attachments) > 100
        ):
            raise _Rejected(
                "too_many_attachments" if isinstance(attachments, list) else "invalid_attachments",
                [],
            )
        metadata = args.get("metadata")
        if metadata is not None:
            self._check_metadata(metadata)

    @staticmethod
    def _check_metadata(metadata: Any) -> None:
        if not isinstance(metadata, dict):
            raise _Rejected("invalid_metadata_format", [f"must be an object {_ptr('/metadata')}"])
        event_type = metadata.get("event_type")
        if not isinstance(event_type, str) or not event_type:
            raise _Rejected(
                "invalid_metadata_schema",
                [f"missing required field: event_type {_ptr('/metadata')}"],
            )
        payload = metadata.get("event_payload", {})
        if not isinstance(payload, dict):
            raise _Rejected(
                "invalid_metadata_schema", [f"must be an object {_ptr('/metadata/event_payload')}"]
            )
        if len(json.dumps(metadata)) > 8192:
            raise _Rejected("metadata_too_large", [])

    def _bot_message(self, channel_id: str, args: Args, *, thread_ts: str | None) -> Message:
        return Message(
            channel=channel_id,
            ts=self._next_ts(),
            text=str(args.get("text") or ""),
            user=self.bot_user_id,
            blocks=args.get("blocks"),
            attachments=args.get("attachments"),
            metadata=args.get("metadata"),
            thread_ts=thread_ts,
            reply_broadcast=_truthy(args.get("reply_broadcast")),
            bot_id=self.bot_id,
            app_id=self.app_id,
            team=self.team_id,
        )

    def _message_out(self, message: Message, *, include_metadata: bool = True) -> Args:
        out = message.to_slack(include_metadata=include_metadata)
        if not message.is_reply:
            replies = [
                m
                for m in self.messages.get(message.channel, [])
                if m.is_reply and m.thread_ts == message.ts
            ]
            if replies:
                users = list(dict.fromkeys(m.user for m in replies))
                out.update(
                    thread_ts=message.ts,
                    reply_count=len(replies),
                    reply_users_count=len(users),
                    latest_reply=replies[-1].ts,
                    reply_users=users,
                    is_locked=False,
                    subscribed=False,
                )
        else:
            parent = self._find_message(message.channel, message.thread_ts)
            if parent is not None:
                out["parent_user_id"] = parent.user
        return out

    def _page(
        self, items: list[Any], args: Args, kind: str, default_limit: int
    ) -> tuple[list[Any], str]:
        limit = _int(args, "limit", default_limit)
        if limit <= 0:
            limit = len(items) or 1
        limit = min(limit, 1000)
        if self.page_size_cap is not None:
            limit = min(limit, self.page_size_cap)
        offset = _decode_cursor(kind, _opt_str(args, "cursor"))
        page = items[offset : offset + limit]
        end = offset + len(page)
        return page, (_encode_cursor(kind, end) if end < len(items) else "")

    # ------------------------------------------------------------- API methods

    def _api_test(self, args: Args, at: float) -> Args:
        return {"args": {k: v for k, v in args.items() if isinstance(v, str)}}

    def _auth_test(self, args: Args, at: float) -> Args:
        return {
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_name,
            "user": self.users[self.bot_user_id].name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, args: Args, at: float) -> Args:
        channel = self._postable_channel(_req_str(args, "channel", "channel_not_found"))
        self._check_message_payload(args, require_content=True)
        thread_ts = _opt_str(args, "thread_ts")
        if thread_ts is not None:
            # Slack answers a malformed ts with invalid_thread_ts; for a parent that does not
            # exist it may accept the post and show it nowhere, so fail loudly here instead.
            _ts_micros(thread_ts, "invalid_thread_ts")
            parent = self._find_message(channel.id, thread_ts)
            if parent is None:
                raise _ApiError("thread_not_found")
            thread_ts = parent.thread_ts or parent.ts
        message = self._bot_message(channel.id, args, thread_ts=thread_ts)
        self.messages[channel.id].append(message)
        return {"channel": channel.id, "ts": message.ts, "message": self._message_out(message)}

    def _chat_update(self, args: Args, at: float) -> Args:
        channel = self._resolve_channel(_req_str(args, "channel", "channel_not_found"))
        message = self._find_message(channel.id, _req_str(args, "ts", "message_not_found"))
        if message is None:
            raise _ApiError("message_not_found")
        if message.user != self.bot_user_id:
            raise _ApiError("cant_update_message")
        self._check_message_payload(args, require_content=False)
        if "text" in args:
            message.text = str(args["text"] or "")
        if "blocks" in args:
            message.blocks = args["blocks"] or None
        if "attachments" in args:
            message.attachments = args["attachments"]
        if "metadata" in args:
            message.metadata = args["metadata"]
        if not message.text and not message.blocks and not message.attachments:
            raise _Rejected("no_text", [])
        message.edited = {"user": self.bot_user_id, "ts": self._next_ts()}
        out = self._message_out(message)
        return {"channel": channel.id, "ts": message.ts, "text": message.text, "message": out}

    def _chat_delete(self, args: Args, at: float) -> Args:
        channel = self._resolve_channel(_req_str(args, "channel", "channel_not_found"))
        message = self._find_message(channel.id, _req_str(args, "ts", "message_not_found"))
        if message is None:
            raise _ApiError("message_not_found")
        if message.user != self.bot_user_id:
            raise _ApiError("cant_delete_message")
        self._delete_message(message)
        return {"channel": channel.id, "ts": message.ts}

    def _chat_post_ephemeral(self, args: Args, at: float) -> Args:
        channel = self._postable_channel(_req_str(args, "channel", "channel_not_found"))
        user_id = _req_str(args, "user", "user_not_found")
        if user_id not in self.users:
            raise _ApiError("user_not_found")
        if user_id not in channel.members:
            raise _ApiError("user_not_in_channel")
        self._check_message_payload(args, require_content=True)
        ephemeral = Ephemeral(
            channel=channel.id,
            user=user_id,
            message_ts=self._next_ts(),
            text=str(args.get("text") or ""),
            blocks=args.get("blocks"),
            thread_ts=_opt_str(args, "thread_ts"),
            at=at,
        )
        self.ephemerals.append(ephemeral)
        return {"message_ts": ephemeral.message_ts}

    def _chat_get_permalink(self, args: Args, at: float) -> Args:
        channel = self._resolve_channel(_req_str(args, "channel", "channel_not_found"))
        ts = _req_str(args, "message_ts", "message_not_found")
        if self._find_message(channel.id, ts) is None:
            raise _ApiError("message_not_found")
        link = f"https://{self.team_domain}.slack.com/archives/{channel.id}/p{ts.replace('.', '')}"
        return {"channel": channel.id, "permalink": link}

    def _conversations_open(self, args: Args, at: float) -> Args:
        channel_arg = _opt_str(args, "channel")
        if channel_arg is not None:
            channel = self._resolve_channel(channel_arg)
            return {"channel": {"id": channel.id}, "no_op": True, "already_open": True}
        users = [
            u.strip()
            for u in _req_str(args, "users", "users_list_not_supplied").split(",")
            if u.strip()
        ]
        if len(users) != 1:
            raise _ApiError("not_supported", detail="the stand-in opens one-to-one DMs only")
        existed = self._dm_id(users[0]) in self.channels
        channel = self._open_dm(users[0])
        out: Args = {
            "channel": channel.to_slack(self.bot_user_id)
            if _truthy(args.get("return_im"))
            else {"id": channel.id}
        }
        if existed:
            out.update(no_op=True, already_open=True)
        return out

    def _conversations_info(self, args: Args, at: float) -> Args:
        channel = self._resolve_channel(_req_str(args, "channel", "channel_not_found"))
        return {"channel": channel.to_slack(self.bot_user_id)}

    def _conversations_join(self, args: Args, at: float) -> Args:
        channel = self._resolve_channel(_req_str(args, "channel", "channel_not_found"))
        if channel.is_im or channel.is_private:
            raise _ApiError("method_not_supported_for_channel_type")
        if channel.is_archived:
            raise _ApiError("is_archived")
        already = self.bot_user_id in channel.members
        self.add_member(channel.id, self.bot_user_id)
        out: Args = {"channel": channel.to_slack(self.bot_user_id)}
        if already:
            out["warning"] = "already_in_channel"
            out["response_metadata"] = {"warnings": ["already_in_channel"]}
        return out

    def _conversations_members(self, args: Args, at: float) -> Args:
        channel = self._resolve_channel(_req_str(args, "channel", "channel_not_found"))
        page, next_cursor = self._page(channel.members, args, "member", 100)
        return {"members": page, "response_metadata": {"next_cursor": next_cursor}}

    def _history_window(self, args: Args) -> Callable[[Message], bool]:
        inclusive = _truthy(args.get("inclusive"))
        oldest = _opt_str(args, "oldest")
        latest = _opt_str(args, "latest")
        low = _ts_micros(oldest, "invalid_ts_oldest") if oldest and oldest != "0" else None
        high = _ts_micros(latest, "invalid_ts_latest") if latest else None

        def inside(message: Message) -> bool:
            ts = _ts_micros(message.ts)
            if low is not None and (ts < low or (ts == low and not inclusive)):
                return False
            return not (high is not None and (ts > high or (ts == high and not inclusive)))

        return inside

    def _conversations_history(self, args: Args, at: float) -> Args:
        """Newest first, top-level messages only; metadata needs ``include_all_metadata``."""
        channel = self._resolve_channel(_req_str(args, "channel", "channel_not_found"))
        if not channel.is_im and self.bot_user_id not in channel.members:
            raise _ApiError("not_in_channel")
        inside = self._history_window(args)
        found = [
            m
            for m in reversed(self.messages.get(channel.id, []))
            if (not m.is_reply or m.reply_broadcast) and inside(m)
        ]
        page, next_cursor = self._page(found, args, "history", 100)
        with_metadata = _truthy(args.get("include_all_metadata"))
        out: Args = {
            "messages": [self._message_out(m, include_metadata=with_metadata) for m in page],
            "has_more": bool(next_cursor),
            "pin_count": 0,
            "channel_actions_ts": None,
            "channel_actions_count": 0,
        }
        if next_cursor:
            out["response_metadata"] = {"next_cursor": next_cursor}
        return out

    def _conversations_replies(self, args: Args, at: float) -> Args:
        """The parent first, then replies oldest first."""
        channel = self._resolve_channel(_req_str(args, "channel", "channel_not_found"))
        message = self._find_message(channel.id, _req_str(args, "ts", "thread_not_found"))
        if message is None:
            raise _ApiError("thread_not_found")
        root = message.thread_ts or message.ts
        inside = self._history_window(args)
        thread = [m for m in self.thread(channel.id, root) if m.ts == root or inside(m)]
        page, next_cursor = self._page(thread, args, "replies", 1000)
        with_metadata = _truthy(args.get("include_all_metadata"))
        out: Args = {
            "messages": [self._message_out(m, include_metadata=with_metadata) for m in page],
            "has_more": bool(next_cursor),
        }
        if next_cursor:
            out["response_metadata"] = {"next_cursor": next_cursor}
        return out

    def _users_info(self, args: Args, at: float) -> Args:
        user = self.users.get(_req_str(args, "user", "user_not_found"))
        if user is None:
            raise _ApiError("user_not_found")
        return {"user": user.to_slack(self.team_id, at)}

    def _users_list(self, args: Args, at: float) -> Args:
        members = [u.to_slack(self.team_id, at) for u in self.users.values()]
        page, next_cursor = self._page(members, args, "users", 0)
        return {
            "members": page,
            "cache_ts": int(at),
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _store_view(
        self, view: Args, at: float, *, view_id: str | None = None, user_id: str | None = None
    ) -> Args:
        view_id = view_id or f"V{self._next_id():08d}"
        previous = self.views.get(view_id, {})
        stored: Args = {
            "id": view_id,
            "team_id": self.team_id,
            "type": view["type"],
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(at)}.{self._next_id():08x}",
            "title": view.get("title"),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "previous_view_id": previous.get("previous_view_id"),
            "root_view_id": previous.get("root_view_id", view_id),
            "app_id": self.app_id,
            "external_id": view.get("external_id", previous.get("external_id", "")),
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }
        if user_id is not None:
            stored["user_id"] = user_id
        self.views[view_id] = stored
        return stored

    def _checked_view(self, args: Args) -> Args:
        view = args.get("view")
        if isinstance(view, str):
            raise _Rejected("invalid_arguments", [f"must be a JSON object {_ptr('/view')}"])
        errors = view_errors(view)
        if errors:
            raise _Rejected("invalid_arguments", errors)
        return cast(Args, view)

    def _views_publish(self, args: Args, at: float) -> Args:
        user_id = _req_str(args, "user_id", "invalid_arguments")
        if user_id not in self.users:
            raise _ApiError("user_not_found")
        view = self._checked_view(args)
        if view.get("type") != "home":
            raise _Rejected("invalid_arguments", [f"must be home {_ptr('/view/type')}"])
        current = self.home_views.get(user_id)
        if current is not None and args.get("hash") and args["hash"] != current["hash"]:
            raise _ApiError("hash_conflict")
        stored = self._store_view(
            view, at, view_id=current["id"] if current else None, user_id=user_id
        )
        self.home_views[user_id] = stored
        return {"view": stored}

    def _views_open(self, args: Args, at: float) -> Args:
        if not _opt_str(args, "trigger_id") and not _opt_str(args, "interactivity_pointer"):
            raise _ApiError(
                "invalid_arguments",
                response_metadata={"messages": ["[ERROR] missing required field: trigger_id"]},
            )
        view = self._checked_view(args)
        if view.get("type") != "modal":
            raise _Rejected("invalid_arguments", [f"must be modal {_ptr('/view/type')}"])
        return {"view": self._store_view(view, at)}

    def _views_update(self, args: Args, at: float) -> Args:
        view_id = _opt_str(args, "view_id")
        external_id = _opt_str(args, "external_id")
        if view_id is None and external_id is not None:
            view_id = next(
                (v["id"] for v in self.views.values() if v.get("external_id") == external_id), None
            )
        if view_id is None or view_id not in self.views:
            raise _ApiError("not_found")
        current = self.views[view_id]
        if args.get("hash") and args["hash"] != current["hash"]:
            raise _ApiError("hash_conflict")
        view = self._checked_view(args)
        stored = self._store_view(view, at, view_id=view_id, user_id=current.get("user_id"))
        if stored["type"] == "home" and current.get("user_id"):
            self.home_views[str(current["user_id"])] = stored
        return {"view": stored}

    def _files_get_upload_url(self, args: Args, at: float) -> Args:
        filename = _req_str(args, "filename")
        length = _int(args, "length", -1)
        if length < 0:
            raise _ApiError(
                "invalid_arguments",
                response_metadata={"messages": ["[ERROR] missing required field: length"]},
            )
        file_id = f"F{self._next_id():08d}"
        self.files[file_id] = UploadedFile(
            file_id,
            filename,
            length,
            alt_txt=_opt_str(args, "alt_txt"),
            snippet_type=_opt_str(args, "snippet_type"),
        )
        return {"upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    def _files_complete_upload(self, args: Args, at: float) -> Args:
        items = args.get("files")
        if not isinstance(items, list) or not items:
            raise _ApiError(
                "invalid_arguments",
                response_metadata={"messages": ["[ERROR] missing required field: files"]},
            )
        uploads: list[UploadedFile] = []
        for item in items:
            upload = self.files.get(str(item.get("id"))) if isinstance(item, Mapping) else None
            if upload is None or upload.content is None:
                raise _ApiError("file_not_found")
            if upload.completed:
                raise _ApiError("file_update_failed")
            upload.title = item.get("title") or upload.filename
            uploads.append(upload)
        channels = [c for c in (_opt_str(args, "channels") or "").split(",") if c]
        channel_id = _opt_str(args, "channel_id")
        if channel_id:
            channels.append(channel_id)
        targets = [self._postable_channel(c) for c in channels]
        thread_ts = _opt_str(args, "thread_ts")
        comment = _opt_str(args, "initial_comment")
        for upload in uploads:
            upload.completed = True
            upload.channels = [c.id for c in targets]
            upload.initial_comment = comment
            upload.thread_ts = thread_ts
        shared = [u.to_slack(self.team_id, self.bot_user_id) for u in uploads]
        for channel in targets:
            message = self._bot_message(channel.id, {"text": comment or ""}, thread_ts=thread_ts)
            message.files = shared
            self.messages[channel.id].append(message)
        return {"files": [{"id": u.id, "title": u.title} for u in uploads]}
