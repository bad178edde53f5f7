"""What the stand-in remembers: the workspace it keeps and the requests it received.

The workspace records (:class:`User`, :class:`Channel`, :class:`Message`,
:class:`UploadedFile`) render themselves in the shapes Slack's Web API answers
with; the request records (:class:`RecordedCall`, :class:`Rejection`,
:class:`Ephemeral`, :class:`ResponseUrlPost`) are what tests assert on.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, cast

from bot.standin.arguments import Args, truthy
from bot.standin.blockkit import visible_text

__all__ = [
    "DEFAULT_TS_BASE",
    "RESPONSE_URL_METHOD",
    "UPLOAD_METHOD",
    "Channel",
    "Ephemeral",
    "Fault",
    "FaultMode",
    "Message",
    "Outcome",
    "RecordedCall",
    "Rejection",
    "ResponseUrlPost",
    "UploadedFile",
    "User",
]

FaultMode = Literal["status", "status_after", "error", "drop", "drop_after", "delay"]
Outcome = Literal[
    "ok", "error", "rejected", "fault", "fault_after", "dropped", "dropped_after", "ratelimited"
]

#: Pseudo-method names under which the non-Web-API endpoints are recorded.
RESPONSE_URL_METHOD = "response_url"
UPLOAD_METHOD = "files.upload_url"

#: Slack's epoch for the stand-in: creation times, and the first message ``ts`` by default.
DEFAULT_TS_BASE = 1_764_190_000


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
    status_emoji: str = ""
    status_text: str = ""
    status_expiration: int = 0
    """Epoch seconds when Slack clears the status by itself; 0 for never."""

    def status(self, now: float) -> tuple[str, str, int]:
        """The status as Slack shows it at ``now``: gone once it has expired."""
        if self.status_expiration and now >= self.status_expiration:
            return "", "", 0
        return self.status_emoji, self.status_text, self.status_expiration

    def profile(self, team_id: str, now: float) -> Args:
        """The ``profile`` object of ``users.info``, ``users.list`` and ``users.profile.get``."""
        real_name = self.real_name or self.name
        emoji, text, expiration = self.status(now)
        profile: Args = {
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": self.name,
            "display_name_normalized": self.name,
            "status_text": text,
            "status_emoji": emoji,
            "status_expiration": expiration,
            "avatar_hash": "g0000000000",
            "image_24": "https://secure.gravatar.com/avatar/0.png",
            "image_48": "https://secure.gravatar.com/avatar/0.png",
            "team": team_id,
        }
        if self.email:
            profile["email"] = self.email
        if self.bot_id:
            profile["bot_id"] = self.bot_id
        return profile

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
            "profile": self.profile(team_id, now),
            "is_admin": False,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": self.is_app_user,
            "updated": DEFAULT_TS_BASE,
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
                "created": DEFAULT_TS_BASE,
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
            "created": DEFAULT_TS_BASE,
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
                "updated": DEFAULT_TS_BASE,
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
        return truthy(self.body.get("replace_original"))

    @property
    def delete_original(self) -> bool:
        return truthy(self.body.get("delete_original"))


_FILE_TYPES = {
    "png": {"mimetype": "image/png", "filetype": "png", "pretty_type": "PNG"},
    "csv": {"mimetype": "text/csv", "filetype": "csv", "pretty_type": "CSV"},
}
_PLAIN_TEXT = {"mimetype": "text/plain", "filetype": "text", "pretty_type": "Plain Text"}


def _file_type(filename: str) -> dict[str, str]:
    """The type fields Slack gives a file, by its extension."""
    return _FILE_TYPES.get(filename.rsplit(".", 1)[-1].lower(), _PLAIN_TEXT)


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
            "created": DEFAULT_TS_BASE,
            "timestamp": DEFAULT_TS_BASE,
            "name": self.filename,
            "title": self.title or self.filename,
            **_file_type(self.filename),
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
